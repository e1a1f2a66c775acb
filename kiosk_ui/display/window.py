"""Kivy window configuration; must run before ``kivy.core.window`` is imported."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk_ui.settings import DisplaySettings

DEFAULT_SIZES = {
    ("waiting-room", "landscape"): (1920, 1080),
    ("waiting-room", "portrait"): (1080, 1920),
    ("counter", "landscape"): (800, 480),
    ("counter", "portrait"): (480, 800),
}


def window_size(settings: DisplaySettings) -> tuple[int, int]:
    """The window size the settings ask for (the layout's default when 0)."""
    width, height = DEFAULT_SIZES[(settings.kind, settings.orientation)]
    return settings.width or width, settings.height or height


def configure_window(settings: DisplaySettings) -> None:
    """Full screen without cursor on a device; a fixed-size window with ``windowed``."""
    from kiosk_ui.window_setup import configure_window as configure

    width, height = window_size(settings)
    configure(width, height, windowed=settings.windowed, resizable=settings.windowed)
