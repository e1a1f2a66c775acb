"""``motcua display``: run a waiting-room or counter display (settings from MOTCUA_DISPLAY_* and flags)."""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import ValidationError

from motcua.contract.site import DEFAULT_SITE_ID


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the display's flags (each overrides the MOTCUA_DISPLAY_* variable of the same name)."""
    parser.add_argument("--kind", choices=["waiting-room", "counter"], help="which display to run")
    parser.add_argument("--counter", metavar="ID", help="counter id (for --kind counter)")
    parser.add_argument("--broker", metavar="mqtt://HOST:PORT", help="MQTT broker URL")
    parser.add_argument(
        "--site",
        metavar="SITE_ID",
        help=f"site id (topic root motcua/SITE_ID/; default {DEFAULT_SITE_ID}, as the server's)",
    )
    parser.add_argument("--ca-file", metavar="PEM", help="CA that signed the broker's certificate (mqtts://)")
    parser.add_argument("--cert-file", metavar="PEM", help="this device's client certificate (mqtts://)")
    parser.add_argument("--key-file", metavar="PEM", help="the private key of --cert-file")
    parser.add_argument("--device-id", metavar="ID", help="device id for the status topic")
    parser.add_argument("--orientation", choices=["landscape", "portrait"], help="screen layout")
    parser.add_argument("--lang", choices=["vi", "en"], help="language of the on-screen text")
    parser.add_argument("--voice", choices=["espeak", "pack"], help="speech engine")
    parser.add_argument(
        "--announce", choices=["auto", "on", "off"], help="speak calls (auto: waiting room yes, counter no)"
    )
    parser.add_argument("--windowed", action="store_true", default=None, help="run in a window, not full screen")
    parser.add_argument("--size", metavar="WxH", help="window size when windowed, e.g. 1280x720")
    parser.add_argument("--log-level", default="INFO", help="logging level (default INFO)")


def settings_from_args(args: argparse.Namespace) -> Any:
    """DisplaySettings from the environment, overridden by the flags given."""
    from kiosk_ui.settings import DisplaySettings

    names = ["kind", "counter", "broker", "site", "device_id", "ca_file", "cert_file", "key_file"]
    names += ["orientation", "lang", "voice", "announce"]
    overrides: dict[str, Any] = {key: value for key in names if (value := getattr(args, key, None)) is not None}
    if getattr(args, "windowed", None):
        overrides["windowed"] = True
    if getattr(args, "size", None):
        width, _, height = args.size.lower().partition("x")
        overrides["width"], overrides["height"] = int(width), int(height)
    return DisplaySettings(**overrides)


def run(args: argparse.Namespace) -> int:
    """Build the settings, configure the window, run the Kivy app until it is closed."""
    from kiosk_ui.window_setup import configure_logging

    configure_logging(args.log_level)
    try:
        settings = settings_from_args(args)
    except ValidationError as exc:
        print("motcua display: cài đặt không hợp lệ / invalid settings:")
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            print(f"  {where}: {error['msg'].removeprefix('Value error, ')}")
        return 2
    except ValueError as exc:
        print(f"motcua display: cài đặt không hợp lệ / invalid settings: {exc}")
        return 2
    if settings.kind == "counter" and not settings.counter:
        print("motcua display: --kind counter needs --counter ID")
        return 2
    from kiosk_ui.display.window import configure_window

    configure_window(settings)
    from kiosk_ui.display.app import DisplayApp

    DisplayApp(settings).run()
    return 0
