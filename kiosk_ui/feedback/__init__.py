"""The counter-side feedback tablet (Kivy): the citizen rates the visit just served at this counter."""

from __future__ import annotations

__all__ = ["TabletSettings"]

from kiosk_ui.feedback.settings import TabletSettings
