"""Citizen kiosk, waiting-room and counter displays, counter feedback tablet (Kivy).

The public surface is below; everything else in the package is private to it. Names are imported
lazily on first use, so ``motcua display`` never loads the kiosk's HTTP client nor Kivy before it needs it.
The HTTP shapes the kiosk decodes (``TicketPublic``, ``PriorityPublic``) are in ``motcua.contract.tickets``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk_ui.client import ClientError, QueueClient, RequestRejected, ServerUnavailable
    from kiosk_ui.kiosk_settings import KioskSettings, get_kiosk_settings
    from kiosk_ui.settings import DisplaySettings, get_display_settings

__all__ = [
    "ClientError",
    "DisplaySettings",
    "KioskSettings",
    "QueueClient",
    "RequestRejected",
    "ServerUnavailable",
    "get_display_settings",
    "get_kiosk_settings",
]

_WHERE = {
    "ClientError": "kiosk_ui.client",
    "QueueClient": "kiosk_ui.client",
    "RequestRejected": "kiosk_ui.client",
    "ServerUnavailable": "kiosk_ui.client",
    "KioskSettings": "kiosk_ui.kiosk_settings",
    "get_kiosk_settings": "kiosk_ui.kiosk_settings",
    "DisplaySettings": "kiosk_ui.settings",
    "get_display_settings": "kiosk_ui.settings",
}


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'kiosk_ui' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
