"""Search screen: type with or without diacritics (Telex keyboard); the server searches, the cache when offline."""

from __future__ import annotations

from functools import partial
from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.search.model import query, rows, status
from kiosk_ui.kiosk.widgets import KeyboardPad, Pool, pooled_tile


class SearchScreen(KioskScreen):
    """Query, keyboard, results."""

    say_key = "search_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pad = KeyboardPad(on_key=controller.search_key)
        self.pad.show_modes = True
        self.ids.pad_box.add_widget(self.pad)
        self.pool = Pool(self.ids.results, pooled_tile)

    def refresh(self) -> None:
        """Redraw the query; the results only when they changed (the buttons are reused)."""
        c, fs, flow = self.controller, self.fs, self.flow
        self.ids.title.text = c.t("search_title")
        self.ids.query.text = query(flow) + "▏"
        self.ids.status.text = status(flow)
        self.pad.lang = self.lang
        self.pad.mode = flow.visit.query.mode
        self.pad.shift = flow.visit.query.shift
        items = rows(flow)
        if not self.needs_redraw(self.lang, fs, tuple(items)):
            return
        for button, row in zip(self.pool.take(len(items)), items, strict=True):
            sub = c.t("on_the_spot") if row.on_the_spot else ""
            button.text = big(row.name, sub, fs=fs, title_px=30, sub_px=24)
            button.tap_id = f"procedure:{row.code}"
            button.payload = partial(c.choose_procedure, row.code)
            button.size_hint_y = None
            button.height = 150 * fs
