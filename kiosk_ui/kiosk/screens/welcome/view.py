"""Welcome screen: the attract loop (a tap anywhere on it starts), the priority entry, the language."""

from __future__ import annotations

from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.welcome.model import WelcomeModel


class WelcomeScreen(KioskScreen):
    """The screen a kiosk shows between visits."""

    say_key = "welcome_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.model = WelcomeModel(controller.settings.centre_name)
        self.model.observe(self.refresh)

    def refresh(self) -> None:
        """Redraw the greeting, the current hint and the priority button."""
        c, fs = self.controller, self.fs
        attract = (
            f"[size={int(34 * fs)}]{self.model.centre_name}[/size]\n\n"
            + big(self.model.title(self.lang), self.model.hint(self.lang), fs=fs, title_px=76, sub_px=40)
            + f"\n\n[size={int(48 * fs)}][b]»  {c.t('welcome_touch')}  «[/b][/size]"
        )
        self.ids.attract.text = attract
        self.ids.priority.text = big(c.t("priority_button"), c.t("priority_button_sub"), fs=fs, title_px=64, sub_px=34)
        self.ids.feedback.text = big(
            c.t("welcome_feedback"), c.t("welcome_feedback_sub"), fs=fs, title_px=40, sub_px=28
        )
