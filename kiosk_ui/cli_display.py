"""``motcua display``: run a waiting-room or counter display (settings from MOTCUA_DISPLAY_* and flags)."""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from pydantic import ValidationError


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the display's flags (each overrides the MOTCUA_DISPLAY_* variable of the same name)."""
    parser.add_argument("--kind", choices=["waiting-room", "counter"], help="which display to run")
    parser.add_argument("--counter", metavar="ID", help="counter id (for --kind counter)")
    parser.add_argument("--broker", metavar="mqtt://HOST:PORT", help="MQTT broker URL")
    parser.add_argument("--site", metavar="SITE_ID", help="site id (topic root motcua/SITE_ID/)")
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

    overrides: dict[str, Any] = {
        key: value
        for key in ("kind", "counter", "broker", "site", "device_id", "orientation", "lang", "voice", "announce")
        if (value := getattr(args, key, None)) is not None
    }
    if getattr(args, "windowed", None):
        overrides["windowed"] = True
    if getattr(args, "size", None):
        width, _, height = args.size.lower().partition("x")
        overrides["width"], overrides["height"] = int(width), int(height)
    return DisplaySettings(**overrides)


def run(args: argparse.Namespace) -> int:
    """Build the settings, configure the window, run the Kivy app until it is closed."""
    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = settings_from_args(args)
    except (ValidationError, ValueError) as exc:
        print(f"motcua display: invalid settings:\n{exc}")
        return 2
    if settings.kind == "counter" and not settings.counter:
        print("motcua display: --kind counter needs --counter ID")
        return 2
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our flags are not Kivy's
    from kiosk_ui.display.window import configure_window

    configure_window(settings)
    from kiosk_ui.display.app import DisplayApp

    DisplayApp(settings).run()
    return 0
