"""Start menu: just take a ticket, or find a procedure and prepare the dossier; priority stays one tap away."""

from __future__ import annotations

from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.start.model import options
from kiosk_ui.kiosk.widgets import Pool, pooled_tile


class StartScreen(KioskScreen):
    """The two ways in."""

    say_key = "start_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pool = Pool(self.ids.options, pooled_tile)

    def refresh(self) -> None:
        """Redraw the choices when the language or the text size changed (the buttons are reused)."""
        c, fs = self.controller, self.fs
        if not self.needs_redraw(self.lang, fs):
            return
        self.ids.title.text = c.t("start_title")
        actions = {"take_ticket": c.open_services, "find": c.open_fields}
        choices = []
        for option in options(self.lang):
            if option.tap_id == "priority":
                self.ids.priority.text = big(option.title, option.sub, fs=fs, title_px=56, sub_px=32)
            else:
                choices.append(option)
        for button, option in zip(self.pool.take(len(choices)), choices, strict=True):
            button.text = big(option.title, option.sub, fs=fs, title_px=56, sub_px=34)
            button.tap_id, button.kind = option.tap_id, option.kind
            button.payload = actions[option.tap_id]
