"""Procedures screen: the procedures of one field, marked when they are finished on the spot."""

from __future__ import annotations

from functools import partial
from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.procedures.model import rows, title
from kiosk_ui.kiosk.widgets import Pool, pooled_tile


class ProceduresScreen(KioskScreen):
    """A list of procedure buttons."""

    say_key = "procedures_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pool = Pool(self.ids.rows, pooled_tile)

    def refresh(self) -> None:
        """Redraw the list when the field, language, text size or catalogue changed (the buttons are reused)."""
        c, fs, flow = self.controller, self.fs, self.flow
        if not self.needs_redraw(self.lang, fs, flow.catalogue, flow.visit.field_code):
            return
        self.ids.title.text = title(flow)
        grid = self.ids.rows
        grid.cols = 1 if fs > 1 else 2
        items = rows(flow)
        for button, row in zip(self.pool.take(len(items)), items, strict=True):
            sub = "✓ " + c.t("on_the_spot") if row.on_the_spot else ""
            button.text = big(row.name, sub, fs=fs, title_px=32, sub_px=24)
            button.tap_id = f"procedure:{row.code}"
            button.payload = partial(c.choose_procedure, row.code)
