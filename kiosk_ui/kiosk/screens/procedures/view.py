"""Procedures screen: the procedures of one field, marked when they are finished on the spot."""

from __future__ import annotations

from functools import partial

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.procedures.model import rows, title
from kiosk_ui.kiosk.widgets import tile


class ProceduresScreen(KioskScreen):
    """A list of procedure buttons."""

    say_key = "procedures_say"

    def refresh(self) -> None:
        """Rebuild the list."""
        c, fs, flow = self.controller, self.fs, self.flow
        self.ids.title.text = title(flow)
        grid = self.ids.rows
        grid.cols = 1 if fs > 1 else 2
        grid.clear_widgets()
        for row in rows(flow):
            sub = "✓ " + c.t("on_the_spot") if row.on_the_spot else ""
            button = tile(
                big(row.name, sub, fs=fs, title_px=32, sub_px=24),
                f"procedure:{row.code}",
                partial(c.choose_procedure, row.code),
            )
            button.markup = True
            grid.add_widget(button)
