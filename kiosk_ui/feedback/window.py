"""Kivy window configuration of the tablet; must run before ``kivy.core.window`` is imported."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk_ui.feedback.settings import TabletSettings


def configure_window(settings: TabletSettings) -> None:
    """Full screen without cursor on a device; a fixed-size window with ``windowed``."""
    from kiosk_ui.window_setup import configure_window as configure

    configure(settings.width, settings.height, windowed=settings.windowed, resizable=settings.windowed)
