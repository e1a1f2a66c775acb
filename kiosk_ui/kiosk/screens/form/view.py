"""Form screen: one field at a time, the Vietnamese keyboard (Telex / VNI / no accents) or choice buttons,
"how to fix it" messages as the citizen types, and "Quét CCCD" to pre-fill from the ID card."""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.properties import BooleanProperty
from kivy.uix.gridlayout import GridLayout

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.form.model import page
from kiosk_ui.kiosk.widgets import KeyboardPad, Pool, pooled_tile


class FormScreen(KioskScreen):
    """The field being edited."""

    say_key = "form_say"
    has_error = BooleanProperty(False)

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pad = KeyboardPad(on_key=controller.form_key)
        self.choices = GridLayout(cols=2, spacing=16)
        self.choice_pool = Pool(self.choices, partial(pooled_tile, kind="choice", base_size=36, markup=False))
        self._shown: Any = None

    def _show(self, widget: Any) -> None:
        if self._shown is not widget:
            self.ids.input_box.clear_widgets()
            self.ids.input_box.add_widget(widget)
            self._shown = widget

    def refresh(self) -> None:
        """Redraw the current field."""
        c, fs = self.controller, self.fs
        info = page(self.flow)
        if info is None:
            return
        self.ids.header.text = f"{info.procedure}  ·  {info.progress}"
        self.ids.label.text = f"{info.label} {info.required}"
        self.ids.help.text = info.help
        self.ids.value.text = info.value + ("" if info.keyboard == "choice" else "▏")
        self.has_error = bool(info.message)
        self.ids.message.text = info.message or (f"✓ {c.t('form_ok')}" if info.complete else "")
        self.ids.notice.text = info.notice
        self.ids.mode_help.text = info.mode_help if info.keyboard == "text" else ""
        self.ids.scan.text = big(c.t("form_scan"), c.t("form_scan_hint"), fs=fs, title_px=40, sub_px=24)
        self.ids.prev.text = c.t("form_prev")
        self.ids.prev.disabled = info.at_first
        self.ids.prev.opacity = 0.35 if info.at_first else 1
        self.ids.next.text = c.t("form_review" if info.at_last else "form_next")
        if info.keyboard == "choice":
            for button, row in zip(self.choice_pool.take(len(info.choices)), info.choices, strict=True):
                button.text, button.tap_id = row.label, f"choice:{row.value}"
                button.payload = partial(c.form_choose, row.value)
                button.selected = row.selected
            self._show(self.choices)
        else:
            self.pad.layout = info.keyboard
            self.pad.mode = info.mode
            self.pad.lang = self.lang
            self.pad.shift = bool(self.flow.visit.form and self.flow.visit.form.keyboard.shift)
            self._show(self.pad)
