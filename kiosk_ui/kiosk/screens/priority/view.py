"""Priority screen: the citizen's category (elderly, disability, pregnant, with a young child)."""

from __future__ import annotations

from functools import partial

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.priority.model import tiles
from kiosk_ui.kiosk.widgets import tile


class PriorityScreen(KioskScreen):
    """Four big category tiles."""

    say_key = "priority_say"

    def refresh(self) -> None:
        """Rebuild the tiles."""
        c = self.controller
        self.ids.title.text = c.t("priority_title")
        self.ids.hint.text = c.t("priority_hint")
        grid = self.ids.grid
        grid.clear_widgets()
        for item in tiles(self.flow.catalogue, self.lang):
            button = tile(
                big(item.name, fs=self.fs, title_px=52),
                f"priority:{item.code}",
                partial(c.choose_priority, item.code),
                kind="priority",
            )
            button.markup = True
            grid.add_widget(button)
