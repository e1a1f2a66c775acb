"""Start the feedback tablet: ``motcua kiosk --mode feedback --counter ID`` (or ``python -m kiosk_ui.feedback``)."""

from __future__ import annotations

import argparse
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    """Options of the feedback tablet (each falls back to its MOTCUA_TABLET_* variable)."""
    parser.add_argument("--counter", help="counter id this tablet stands at (MOTCUA_TABLET_COUNTER)")
    parser.add_argument("--server", help="queue server base URL (MOTCUA_TABLET_SERVER)")
    parser.add_argument("--token", help="bearer token, role feedback or kiosk (MOTCUA_TABLET_TOKEN)")
    parser.add_argument("--lang", choices=("vi", "en"), help="starting language (MOTCUA_TABLET_LANG)")
    parser.add_argument("--windowed", action="store_true", default=None, help="run in a window (development)")


def settings_from(args: argparse.Namespace) -> Any:
    """Settings from the environment, overridden by the flags given."""
    from kiosk_ui.feedback.settings import TabletSettings

    overrides = {k: getattr(args, k, None) for k in ("counter", "server", "token", "lang", "windowed")}
    return TabletSettings(**{k: v for k, v in overrides.items() if v is not None})


def run(args: argparse.Namespace) -> int:
    """Run the tablet until closed."""
    settings = settings_from(args)
    from kiosk_ui.feedback.window import configure_window

    configure_window(settings)
    from kiosk_ui.feedback.app import FeedbackApp

    FeedbackApp(settings).run()
    return 0


def main() -> int:
    """``python -m kiosk_ui.feedback``."""
    parser = argparse.ArgumentParser(prog="python -m kiosk_ui.feedback", description="motcua feedback tablet")
    configure(parser)
    from kiosk_ui.window_setup import configure_logging

    configure_logging("INFO")
    return run(parser.parse_args())
