"""Done screen: thanks, then back to the welcome screen by itself."""

from __future__ import annotations

from kiosk_ui.kiosk.screens.base import KioskScreen
from kiosk_ui.kiosk.screens.done.model import countdown


class DoneScreen(KioskScreen):
    """Thank you."""

    say_key = "done_say"

    def refresh(self) -> None:
        """Redraw the texts and the countdown."""
        c = self.controller
        self.ids.title.text = c.t("done_title")
        self.ids.hint.text = c.t("done_hint")
        state = self.flow.idle(c.now())
        self.ids.countdown.text = countdown(state.seconds_left if state else 0, self.lang)
        self.ids.home.text = c.t("done_home")
