"""Services screen: one tile per queue service; a tap issues (and prints) the ticket at once."""

from __future__ import annotations

from functools import partial

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.services.model import badge, tiles
from kiosk_ui.kiosk.widgets import tile


class ServicesScreen(KioskScreen):
    """Service tiles, and a way to the procedure search when unsure."""

    say_key = "services_say"

    def refresh(self) -> None:
        """Rebuild the tiles."""
        c, fs, flow = self.controller, self.fs, self.flow
        self.ids.title.text = c.t("services_title")
        self.ids.badge.text = badge(flow.catalogue, flow.visit.priority, self.lang)
        grid = self.ids.grid
        grid.clear_widgets()
        for item in tiles(flow.catalogue, self.lang):
            text = big(f"{item.letter}  ·  {item.name}", item.where, fs=fs, title_px=40, sub_px=26)
            button = tile(text, f"service:{item.code}", partial(c.take_ticket, item.code))
            button.markup = True
            grid.add_widget(button)
        find = tile(big(c.t("services_find"), fs=fs, title_px=38), "find", c.open_fields, kind="tool")
        find.markup = True
        grid.add_widget(find)
