"""Priority screen: the citizen's category (elderly, disability, pregnant, with a young child)."""

from __future__ import annotations

from functools import partial
from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.priority.model import tiles
from kiosk_ui.kiosk.widgets import Pool, pooled_tile


class PriorityScreen(KioskScreen):
    """Four big category tiles."""

    say_key = "priority_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pool = Pool(self.ids.grid, partial(pooled_tile, kind="priority"))

    def refresh(self) -> None:
        """Redraw the tiles when the language, text size or catalogue changed (the tiles are reused)."""
        c = self.controller
        catalogue = self.flow.catalogue
        if not self.needs_redraw(self.lang, self.fs, catalogue):
            return
        self.ids.title.text = c.t("priority_title")
        self.ids.hint.text = c.t("priority_hint")
        items = tiles(catalogue, self.lang)
        for button, item in zip(self.pool.take(len(items)), items, strict=True):
            button.text = big(item.name, fs=self.fs, title_px=52)
            button.tap_id = f"priority:{item.code}"
            button.payload = partial(c.choose_priority, item.code)
