"""``motcua provision``, the technician's and the device's actions: discover, enroll, image-config, agent.

The server's actions (create-code, devices, revoke) are ``queue_server.cli_provision``; ``motcua.cli`` puts
both under one ``motcua provision`` command.
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
from pathlib import Path

from motcua.contract.provisioning import DEVICE_ROLES, parse_enrol_uri
from motcua.contract.site import DEFAULT_SITE_ID


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of ``motcua provision`` with only this module's actions."""
    add_actions(parser.add_subparsers(dest="action", metavar="ACTION", required=True))


def add_actions(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's actions to ``motcua provision``; each runs through ``run``."""
    p = sub.add_parser("discover", help="list the site servers announced on the LAN (zeroconf)")
    p.add_argument(
        "--interface", action="append", metavar="IP", help="browse on this address (repeatable; default: all)"
    )
    p.add_argument("--timeout", type=float, default=3.0, help="seconds to listen (default: 3)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("enroll", aliases=["enrol"], help="enrol this device with a code")
    p.add_argument("--code", help="the enrolment code, e.g. K7QM-2X9D-PT4A")
    p.add_argument("--uri", help="the scanned QR text (motcua-enrol:?server=...&code=...&fp=...)")
    p.add_argument("--server", help="server URL (default: discover it over zeroconf)")
    p.add_argument("--fingerprint", help="expected SHA-256 of the site CA (default: the announced one)")
    p.add_argument("--site", help="with discovery: only this site")
    p.add_argument("--interface", action="append", metavar="IP", help="discover on this address (repeatable)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds to look for the server (default: 5)")
    p.add_argument("--out", type=Path, required=True, help="directory for the identity (created 0700)")

    p = sub.add_parser("image-config", help="render the firmware file set of one device")
    p.add_argument("--role", required=True, choices=(*DEVICE_ROLES, "server", "province"))
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--platform", choices=("rpi-bookworm", "debian-x86"), default="rpi-bookworm")
    p.add_argument("--rotation", type=int, choices=(0, 90, 180, 270), default=0)
    p.add_argument("--device-dir", type=Path, help="an enrolled identity to take device, site and server from")
    p.add_argument("--site", default=DEFAULT_SITE_ID, help="site id (without --device-dir)")

    p = sub.add_parser("agent", help="run the device's config agent (applies configs, reports status, sd_notify)")
    p.add_argument("--device-dir", type=Path, required=True)

    p = sub.add_parser("update-key", help="make the ed25519 key pair that signs update bundles")
    p.add_argument("--out", type=Path, required=True, help="directory for update-signing.key/.pub")
    p = sub.add_parser("make-bundle", help="sign a wheelhouse into an update bundle")
    p.add_argument("--wheelhouse", type=Path, required=True)
    p.add_argument("--key", type=Path, required=True, help="update-signing.key")
    p.add_argument("--version", required=True)
    p.add_argument("--role", required=True, choices=(*DEVICE_ROLES, "server", "province"))
    p.add_argument("--requirement", help="what pip installs (default: motcua[the role's extras])")
    p.add_argument("--out", type=Path, required=True, help="the bundle file")
    p = sub.add_parser("update", help="install a signed bundle into the inactive slot; keep it only if healthy")
    p.add_argument("--bundle", type=Path, required=True)
    p.add_argument("--public-key", type=Path, required=True, help="the pinned update-signing.pub")
    p.add_argument(
        "--root", type=Path, default=Path("/opt/motcua"), help="slots a, b and current (default /opt/motcua)"
    )
    p.add_argument("--restart-command", default="", help="shell command restarting the units after a switch")
    p.add_argument(
        "--health-command", default="", help="shell command that succeeds when the new slot is healthy ($MOTCUA_SLOT)"
    )
    p.add_argument("--deadline", type=float, default=60.0, help="seconds the health check may take (default 60)")
    p = sub.add_parser("update-recover", help="finish an update a power cut or a kill interrupted (at boot)")
    p.add_argument("--root", type=Path, default=Path("/opt/motcua"))
    p.add_argument("--restart-command", default="")
    for name in (
        "discover",
        "enroll",
        "image-config",
        "agent",
        "update-key",
        "make-bundle",
        "update",
        "update-recover",
    ):
        sub.choices[name].add_argument("--verbose", action="store_true", help="debug logging")
        sub.choices[name].set_defaults(_run=run)


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


def _enroll(args: argparse.Namespace) -> int:
    from provisioning.client import EnrolError, enrol
    from provisioning.discovery import discover

    code, server, fingerprint = args.code, args.server, args.fingerprint
    if args.uri:
        scanned = parse_enrol_uri(args.uri)
        code = code or scanned.code
        server = server or scanned.server
        fingerprint = fingerprint or scanned.fingerprint
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


def _image_config(args: argparse.Namespace) -> int:
    from provisioning.core.imageconfig import ImageParams
    from provisioning.image import write_image

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

    from motcua.runtime.sdnotify import Watchdog
    from provisioning.client import Identity
    from provisioning.device import DeviceAgent

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


def _shell(command: str, env: dict[str, str] | None = None, timeout: float = 120) -> bool:
    import os
    import subprocess

    if not command:
        return True
    done = subprocess.run(["sh", "-c", command], env={**os.environ, **(env or {})}, timeout=timeout, check=False)
    return done.returncode == 0


def _updater(args: argparse.Namespace) -> object:
    from provisioning.update import Updater

    deadline = getattr(args, "deadline", 60.0)
    health = getattr(args, "health_command", "")
    return Updater(
        args.root,
        restart=lambda: None if _shell(args.restart_command) else print("restart command failed", file=sys.stderr),
        healthy=lambda slot: _shell(health, {"MOTCUA_SLOT": str(slot)}, timeout=deadline),
        deadline_s=deadline,
    )


def _update_key(args: argparse.Namespace) -> int:
    from provisioning.update import generate_key

    args.out.mkdir(parents=True, exist_ok=True)
    private, public = generate_key(args.out)
    print(f"signing key {private} (keep it on the site server only); pin {public} on the devices")
    return 0


def _make_bundle(args: argparse.Namespace) -> int:
    from provisioning.core.imageconfig import PIP_EXTRAS
    from provisioning.update import make_bundle

    requirement = args.requirement or f"motcua[{PIP_EXTRAS[args.role]}]"
    out = make_bundle(
        args.wheelhouse, args.out, args.key, version=args.version, role=args.role, requirement=requirement
    )
    print(out)
    return 0


def _update(args: argparse.Namespace) -> int:
    from provisioning.update import BundleError, Updater

    updater = _updater(args)
    assert isinstance(updater, Updater)
    try:
        result = updater.apply(args.bundle, args.public_key)
    except BundleError as exc:
        print(f"update refused: {exc}", file=sys.stderr)
        return 3
    print(f"{result.outcome}: version {result.version} on slot {result.slot} in {result.seconds:.1f} s {result.detail}")
    return 0 if result.outcome == "committed" else 1


def _update_recover(args: argparse.Namespace) -> int:
    from provisioning.update import Updater

    updater = _updater(args)
    assert isinstance(updater, Updater)
    print(f"recovery: {updater.recover()}; current slot {updater.active()}")
    return 0
