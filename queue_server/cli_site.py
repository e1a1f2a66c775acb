"""``motcua site``: a whole site on one machine — MQTT broker, queue server, demo data.

The broker is a supervised child: restarted with back-off when it dies, and after ``--broker-restarts``
failed restarts in a row the site exits non-zero (systemd then restarts all of it). SIGTERM stops the site
as Ctrl-C does, broker and kiosk included.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import FrameType

from queue_server.cli_common import configure_logging
from queue_server.cli_server import add_server_options, build_settings, serve
from queue_server.store.db import Database

logger = logging.getLogger(__name__)

DEMO_TOKENS_FILE = "demo-tokens.json"
DEMO_LABEL = "demo"


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
    parser.add_argument(
        "--broker-restarts",
        type=int,
        default=5,
        help="failed broker restarts in a row before the site exits non-zero (default: 5)",
    )
    parser.add_argument(
        "--new-tokens",
        action="store_true",
        help=f"with --demo: revoke the demo tokens kept in DATA_DIR/{DEMO_TOKENS_FILE} and print new ones",
    )
    parser.add_argument("--no-kiosk", action="store_true", help="do not open the kiosk even if a display exists")


def _demo_roles() -> dict[str, tuple[str, str | None]]:
    """Name printed -> (role, counter) of every demo device."""
    from queue_server.demo import DEMO_COUNTERS

    roles: dict[str, tuple[str, str | None]] = {role: (role, None) for role in ("admin", "kiosk", "display")}
    for counter in DEMO_COUNTERS:
        roles[f"counter {counter.id}"] = ("counter", counter.id)
    return roles


def _load_kept(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    tokens = data.get("tokens") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in tokens.items()} if isinstance(tokens, dict) else {}


def demo_tokens(db: Database, data_dir: Path, *, rotate: bool = False) -> dict[str, str]:
    """The demo devices' tokens, kept in ``DATA_DIR/demo-tokens.json`` (0600) so they survive a restart.

    The database stores only hashes, so the clear text lives in that file. A kept token that is still valid
    for its device is reused; one missing, revoked or wrong is replaced. ``rotate`` revokes every demo token
    and makes new ones. Without the file, demo tokens left in the database cannot be printed: revoked.
    """
    from motcua.runtime.files import write_private
    from queue_server.auth import authenticate, create_token, revoke_tokens

    path = data_dir / DEMO_TOKENS_FILE
    kept = {} if rotate else _load_kept(path)
    if not kept:
        revoke_tokens(db, label=DEMO_LABEL)
    tokens: dict[str, str] = {}
    for name, (role, counter_id) in _demo_roles().items():
        token = kept.get(name, "")
        principal = authenticate(db, token) if token else None
        if principal is None or principal.role != role or principal.counter_id != counter_id:
            token = create_token(db, role, counter_id=counter_id, label=DEMO_LABEL)
        tokens[name] = token
    if tokens != kept:
        body = {
            "note": "Demo device tokens of this site (motcua site --demo). Rotate: motcua site --demo --new-tokens",
            "tokens": tokens,
        }
        write_private(path, json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return tokens


def display_present(environ: Mapping[str, str]) -> bool:
    """A screen to open the kiosk on: X11 (``DISPLAY``) or Wayland (``WAYLAND_DISPLAY``, as under cage)."""
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


class _Terminated(BaseException):
    """SIGTERM arrived: stop the site as Ctrl-C does."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def run(args: argparse.Namespace) -> int:
    """Start the broker, seed the demo, print the URLs, serve until Ctrl-C or SIGTERM, then stop everything."""
    configure_logging(args.verbose)
    from motcua.runtime.broker import BrokerSupervisor, start_broker

    # uvicorn handles SIGTERM itself and raises it again once it has shut down: without a handler of ours
    # the default action would end the process there, leaving the broker child running (and its port held).
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_terminated)
    data_dir = args.data_dir.resolve()
    kind = None if args.broker_kind == "auto" else args.broker_kind
    broker = start_broker(data_dir / "broker", host=args.host, port=args.broker_port, kind=kind)
    broker_failed = threading.Event()

    def give_up() -> None:
        broker_failed.set()
        os.kill(os.getpid(), signal.SIGTERM)  # the same orderly stop as a terminate from outside

    supervisor = BrokerSupervisor(broker, max_restarts=args.broker_restarts, on_give_up=give_up).start()
    kiosk: subprocess.Popen[bytes] | None = None
    try:
        settings = build_settings(args, broker.url)
        base = f"http://{args.host}:{args.port}"
        if args.demo:
            from queue_server.demo import seed_demo
            from queue_server.store.db import open_database

            db = open_database(data_dir)
            seed_demo(db)
            tokens = demo_tokens(db, data_dir, rotate=args.new_tokens)
            db.close()
        else:
            tokens = {}
        print(f"\nmotcua site '{settings.site_id}' — broker {broker.kind} at {broker.url}", flush=True)
        print(f"  Staff console : {base}/console/", flush=True)
        print(f"  API docs      : {base}/docs (Swagger UI), {base}/redoc (ReDoc)", flush=True)
        if tokens:
            print(f"  Admin page    : {base}/console/admin#token={tokens['admin']}")
            print(f"  Counter 1     : {base}/console/counter#counter=1&token={tokens['counter 1']}")
            print(f"  Kiosk token   : {tokens['kiosk']}")
            print(f"  Display token : {tokens['display']}")
            print(f"  Demo tokens   : kept in {data_dir / DEMO_TOKENS_FILE} (new ones: --new-tokens)")
        print("  Ctrl-C stops the site.\n", flush=True)
        if not args.no_kiosk and display_present(os.environ):
            # The kiosk is another deployable: started as its own `motcua kiosk` process, never imported here.
            if importlib.util.find_spec("kiosk_ui") is not None:
                env = {**os.environ, "MOTCUA_KIOSK_SERVER_URL": base, "MOTCUA_KIOSK_TOKEN": tokens.get("kiosk", "")}
                kiosk = subprocess.Popen([sys.executable, "-m", "motcua.cli", "kiosk", "--windowed"], env=env)
            else:
                logger.info("kiosk app not installed; not opening it")
        serve(settings, demo=False)
    except (KeyboardInterrupt, _Terminated):
        pass
    finally:
        if kiosk is not None:
            kiosk.terminate()
        supervisor.stop()
        print("motcua site stopped.", flush=True)
    if broker_failed.is_set():
        logger.error("the MQTT broker could not be kept up: exiting with status 1")
        return 1
    return 0
