"""``motcua site``: a whole site on one machine — MQTT broker, queue server, demo data."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from collections.abc import Mapping

from queue_server.cli_common import configure_logging
from queue_server.cli_server import add_server_options, build_settings, serve
from queue_server.store.db import Database

logger = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``motcua site``."""
    add_server_options(parser, data_dir_required=False)
    parser.add_argument("--broker-port", type=int, default=1883, help="MQTT port of the site broker (default: 1883)")
    parser.add_argument(
        "--broker-kind",
        choices=("auto", "mosquitto", "amqtt"),
        default="auto",
        help="which broker to start (default: mosquitto when installed, else amqtt)",
    )
    parser.add_argument("--no-kiosk", action="store_true", help="do not open the kiosk even if a display exists")


def _demo_tokens(db: Database) -> dict[str, str]:
    """Fresh tokens for the demo devices; the previous demo tokens are revoked."""
    from queue_server.auth import create_token, revoke_tokens
    from queue_server.demo import DEMO_COUNTERS

    revoke_tokens(db, label="demo")
    tokens = {role: create_token(db, role, label="demo") for role in ("admin", "kiosk", "display")}
    for counter in DEMO_COUNTERS:
        tokens[f"counter {counter.id}"] = create_token(db, "counter", counter_id=counter.id, label="demo")
    return tokens


def display_present(environ: Mapping[str, str]) -> bool:
    """A screen to open the kiosk on: X11 (``DISPLAY``) or Wayland (``WAYLAND_DISPLAY``, as under cage)."""
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    """Start the broker, seed the demo, print the URLs, serve until Ctrl-C, then stop everything."""
    configure_logging(args.verbose)
    from motcua.broker import start_broker

    data_dir = args.data_dir.resolve()
    kind = None if args.broker_kind == "auto" else args.broker_kind
    broker = start_broker(data_dir / "broker", host=args.host, port=args.broker_port, kind=kind)
    kiosk: subprocess.Popen[bytes] | None = None
    try:
        settings = build_settings(args, broker.url)
        base = f"http://{args.host}:{args.port}"
        if args.demo:
            from queue_server.demo import seed_demo
            from queue_server.store.db import open_database

            db = open_database(data_dir)
            seed_demo(db)
            tokens = _demo_tokens(db)
            db.close()
        else:
            tokens = {}
        print(f"\nmotcua site '{settings.site_id}' — broker {broker.kind} at {broker.url}", flush=True)
        print(f"  Staff console : {base}/console/", flush=True)
        print(f"  API docs      : {base}/docs", flush=True)
        if tokens:
            print(f"  Admin page    : {base}/console/admin#token={tokens['admin']}")
            print(f"  Counter 1     : {base}/console/counter#counter=1&token={tokens['counter 1']}")
            print(f"  Kiosk token   : {tokens['kiosk']}")
            print(f"  Display token : {tokens['display']}")
        print("  Ctrl-C stops the site.\n", flush=True)
        if not args.no_kiosk and display_present(os.environ):
            try:
                import kiosk_ui.cli_kiosk  # noqa: F401

                env = {**os.environ, "MOTCUA_KIOSK_SERVER_URL": base, "MOTCUA_KIOSK_TOKEN": tokens.get("kiosk", "")}
                kiosk = subprocess.Popen([sys.executable, "-m", "motcua.cli", "kiosk", "--windowed"], env=env)
            except ImportError:
                logger.info("kiosk app not installed; not opening it")
        serve(settings, demo=False)
    except KeyboardInterrupt:
        pass
    finally:
        if kiosk is not None:
            kiosk.terminate()
        broker.stop()
        print("motcua site stopped.", flush=True)
    return 0
