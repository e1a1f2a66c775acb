"""``motcua server``: the queue server alone, against an existing MQTT broker."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path
from typing import Any

from queue_server.cli_common import configure_logging


def add_server_options(parser: argparse.ArgumentParser, *, data_dir_required: bool) -> None:
    """Options shared by ``motcua server`` and ``motcua site``."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        required=data_dir_required,
        default=None if data_dir_required else Path("data"),
        help="directory of the site's SQLite database (default: ./data)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (default: 8000)")
    parser.add_argument("--site", default=None, help="site id, the MQTT topic root motcua/{site}/ (default: demo-site)")
    parser.add_argument("--demo", action="store_true", help="seed the demo centre's services and counters")
    parser.add_argument("--verbose", action="store_true", help="debug logging")


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``motcua server``."""
    add_server_options(parser, data_dir_required=True)
    parser.add_argument("--broker", default=None, help="MQTT broker URL, e.g. mqtt://127.0.0.1:1883")


def build_settings(args: argparse.Namespace, broker_url: str | None) -> Any:
    """Settings from the environment, overridden by flags."""
    from queue_server.settings import ServerSettings

    overrides: dict[str, Any] = {"data_dir": args.data_dir, "host": args.host, "port": args.port}
    if broker_url:
        overrides["broker_url"] = broker_url
    if args.site:
        overrides["site_id"] = args.site
    return ServerSettings(**overrides)


def serve(settings: Any, *, demo: bool) -> None:
    """Seed if asked, then serve HTTP until interrupted."""
    import uvicorn

    from queue_server.app import create_app
    from queue_server.provisioning.hooks import site_services

    app = create_app(settings)
    if demo:
        from queue_server.demo import seed_demo

        seed_demo(app.state.service.db)
    # The site CA (created at first start), HTTPS when MOTCUA_PROVISION_TLS=true, the zeroconf announcement
    # on the bind address (or MOTCUA_PROVISION_ANNOUNCE_INTERFACES), withdrawn on exit.
    # Everything built so far lives as long as the process: move it out of the collector's way so that
    # full collections under load do not rescan it (gc.freeze, CPython 3.7+).
    gc.collect()
    gc.freeze()
    with site_services(settings) as tls:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False, **tls)


def run(args: argparse.Namespace) -> int:
    """Run the server."""
    configure_logging(args.verbose)
    serve(build_settings(args, args.broker), demo=args.demo)
    return 0
