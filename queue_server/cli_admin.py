"""``motcua admin``: tokens and demo data in a site's data directory."""

from __future__ import annotations

import argparse
import sys

from queue_server.auth import ROLES, create_token, list_tokens, revoke_where
from queue_server.cli_common import add_data_dir
from queue_server.store.db import Database, open_database


def configure(parser: argparse.ArgumentParser) -> None:
    """Sub-commands of ``motcua admin``."""
    sub = parser.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    token = sub.add_parser("create-token", help="print a new bearer token for a device or staff role")
    add_data_dir(token, required=True)
    token.add_argument("--role", choices=ROLES, required=True, help="what the token may do")
    token.add_argument("--counter", default=None, help="the counter a counter token acts on")
    token.add_argument("--label", default="", help="a note, e.g. the device name")
    token.add_argument("--department", default=None, help="the department a department token sees (default: all)")
    tokens = sub.add_parser("list-tokens", help="list tokens (without secrets)")
    add_data_dir(tokens, required=True)
    revoke = sub.add_parser(
        "revoke-token",
        help="revoke tokens by id (as list-tokens prints it), label and/or role; a running server refuses them"
        " from its next request",
    )
    add_data_dir(revoke, required=True)
    revoke.add_argument("token_id", nargs="?", default=None, help="the token's id (first column of list-tokens)")
    revoke.add_argument("--label", default=None, help="every active token with this label, e.g. demo")
    revoke.add_argument("--role", choices=ROLES, default=None, help="every active token of this role")
    seed = sub.add_parser("seed-demo", help="seed the demo services and counters (idempotent)")
    add_data_dir(seed, required=True)
    from queue_server.cli_backup import configure_backup

    configure_backup(sub)


def run(args: argparse.Namespace) -> int:
    """Run the chosen admin action."""
    if args.admin_command in ("backup", "restore"):
        from queue_server.cli_backup import run_backup

        return run_backup(args)
    db = open_database(args.data_dir)
    try:
        if args.admin_command == "create-token":
            try:
                made = create_token(
                    db, args.role, counter_id=args.counter, label=args.label, department=args.department
                )
                print(made)
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
        elif args.admin_command == "revoke-token":
            return _revoke(db, args)
        elif args.admin_command == "seed-demo":
            from queue_server.demo import seed_demo

            seed_demo(db)
        return 0
    finally:
        db.close()


def _revoke(db: Database, args: argparse.Namespace) -> int:
    """Revoke the tokens the arguments name (all criteria must hold); 1 when none matched."""
    try:
        revoked = revoke_where(db, token_id=args.token_id, label=args.label, role=args.role)
    except ValueError as exc:
        print(f"motcua admin revoke-token: {exc}", file=sys.stderr)
        return 2
    if not revoked:
        print("motcua admin revoke-token: no active token matches", file=sys.stderr)
        return 1
    for token_id in revoked:
        print(f"revoked\t{token_id}")
    return 0
