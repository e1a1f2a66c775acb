"""``motcua provision``: discover site servers, create codes, enrol devices, revoke, render device images."""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
from pathlib import Path
from typing import Any

ROLES = ("kiosk", "display", "counter_display", "feedback")


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``motcua provision``."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = sub.add_parser("discover", help="list the site servers announced on the LAN (zeroconf)")
    p.add_argument(
        "--interface", action="append", metavar="IP", help="browse on this address (repeatable; default: all)"
    )
    p.add_argument("--timeout", type=float, default=3.0, help="seconds to listen (default: 3)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("create-code", help="create a single-use enrolment code (10 min, 5 attempts), with a QR code")
    _data_dir(p)
    p.add_argument("--role", required=True, choices=ROLES, help="what the device is")
    p.add_argument("--counter", default=None, help="its counter (counter displays; optional for feedback tablets)")
    p.add_argument("--label", default="", help="a note shown in the device list, e.g. 'kiosk by the door'")

    p = sub.add_parser("enroll", aliases=["enrol"], help="enrol this device with a code")
    p.add_argument("--code", help="the enrolment code, e.g. K7QM-2X9D-PT4A")
    p.add_argument("--uri", help="the scanned QR text (motcua-enrol:?server=...&code=...&fp=...)")
    p.add_argument("--server", help="server URL (default: discover it over zeroconf)")
    p.add_argument("--fingerprint", help="expected SHA-256 of the site CA (default: the announced one)")
    p.add_argument("--site", help="with discovery: only this site")
    p.add_argument("--interface", action="append", metavar="IP", help="discover on this address (repeatable)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds to look for the server (default: 5)")
    p.add_argument("--out", type=Path, required=True, help="directory for the identity (created 0700)")

    p = sub.add_parser("devices", help="list pending, enrolled and revoked devices")
    _data_dir(p)

    p = sub.add_parser("revoke", help="revoke a device: its token, its broker account (files regenerated, SIGHUP)")
    _data_dir(p)
    p.add_argument("device_id")

    p = sub.add_parser("image-config", help="render the firmware file set of one device")
    p.add_argument("--role", required=True, choices=(*ROLES, "server"))
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--platform", choices=("rpi-bookworm", "debian-x86"), default="rpi-bookworm")
    p.add_argument("--rotation", type=int, choices=(0, 90, 180, 270), default=0)
    p.add_argument("--device-dir", type=Path, help="an enrolled identity to take device, site and server from")
    p.add_argument("--site", default="demo-site", help="site id (without --device-dir)")

    p = sub.add_parser("agent", help="run the device's config agent (applies configs, reports status, sd_notify)")
    p.add_argument("--device-dir", type=Path, required=True)
    for action in {id(p): p for p in sub.choices.values()}.values():
        action.add_argument("--verbose", action="store_true", help="debug logging")


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, required=True, help="the site's data directory")
    parser.add_argument("--site", default=None, help="site id (default: MOTCUA_SITE_ID or demo-site)")


def run(args: argparse.Namespace) -> int:
    """Run the chosen action."""
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    action = {"enrol": "enroll"}.get(args.action, args.action)
    handler = globals()[f"_{action.replace('-', '_')}"]
    try:
        return int(handler(args))
    except (ValueError, OSError) as exc:
        print(f"motcua provision {args.action}: {exc}", file=sys.stderr)
        return 1


def _discover(args: argparse.Namespace) -> int:
    from provisioning.discovery import discover

    servers = discover(args.interface, args.timeout)
    if args.json:
        print(json.dumps([{**s.__dict__, "url": s.url} for s in servers], indent=2))
    else:
        for s in servers:
            print(f"{s.site_id}\t{s.address}\t{s.port}\t{s.scheme}\t{s.fingerprint}")
        if not servers:
            print("no motcua server found", file=sys.stderr)
    return 0 if servers else 1


def _provisioner(args: argparse.Namespace) -> Any:
    from provisioning.service import Provisioner
    from provisioning.settings import ProvisioningSettings
    from queue_server.settings import ServerSettings
    from queue_server.store.db import open_database

    site = args.site or ServerSettings(data_dir=args.data_dir).site_id
    prov = ProvisioningSettings()
    return Provisioner(open_database(args.data_dir), site, prov.directory(args.data_dir), prov)


def _create_code(args: argparse.Namespace) -> int:
    import io

    import qrcode

    from provisioning.service import ProvisioningError

    try:
        issued = _provisioner(args).create_code(args.role, args.counter, args.label)
    except ProvisioningError as exc:
        print(f"{exc.message_vi}\n{exc.message_en}", file=sys.stderr)
        return 1
    uri = f"motcua-enrol:?code={issued['code']}&fp={issued['ca_fingerprint']}"
    qr = qrcode.QRCode(border=1)
    qr.add_data(uri)
    text = io.StringIO()
    qr.print_ascii(out=text)
    print(text.getvalue())
    print(f"Mã đăng ký / code : {issued['code']}")
    counter = f", quầy/counter {args.counter}" if args.counter else ""
    print(f"Thiết bị / device : {issued['device_id']} ({issued['role']}{counter})")
    print(f"Hết hạn / expires : {issued['expires_at']:%Y-%m-%d %H:%M:%S} UTC")
    print(f"CA fingerprint    : {issued['ca_fingerprint']}")
    return 0


def _enroll(args: argparse.Namespace) -> int:
    from urllib.parse import parse_qs, urlparse

    from provisioning.client import EnrolError, enrol
    from provisioning.discovery import discover

    code, server, fingerprint = args.code, args.server, args.fingerprint
    if args.uri:
        query = parse_qs(urlparse(args.uri).query)
        code = code or query.get("code", [None])[0]
        server = server or query.get("server", [None])[0]
        fingerprint = fingerprint or query.get("fp", [None])[0]
    if not code:
        print("an enrolment code is needed (--code or --uri)", file=sys.stderr)
        return 2
    if not server:
        found = discover(args.interface, args.timeout, first=True, site=args.site)
        if fingerprint:
            found = [s for s in found if s.fingerprint == fingerprint.lower()]
        if not found:
            print("no motcua server found; give --server", file=sys.stderr)
            return 1
        server, fingerprint = found[0].url, fingerprint or found[0].fingerprint
    if not fingerprint:
        print("the site CA fingerprint is needed with --server (--fingerprint or --uri)", file=sys.stderr)
        return 2
    try:
        identity = enrol(server, code, fingerprint, args.out, hostname=socket.gethostname())
    except EnrolError as exc:
        print(f"enrolment refused: {exc}", file=sys.stderr)
        return 1
    print(f"enrolled: {identity.device_id} ({identity.role}) at site {identity.site}; stored in {identity.directory}")
    return 0


def _devices(args: argparse.Namespace) -> int:
    for row in _provisioner(args).list_devices():
        print(
            f"{row['id']}\t{row['role']}\t{row['counter_id'] or '-'}\t{row['status']}\tconfig v{row['config_version']}"
            f" (runs {row['reported_config_version'] if row['reported_config_version'] is not None else '?'})"
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from provisioning.service import ProvisioningError

    try:
        result = _provisioner(args).revoke(args.device_id)
    except ProvisioningError as exc:
        print(exc.message_en, file=sys.stderr)
        return 1
    print(f"revoked {result['id']}: {result['tokens_revoked']} token(s); broker reloaded: {result['broker_reloaded']}")
    return 0


def _image_config(args: argparse.Namespace) -> int:
    from firmware_configs import write_image
    from provisioning.core.imageconfig import ImageParams

    device_id, site, server = "unenrolled", args.site, ""
    if args.device_dir:
        from provisioning.client import Identity

        identity = Identity.load(args.device_dir)
        device_id, site, server = identity.device_id, identity.site, identity.server_url
    params = ImageParams(
        role=args.role,
        platform=args.platform,
        device_id=device_id,
        site_id=site,
        server_url=server,
        rotation=args.rotation,
    )
    for path in write_image(params, args.out):
        print(path)
    return 0


def _agent(args: argparse.Namespace) -> int:
    import threading

    from provisioning.client import Identity
    from provisioning.device import DeviceAgent
    from provisioning.sdnotify import Watchdog

    agent = DeviceAgent(Identity.load(args.device_dir)).start()
    watchdog = Watchdog(healthy=lambda: agent.connection.connected).start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        watchdog.stop()
        agent.stop()
    return 0
