"""``motcua provision create-code | devices | revoke``: the server's provisioning actions, on its data directory.

``motcua.cli`` puts them beside the device's actions (``provisioning.cli``) under one ``motcua provision``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from motcua.contract.provisioning import DEVICE_ROLES, enrol_uri

if TYPE_CHECKING:
    from queue_server.provisioning import Provisioner

ACTIONS = ("create-code", "devices", "revoke")


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``motcua provision`` with only the server's actions."""
    add_actions(parser.add_subparsers(dest="action", metavar="ACTION", required=True))


def add_actions(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the server's actions to ``motcua provision``; each runs through ``run``."""
    p = sub.add_parser("create-code", help="create a single-use enrolment code (10 min, 5 attempts), with a QR code")
    _data_dir(p)
    p.add_argument("--role", required=True, choices=DEVICE_ROLES, help="what the device is")
    p.add_argument("--counter", default=None, help="its counter (counter displays; optional for feedback tablets)")
    p.add_argument("--label", default="", help="a note shown in the device list, e.g. 'kiosk by the door'")

    p = sub.add_parser("devices", help="list pending, enrolled and revoked devices")
    _data_dir(p)

    p = sub.add_parser("revoke", help="revoke a device: its token, its broker account (files regenerated, SIGHUP)")
    _data_dir(p)
    p.add_argument("device_id")
    for name in ACTIONS:
        sub.choices[name].add_argument("--verbose", action="store_true", help="debug logging")
        sub.choices[name].set_defaults(_run=run)


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, required=True, help="the site's data directory")
    parser.add_argument("--site", default=None, help="site id (default: MOTCUA_SITE_ID or demo-site)")


def run(args: argparse.Namespace) -> int:
    """Run the chosen action."""
    from queue_server.provisioning import ProvisioningError

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    handler = {"create-code": _create_code, "devices": _devices, "revoke": _revoke}[args.action]
    try:
        return handler(args)
    except ProvisioningError as exc:
        print(f"{exc.message_vi}\n{exc.message_en}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as exc:
        print(f"motcua provision {args.action}: {exc}", file=sys.stderr)
        return 1


def _provisioner(args: argparse.Namespace) -> Provisioner:
    from queue_server.provisioning import Provisioner, ProvisioningSettings
    from queue_server.settings import ServerSettings
    from queue_server.store.db import open_database

    site = args.site or ServerSettings(data_dir=args.data_dir).site_id
    prov = ProvisioningSettings()
    return Provisioner(open_database(args.data_dir), site, prov.directory(args.data_dir), prov)


def _create_code(args: argparse.Namespace) -> int:
    import io

    import qrcode

    issued = _provisioner(args).create_code(args.role, args.counter, args.label)
    qr = qrcode.QRCode(border=1)
    qr.add_data(enrol_uri(issued["code"], issued["ca_fingerprint"]))
    text = io.StringIO()
    qr.print_ascii(out=text)
    print(text.getvalue())
    print(f"Mã đăng ký / code : {issued['code']}")
    counter = f", quầy/counter {args.counter}" if args.counter else ""
    print(f"Thiết bị / device : {issued['device_id']} ({issued['role']}{counter})")
    print(f"Hết hạn / expires : {issued['expires_at']:%Y-%m-%d %H:%M:%S} UTC")
    print(f"CA fingerprint    : {issued['ca_fingerprint']}")
    return 0


def _devices(args: argparse.Namespace) -> int:
    for row in _provisioner(args).list_devices():
        runs = row["reported_config_version"] if row["reported_config_version"] is not None else "?"
        print(
            f"{row['id']}\t{row['role']}\t{row['counter_id'] or '-'}\t{row['status']}\tconfig v{row['config_version']}"
            f" (runs {runs})"
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    result = _provisioner(args).revoke(args.device_id)
    print(f"revoked {result['id']}: {result['tokens_revoked']} token(s); broker reloaded: {result['broker_reloaded']}")
    return 0
