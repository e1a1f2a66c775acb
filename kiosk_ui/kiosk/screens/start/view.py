"""Start menu: just take a ticket, or find a procedure and prepare the dossier; priority stays one tap away."""

from __future__ import annotations

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.start.model import options
from kiosk_ui.kiosk.widgets import KButton


class StartScreen(KioskScreen):
    """The two ways in."""

    say_key = "start_say"

    def refresh(self) -> None:
        """Rebuild the choices in the visit's language."""
        c, fs = self.controller, self.fs
        self.ids.title.text = c.t("start_title")
        box = self.ids.options
        box.clear_widgets()
        actions = {"take_ticket": c.open_services, "find": c.open_fields}
        for option in options(self.lang):
            if option.tap_id == "priority":
                self.ids.priority.text = big(option.title, option.sub, fs=fs, title_px=56, sub_px=32)
                continue
            button = KButton(text=big(option.title, option.sub, fs=fs, title_px=56, sub_px=34), markup=True)
            button.tap_id, button.kind = option.tap_id, option.kind
            button.bind(on_release=lambda *_a, f=actions[option.tap_id]: f())
            box.add_widget(button)
