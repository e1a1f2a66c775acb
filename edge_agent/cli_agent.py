"""``motcua agent``: heartbeat on every device; on the site server, the uplink to the province."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``motcua agent`` (each overrides its MOTCUA_AGENT_* variable)."""
    parser.add_argument("--data-dir", type=Path, default=None, help="directory of the agent's outbox")
    parser.add_argument("--site", default=None, help="site id (MQTT topic root motcua/{site}/)")
    parser.add_argument("--device-id", default=None, help="this device's id (default: site-server)")
    parser.add_argument("--role", default=None, help="server (collects and uplinks), kiosk, display, counter")
    parser.add_argument("--broker", default=None, help="the site's MQTT broker, e.g. mqtt://127.0.0.1:1883")
    parser.add_argument("--uplink", choices=("mqtt", "http", "none"), default=None, help="transport to the province")
    parser.add_argument("--monitor-url", default=None, help="monitor base URL for --uplink http")
    parser.add_argument("--site-token", default=None, help="bearer token of this site at the monitor")
    parser.add_argument(
        "--server-url", default=None, help="queue server URL: replay its event log, post feedback sentiment back"
    )
    parser.add_argument("--server-token", default=None, help="queue server token of role agent")
    parser.add_argument("--heartbeat", type=float, default=None, help="seconds between heartbeats (default 30)")
    parser.add_argument("--kpi-interval", type=float, default=None, help="seconds between KPI snapshots (300)")
    parser.add_argument("--printer-status-file", type=Path, default=None, help="kiosk printer status file")
    parser.add_argument(
        "--print-bridge-config",
        metavar="PROVINCE_BROKER",
        default=None,
        help="print the mosquitto bridge lines to the province broker (mqtt://host:port) and exit",
    )
    parser.add_argument(
        "--metrics-port", type=int, default=None, help="serve Prometheus metrics on 127.0.0.1:PORT/metrics"
    )
    parser.add_argument("--verbose", action="store_true", help="debug logging")


def build_settings(args: argparse.Namespace) -> Any:
    """Settings from the environment, overridden by flags."""
    from edge_agent.settings import AgentSettings

    mapping = {
        "data_dir": args.data_dir,
        "site_id": args.site,
        "device_id": args.device_id,
        "role": args.role,
        "broker_url": args.broker,
        "uplink": args.uplink,
        "monitor_url": args.monitor_url,
        "site_token": args.site_token,
        "server_url": args.server_url,
        "server_token": args.server_token,
        "heartbeat_s": args.heartbeat,
        "kpi_interval_s": args.kpi_interval,
        "printer_status_file": args.printer_status_file,
        "metrics_port": args.metrics_port,
    }
    return AgentSettings(**{k: v for k, v in mapping.items() if v is not None})


def run(args: argparse.Namespace) -> int:
    """Run the agent until SIGTERM / Ctrl-C."""
    from motcua.runtime.logging import configure_logging

    # httpx: one line per event-log read otherwise
    configure_logging(verbose=args.verbose, quiet=() if args.verbose else ("httpx",))
    if args.print_bridge_config:
        from edge_agent.core.bridge import bridge_config
        from motcua.runtime.mqtt import parse_broker_url

        address = parse_broker_url(args.print_bridge_config)
        site = args.site or build_settings(args).site_id
        sys.stdout.write(bridge_config(site, address.host, address.port))
        return 0
    try:
        settings = build_settings(args)
    except ValueError as exc:
        print(f"motcua agent: {exc}", file=sys.stderr)
        return 2
    from edge_agent.agent import Agent
    from motcua.runtime.sdnotify import Watchdog

    agent = Agent(settings)
    if settings.metrics_port is not None:
        from edge_agent.metrics import serve_metrics

        serve_metrics(agent, settings.metrics_port)  # prometheus_client's HTTP server, 127.0.0.1 only
    signal.signal(signal.SIGTERM, lambda *_: agent.stop())
    watchdog = Watchdog(healthy=lambda: agent.status_conn.connected).start()  # systemd Type=notify (firmware)
    try:
        agent.run()
    except KeyboardInterrupt:
        agent.stop()
    finally:
        watchdog.stop()
    return 0
