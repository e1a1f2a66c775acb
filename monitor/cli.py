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
    parser.add_argument("--verbose", action="store_true", help="debug logging")


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
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
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
    app = create_app(store, service)
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
        stop.set()
        if mqtt is not None:
            mqtt.stop()
        store.close()
    return 0
