"""Fields screen: browse by lĩnh vực (large tiles), or search by typing."""

from __future__ import annotations

from functools import partial

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.fields.model import tiles
from kiosk_ui.kiosk.widgets import tile


class FieldsScreen(KioskScreen):
    """Field tiles."""

    say_key = "fields_say"

    def refresh(self) -> None:
        """Rebuild the tiles."""
        c, fs = self.controller, self.fs
        self.ids.title.text = c.t("fields_title")
        self.ids.search.text = c.t("fields_search")
        grid = self.ids.grid
        grid.cols = 3 if fs > 1 else 4
        grid.clear_widgets()
        for item in tiles(self.flow.catalogue, self.lang):
            button = tile(
                big(item.name, item.count, fs=fs, title_px=34, sub_px=24),
                f"field:{item.code}",
                partial(c.choose_field, item.code),
            )
            button.markup = True
            grid.add_widget(button)
