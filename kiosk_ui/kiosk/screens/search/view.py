"""Search screen: type with or without diacritics (Telex keyboard); the server searches, the cache when offline."""

from __future__ import annotations

from functools import partial
from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.search.model import query, rows, status
from kiosk_ui.kiosk.widgets import KeyboardPad, tile


class SearchScreen(KioskScreen):
    """Query, keyboard, results."""

    say_key = "search_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pad = KeyboardPad(on_key=controller.search_key)
        self.pad.show_modes = True
        self.ids.pad_box.add_widget(self.pad)

    def refresh(self) -> None:
        """Redraw the query and the results."""
        c, fs, flow = self.controller, self.fs, self.flow
        self.ids.title.text = c.t("search_title")
        self.ids.query.text = query(flow) + "▏"
        self.ids.status.text = status(flow)
        self.pad.lang = self.lang
        self.pad.mode = flow.visit.query.mode
        self.pad.shift = flow.visit.query.shift
        box = self.ids.results
        box.clear_widgets()
        for row in rows(flow):
            sub = c.t("on_the_spot") if row.on_the_spot else ""
            button = tile(
                big(row.name, sub, fs=fs, title_px=30, sub_px=24),
                f"procedure:{row.code}",
                partial(c.choose_procedure, row.code),
            )
            button.markup = True
            button.size_hint_y = None
            button.height = 150 * fs
            box.add_widget(button)
