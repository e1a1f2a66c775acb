"""Loading a Kivy ``.kv`` file once per process (loading it twice duplicates every rule): kiosk, display, tablet."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder

_LOADED: set[str] = set()


def load_kv_once(path: Path) -> None:
    """Load ``path`` unless this process already has."""
    key = str(path)
    if key not in _LOADED:
        Builder.load_file(key)
        _LOADED.add(key)
