"""``motcua monitor``: ingest every site's uplink (MQTT and HTTPS), store, alert, serve the dashboard."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
import threading
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``motcua monitor``."""
    parser.add_argument("--data-dir", type=Path, default=Path("monitor-data"), help="directory of the SQLite store")
    parser.add_argument(
        "--db",
        default=None,
        help="store URL: sqlite:////abs/path.db or postgresql://... (default: sqlite in --data-dir)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8100, help="HTTP port (default: 8100)")
    parser.add_argument("--broker", default=None, help="province MQTT broker to subscribe to motcua/+/uplink")
    parser.add_argument("--alert-interval", type=float, default=15.0, help="seconds between timer alert checks")
    parser.add_argument("--ssl-certfile", default=None, help="TLS certificate (else put a reverse proxy in front)")
    parser.add_argument("--ssl-keyfile", default=None, help="TLS private key")
    parser.add_argument(
        "--create-site-token", metavar="SITE", default=None, help="print a new ingest token for SITE and exit"
    )
    parser.add_argument(
        "--insecure-cookies",
        action="store_true",
        help="plain-HTTP development on loopback only: session cookies without Secure (default: Secure)",
    )
    parser.add_argument("--session-hours", type=float, default=12.0, help="a sign-in lasts this long (default: 12)")
    parser.add_argument(
        "--idle-minutes", type=float, default=120.0, help="a session unused this long ends (default: 120)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="on an empty store: generate a small demonstration province and its demo accounts first",
    )
    parser.add_argument("--demo-sites", type=int, default=12, help="sites of the --demo province (default: 12)")
    parser.add_argument("--demo-weeks", type=int, default=4, help="weeks of --demo history (default: 4)")
    parser.add_argument("--verbose", action="store_true", help="debug logging")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    user = actions.add_parser(
        "create-user", help="add an account (the first operator, say)", description="Add an account of the monitor."
    )
    _store_options(user)
    user.add_argument("--username", required=True, help="the sign-in name (case-insensitive)")
    user.add_argument(
        "--role", required=True, choices=("operator", "site_manager", "viewer"), help="the account's role"
    )
    user.add_argument(
        "--site", action="append", default=None, help="a site it may read (site_manager: 1+; viewer: none = all)"
    )
    user.add_argument("--display-name", default="", help="the person's name as shown")
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin (else a prompt)"
    )
    token = actions.add_parser(
        "create-token",
        help="print a new API token for a machine reader",
        description="Create an API token (Bearer) scoped by role and sites; it is printed once.",
    )
    _store_options(token)
    token.add_argument("--name", required=True, help="who or what uses it")
    token.add_argument("--role", required=True, choices=("operator", "site_manager", "viewer"), help="its role")
    token.add_argument("--site", action="append", default=None, help="a site it may read (repeat)")
    token.add_argument("--days", type=float, default=None, help="valid for this many days (default: until revoked)")


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=Path("monitor-data"), help="directory of the SQLite store")
    parser.add_argument("--db", default=None, help="store URL (default: sqlite in --data-dir)")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Mật khẩu / Password: ")
    if getpass.getpass("Nhập lại / Repeat: ") != first:
        raise ValueError("the two passwords differ")
    return first


def run_action(args: argparse.Namespace, store: Any) -> int:
    """``create-user`` or ``create-token`` on an open store."""
    from monitor.auth import AuthService

    auth = AuthService(store)
    try:
        if args.action == "create-user":
            name = auth.create_user(
                args.username, _read_password(args), args.role, args.site, display_name=args.display_name
            )
            print(f"account {name!r} ({args.role}) created")
        else:
            token_id, token = auth.create_token(
                args.name, args.role, args.site, actor="cli", actor_kind="cli", days=args.days
            )
            print(token)
            print(f"token id {token_id}: keep the token, it is not shown again", file=sys.stderr)
    except ValueError as exc:
        print(f"motcua monitor {args.action}: {exc}", file=sys.stderr)
        return 2
    return 0


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def store_url(args: argparse.Namespace) -> str:
    """The store URL from --db or --data-dir."""
    if args.db:
        return str(args.db)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{args.data_dir.resolve() / 'monitor.db'}"


def mount_dashboard(app: Any, store: Any) -> bool:
    """Mount ``monitor.dashboard.mount(app, store)`` when that package provides it."""
    try:
        spec = importlib.util.find_spec("monitor.dashboard")
    except ModuleNotFoundError:
        spec = None
    if spec is None:
        return False
    module = importlib.import_module("monitor.dashboard")
    mount = getattr(module, "mount", None)
    if mount is None:
        return False
    mount(app, store)
    return True


def run(args: argparse.Namespace) -> int:
    """Run the monitor until interrupted."""
    from motcua.runtime.logging import configure_logging

    configure_logging(verbose=args.verbose, identifier="motcua-monitor")
    from monitor.store import open_store

    try:
        store = open_store(store_url(args))
    except Exception as exc:
        print(f"motcua monitor: cannot open the store: {exc}", file=sys.stderr)
        return 2
    if args.create_site_token:
        print(store.create_site_token(args.create_site_token))
        store.close()
        return 0
    if getattr(args, "action", None):
        try:
            return run_action(args, store)
        finally:
            store.close()
    if args.insecure_cookies and not _loopback(args.host):
        print("motcua monitor: --insecure-cookies is for plain HTTP on loopback only", file=sys.stderr)
        store.close()
        return 2
    if args.demo and not store.count_events():
        from monitor.generator import generate, print_demo_accounts

        report = generate(store, sites=args.demo_sites, weeks=args.demo_weeks, accounts=True)
        print(f"demo province: {report.sites} sites, {report.events:,} events")
        scheme = "https" if args.ssl_certfile else "http"
        print_demo_accounts(report.accounts, f"{scheme}://{args.host}:{args.port}/login")
    if not store.users():
        logger.warning(
            "the monitor has no account yet: create the first operator with "
            "`motcua monitor create-user --role operator --username NAME` (same --data-dir/--db)"
        )

    import uvicorn

    from monitor.alerts import AlertEngine
    from monitor.ingest.http import create_app
    from monitor.ingest.mqtt import MqttIngest
    from monitor.ingest.service import IngestService

    engine = AlertEngine(store)
    service = IngestService(store, engine)
    mqtt = None
    if args.broker:
        mqtt = MqttIngest(args.broker, service)
        engine.publish = mqtt.publish_alert
        mqtt.start()
    from monitor.auth import AuthService

    auth = AuthService(store, session_hours=args.session_hours, idle_minutes=args.idle_minutes)
    app = create_app(store, service, auth=auth, cookie_secure=not args.insecure_cookies)
    if mount_dashboard(app, store):
        logger.info("dashboard mounted")
    stop = threading.Event()

    def timer() -> None:
        while not stop.wait(args.alert_interval):
            try:
                engine.tick()
            except Exception:
                logger.exception("timer alert rules failed")

    threading.Thread(target=timer, name="alerts", daemon=True).start()
    from motcua.runtime.sdnotify import Watchdog

    watchdog = Watchdog().start()  # systemd Type=notify + WatchdogSec (firmware_configs motcua-monitor.service)
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level="warning",
            access_log=False,
            ssl_certfile=args.ssl_certfile,
            ssl_keyfile=args.ssl_keyfile,
        )
    finally:
        watchdog.stop()
        stop.set()
        if mqtt is not None:
            mqtt.stop()
        store.close()
    return 0
