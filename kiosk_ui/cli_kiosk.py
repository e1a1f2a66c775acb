"""``motcua kiosk``: run the citizen kiosk (settings from MOTCUA_KIOSK_* and these flags)."""

from __future__ import annotations

import argparse
import contextlib
from typing import Any

from pydantic import ValidationError


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the kiosk's flags (each overrides the MOTCUA_KIOSK_* variable of the same name)."""
    parser.add_argument(
        "--mode",
        choices=["kiosk", "feedback"],
        default="kiosk",
        help="kiosk: the citizen kiosk; feedback: the counter-side feedback tablet (needs --counter)",
    )
    parser.add_argument("--counter", metavar="ID", help="counter id of a feedback tablet (MOTCUA_TABLET_COUNTER)")
    parser.add_argument("--windowed", action="store_true", default=None, help="run in a window, not full screen")
    parser.add_argument("--server", metavar="URL", help="queue server base URL (MOTCUA_KIOSK_SERVER_URL)")
    parser.add_argument("--token", metavar="T", help="the kiosk's device token (MOTCUA_KIOSK_TOKEN)")
    parser.add_argument(
        "--printer",
        metavar="URL",
        help="usb:VID:PID, tcp://HOST[:9100], file:/dev/usb/lp0 or dummy: (MOTCUA_KIOSK_PRINTER)",
    )
    parser.add_argument("--lang", choices=["vi", "en"], help="language each visit starts in")
    parser.add_argument("--camera", metavar="INDEX|PATH", help="CCCD camera index, video file or still image")
    parser.add_argument("--size", metavar="WxH", help="window size when windowed, e.g. 1280x720")
    parser.add_argument("--dev", action="store_true", help="development mode: a token is not required")
    parser.add_argument("--log-level", default="INFO", help="logging level (default INFO)")


def settings_from_args(args: argparse.Namespace) -> Any:
    """KioskSettings from the environment, overridden by the flags given."""
    from kiosk_ui.kiosk_settings import KioskSettings

    overrides: dict[str, Any] = {}
    for flag, name in (
        ("server", "server_url"),
        ("token", "token"),
        ("printer", "printer"),
        ("lang", "lang"),
        ("camera", "camera"),
    ):
        value = getattr(args, flag, None)
        if value is not None:
            overrides[name] = value
    if getattr(args, "windowed", None):
        overrides["windowed"] = True
    if getattr(args, "dev", False):
        overrides["environment"] = "development"
    if getattr(args, "size", None):
        width, _, height = str(args.size).lower().partition("x")
        overrides["width"], overrides["height"] = int(width), int(height)
    return KioskSettings(**overrides)


def configure_window(settings: Any) -> None:
    """Full screen without cursor on a kiosk; a fixed-size window with --windowed. Before Window exists."""
    from kiosk_ui.window_setup import configure_window as configure

    configure(settings.width, settings.height, windowed=settings.windowed, resizable=False)


def run(args: argparse.Namespace) -> int:
    """Build the settings, configure the window, run the kiosk until it is closed."""
    from kiosk_ui.window_setup import configure_logging

    configure_logging(args.log_level)
    if getattr(args, "mode", "kiosk") == "feedback":
        from kiosk_ui.feedback import cli as feedback_cli

        try:
            return feedback_cli.run(args)
        except (ValidationError, ValueError) as exc:
            print(f"motcua kiosk --mode feedback: invalid settings:\n{exc}")
            return 2
    try:
        settings = settings_from_args(args)
    except (ValidationError, ValueError) as exc:
        print(f"motcua kiosk: invalid settings:\n{exc}")
        return 2
    configure_window(settings)
    from kiosk_ui.kiosk.app import KioskApp

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C in the terminal of `motcua site`, which opened us
        KioskApp(settings).run()
    return 0
