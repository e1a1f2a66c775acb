"""Form screen: the fields of one step (two by two), the focused one typed on the Vietnamese keyboard
(Telex / VNI / no accents, or a digit pad) or picked with big buttons, the keyboard's mode named on screen,
"how to fix it" as the citizen types, and "Quét CCCD" to pre-fill from the ID card."""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.properties import BooleanProperty
from kivy.uix.gridlayout import GridLayout
from kivy.utils import escape_markup

from kiosk_ui.kiosk.screens.base import KioskScreen, big
from kiosk_ui.kiosk.screens.form.model import FieldRow, page
from kiosk_ui.kiosk.widgets import KButton, KeyboardPad, Pool, pooled_tile


def _field_box() -> KButton:
    box = pooled_tile(kind="choice", base_size=30, markup=True)
    box.halign = "left"
    return box


class FormScreen(KioskScreen):
    """The fields of the current step."""

    say_key = "form_say"
    has_error = BooleanProperty(False)

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.pad = KeyboardPad(on_key=controller.form_key)
        self.choices = GridLayout(cols=2, spacing=16)
        self.choice_pool = Pool(self.choices, partial(pooled_tile, kind="choice", base_size=36, markup=False))
        self.field_pool = Pool(self.ids.rows, _field_box)
        self._shown: Any = None

    def _show(self, widget: Any) -> None:
        if self._shown is not widget:
            self.ids.input_box.clear_widgets()
            self.ids.input_box.add_widget(widget)
            self._shown = widget

    def _box_text(self, row: FieldRow, typing: bool) -> str:
        fs = self.fs
        shown = row.value + ("▏" if row.focused and typing else "")
        return (
            f"[size={int(22 * fs)}]{escape_markup(row.label + (' *' if row.required else ''))}[/size]\n"
            f"[size={int(34 * fs)}][b]{escape_markup(shown or '—')}[/b][/size]"
        )

    def refresh(self) -> None:
        """Redraw the current step."""
        c, fs = self.controller, self.fs
        info = page(self.flow)
        if info is None:
            return
        self.ids.header.text = f"[b]{escape_markup(info.progress)}[/b]  ·  {escape_markup(info.procedure)}"
        typing = info.keyboard != "choice"
        for box, row in zip(self.field_pool.take(len(info.rows)), info.rows, strict=True):
            box.text = self._box_text(row, typing)
            box.tap_id = f"form_field:{row.name}"
            box.selected = row.focused
            box.payload = partial(c.form_focus, row.index)
        self.has_error = bool(info.message)
        self.ids.message.text = info.message or (f"✓ {info.label}: {c.t('form_ok')}" if info.complete else "")
        self.ids.notice.text = info.notice
        self.ids.mode_label.text = info.mode_label
        self.ids.mode_help.text = info.mode_help
        self.ids.help.text = info.help
        self.ids.scan.text = big(c.t("form_scan"), c.t("form_scan_hint"), fs=fs, title_px=36, sub_px=22)
        self.ids.prev.text = c.t("form_prev")
        self.ids.prev.disabled = info.at_first
        self.ids.prev.opacity = 0.35 if info.at_first else 1
        self.ids.next.text = info.next_label
        if info.keyboard == "choice":
            for button, choice in zip(self.choice_pool.take(len(info.choices)), info.choices, strict=True):
                button.text, button.tap_id = choice.label, f"choice:{choice.value}"
                button.payload = partial(c.form_choose, choice.value)
                button.selected = choice.selected
            self._show(self.choices)
        else:
            self.pad.layout = info.keyboard
            self.pad.mode = info.mode
            self.pad.lang = self.lang
            self.pad.shift = bool(self.flow.visit.form and self.flow.visit.form.keyboard.shift)
            self._show(self.pad)
