"""Services screen: one tile per queue service; a tap issues (and prints) the ticket at once."""

from __future__ import annotations

from functools import partial
from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.services.model import badge, tiles
from kiosk_ui.kiosk.widgets import Pool, pooled_tile


class ServicesScreen(KioskScreen):
    """Service tiles, and a way to the procedure search when unsure."""

    say_key = "services_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pool = Pool(self.ids.grid, pooled_tile)

    def refresh(self) -> None:
        """Redraw the badge; the tiles only when the language, text size or catalogue changed (they are reused)."""
        c, fs, flow = self.controller, self.fs, self.flow
        self.ids.badge.text = badge(flow.catalogue, flow.visit.priority, self.lang)
        if not self.needs_redraw(self.lang, fs, flow.catalogue):
            return
        self.ids.title.text = c.t("services_title")
        items = tiles(flow.catalogue, self.lang)
        buttons = self.pool.take(len(items) + 1)
        for button, item in zip(buttons, items, strict=False):
            button.text = big(f"{item.letter}  ·  {item.name}", item.where, fs=fs, title_px=40, sub_px=26)
            button.tap_id, button.kind = f"service:{item.code}", "tile"
            button.payload = partial(c.take_ticket, item.code)
        find = buttons[-1]
        find.text = big(c.t("services_find"), fs=fs, title_px=38)
        find.tap_id, find.kind, find.payload = "find", "tool", c.open_fields
