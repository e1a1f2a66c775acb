"""``motcua admin``: tokens and demo data in a site's data directory."""

from __future__ import annotations

import argparse
import sys

from queue_server.auth import ROLES, create_token, list_tokens
from queue_server.cli_common import add_data_dir
from queue_server.store.db import open_database


def configure(parser: argparse.ArgumentParser) -> None:
    """Sub-commands of ``motcua admin``."""
    sub = parser.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    token = sub.add_parser("create-token", help="print a new bearer token for a device or staff role")
    add_data_dir(token, required=True)
    token.add_argument("--role", choices=ROLES, required=True, help="what the token may do")
    token.add_argument("--counter", default=None, help="the counter a counter token acts on")
    token.add_argument("--label", default="", help="a note, e.g. the device name")
    tokens = sub.add_parser("list-tokens", help="list tokens (without secrets)")
    add_data_dir(tokens, required=True)
    seed = sub.add_parser("seed-demo", help="seed the demo services and counters (idempotent)")
    add_data_dir(seed, required=True)


def run(args: argparse.Namespace) -> int:
    """Run the chosen admin action."""
    db = open_database(args.data_dir)
    try:
        if args.admin_command == "create-token":
            try:
                print(create_token(db, args.role, counter_id=args.counter, label=args.label))
            except ValueError as exc:
                print(f"motcua admin: {exc}", file=sys.stderr)
                return 2
        elif args.admin_command == "list-tokens":
            for row in list_tokens(db):
                print(
                    "\t".join(
                        str(row[k] or "") for k in ("id", "role", "counter_id", "label", "created_at", "revoked_at")
                    )
                )
        elif args.admin_command == "seed-demo":
            from queue_server.demo import seed_demo

            seed_demo(db)
        return 0
    finally:
        db.close()
