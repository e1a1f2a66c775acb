"""Fields screen: browse by lĩnh vực (large tiles), or search by typing."""

from __future__ import annotations

from functools import partial
from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.fields.model import tiles
from kiosk_ui.kiosk.widgets import Pool, pooled_tile


class FieldsScreen(KioskScreen):
    """Field tiles."""

    say_key = "fields_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pool = Pool(self.ids.grid, pooled_tile)

    def refresh(self) -> None:
        """Redraw the tiles when the language, text size or catalogue changed (the tiles are reused)."""
        c, fs = self.controller, self.fs
        catalogue = self.flow.catalogue
        if not self.needs_redraw(self.lang, fs, catalogue):
            return
        self.ids.title.text = c.t("fields_title")
        self.ids.search.text = c.t("fields_search")
        grid = self.ids.grid
        grid.cols = 3 if fs > 1 else 4
        items = tiles(catalogue, self.lang)
        for button, item in zip(self.pool.take(len(items)), items, strict=True):
            button.text = big(item.name, item.count, fs=fs, title_px=34, sub_px=24)
            button.tap_id = f"field:{item.code}"
            button.payload = partial(c.choose_field, item.code)
