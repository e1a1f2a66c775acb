"""Kivy window configuration of the tablet; must run before ``kivy.core.window`` is imported."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk_ui.feedback.settings import TabletSettings


def configure_window(settings: TabletSettings) -> None:
    """Full screen without cursor on a device; a fixed-size window with ``windowed``."""
    from kivy.config import Config

    Config.set("graphics", "width", str(settings.width))
    Config.set("graphics", "height", str(settings.height))
    Config.set("graphics", "fullscreen", "0" if settings.windowed else "auto")
    Config.set("graphics", "show_cursor", "1" if settings.windowed else "0")
    Config.set("graphics", "resizable", "1" if settings.windowed else "0")
    Config.set("kivy", "exit_on_escape", "1" if settings.windowed else "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
