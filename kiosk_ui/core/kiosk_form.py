"""The form being filled in at the kiosk: one field at a time, typed on the on-screen keyboard.

Values live in this object only (memory): :meth:`FormModel.wipe` forgets them. Every key press
re-validates the current field in partial mode, so the citizen sees at once how to fix an error;
"Next" validates it in full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from kiosk_ui.core.cccd import CitizenIdentity
from kiosk_ui.core.forms import FieldDef, FieldResult, FormResult, prefill_from_identity, validate_field, validate_form
from kiosk_ui.core.telex import KeyboardModel, Mode

__all__ = ["FormModel", "KeyboardKind", "SummaryRow", "keyboard_kind"]

KeyboardKind = Literal["text", "numeric", "date", "phone", "choice", "email"]


def keyboard_kind(fdef: FieldDef) -> KeyboardKind:
    """Which keyboard a field needs: letters with Telex/VNI, a digit pad, or big choice buttons."""
    if fdef.type == "choice":
        return "choice"
    if fdef.type == "date":
        return "date"
    if fdef.type == "phone":
        return "phone"
    if fdef.type in ("id_number", "number"):
        return "numeric"
    if fdef.type == "email":
        return "email"
    return "text"


@dataclass(frozen=True)
class SummaryRow:
    """One line of the review screen."""

    name: str
    label: str
    value: str
    error: str | None


class FormModel:
    """The form's values and the keyboard of the field being edited; observers are told of every change."""

    def __init__(self, fields: tuple[FieldDef, ...], *, today: date, mode: Mode = "telex") -> None:
        if not fields:
            raise ValueError("Tờ khai không có mục nào / The form has no fields")
        self.fields = fields
        self.today = today
        self.values: dict[str, str] = {}
        self.index = 0
        self._mode: Mode = mode
        self.keyboard = KeyboardModel(self._mode_for(fields[0]))
        self.prefilled: set[str] = set()
        self.last_error: FieldResult | None = None
        self._observers: list[Callable[[], None]] = []

    # observers
    def observe(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after every change."""
        self._observers.append(callback)

    def _changed(self) -> None:
        for callback in list(self._observers):
            callback()

    # state
    @property
    def field(self) -> FieldDef:
        """The field being edited."""
        return self.fields[self.index]

    @property
    def mode(self) -> Mode:
        """The citizen's chosen typing mode for text fields."""
        return self._mode

    @property
    def kind(self) -> KeyboardKind:
        """The keyboard of the current field."""
        return keyboard_kind(self.field)

    @property
    def text(self) -> str:
        """What the current field shows."""
        if self.kind == "choice":
            return self.values.get(self.field.name, "")
        return self.keyboard.text

    def _mode_for(self, fdef: FieldDef) -> Mode:
        return self._mode if keyboard_kind(fdef) == "text" else "plain"

    def check(self) -> FieldResult:
        """The current field, validated as typed so far (partial mode)."""
        return validate_field(self.field, self.text, today=self.today, partial=True)

    def message(self, lang: str) -> str:
        """How to fix the current field, or '' when nothing is wrong (yet)."""
        result = self.last_error or self.check()
        if result.ok:
            return ""
        return (result.message_en if lang == "en" else result.message_vi) or ""

    def choice_label(self, value: str, lang: str) -> str:
        """The label of a choice value of the current field."""
        for choice in self.field.choices:
            if choice.value == value:
                return choice.label_en if lang == "en" else choice.label_vi
        return value

    # editing
    def _store(self) -> None:
        if self.kind != "choice":
            text = self.keyboard.text
            if text.strip():
                self.values[self.field.name] = text
            else:
                self.values.pop(self.field.name, None)

    def press(self, key: str) -> None:
        """Type one key into the current field."""
        if self.kind == "choice":
            return
        if key == " ":
            self.keyboard.space()
        else:
            self.keyboard.press(key)
        self._after_edit()

    def backspace(self) -> None:
        """Delete the last key or character."""
        self.keyboard.backspace()
        self._after_edit()

    def clear_field(self) -> None:
        """Empty the current field."""
        self.keyboard.clear()
        if self.kind == "choice":
            self.values.pop(self.field.name, None)
        self._after_edit()

    def toggle_shift(self) -> None:
        """Arm a capital for the next letter."""
        self.keyboard.toggle_shift()
        self._changed()

    def _after_edit(self) -> None:
        self._store()
        self.prefilled.discard(self.field.name)
        self.last_error = None
        result = self.check()
        if not result.ok:
            self.last_error = result
        self._changed()

    def set_mode(self, mode: Mode) -> None:
        """Switch Telex / VNI / plain for text fields."""
        self._mode = mode
        if self.kind == "text":
            self.keyboard.set_mode(mode)
        self._changed()

    def choose(self, value: str) -> None:
        """Pick an option of a choice field."""
        if self.kind != "choice" or value not in {c.value for c in self.field.choices}:
            return
        self.values[self.field.name] = value
        self.last_error = None
        self._changed()

    def go_to(self, index: int) -> None:
        """Edit field ``index`` (the current value is kept as it is)."""
        self._store()
        self.index = max(0, min(index, len(self.fields) - 1))
        self.keyboard = KeyboardModel(self._mode_for(self.field), text=self.values.get(self.field.name, ""))
        self.last_error = None
        self._changed()

    def next(self) -> bool:
        """Validate the current field in full and move on; False (with the message set) if it is wrong."""
        self._store()
        result = validate_field(self.field, self.values.get(self.field.name), today=self.today)
        if not result.ok:
            self.last_error = result
            self._changed()
            return False
        if result.value is not None:
            self.values[self.field.name] = result.value
        else:
            self.values.pop(self.field.name, None)
        if self.index < len(self.fields) - 1:
            self.go_to(self.index + 1)
        else:
            self.last_error = None
            self._changed()
        return True

    @property
    def at_last(self) -> bool:
        """True on the last field."""
        return self.index == len(self.fields) - 1

    def previous(self) -> None:
        """Go back one field."""
        if self.index > 0:
            self.go_to(self.index - 1)

    def apply_identity(self, identity: CitizenIdentity) -> int:
        """Pre-fill the fields the catalogue maps to the CCCD; returns how many were filled."""
        self._store()
        filled = prefill_from_identity(self.fields, identity)
        self.values.update(filled)
        self.prefilled |= set(filled)
        self.keyboard = KeyboardModel(self._mode_for(self.field), text=self.values.get(self.field.name, ""))
        self.last_error = None
        self._changed()
        return len(filled)

    # the whole form
    def validate(self) -> FormResult:
        """Every field in full mode."""
        self._store()
        return validate_form(self.fields, self.values, self.today)

    def payload(self) -> dict[str, str]:
        """The validated values to submit (only non-empty ones); ValueError if the form is not valid."""
        result = self.validate()
        if not result.ok:
            raise ValueError("Tờ khai chưa hợp lệ / The form is not valid yet")
        return {name: value for name, value in result.values.items() if value is not None}

    def first_error_index(self) -> int | None:
        """Index of the first field that is not valid."""
        result = self.validate()
        for i, fdef in enumerate(self.fields):
            if fdef.name in result.errors:
                return i
        return None

    def summary(self, lang: str) -> list[SummaryRow]:
        """Label, shown value and error of each field, for the review screen."""
        result = self.validate()
        rows = []
        for fdef in self.fields:
            raw = self.values.get(fdef.name, "")
            if fdef.type == "choice" and raw:
                shown = next(
                    ((c.label_en if lang == "en" else c.label_vi) for c in fdef.choices if c.value == raw), raw
                )
            else:
                shown = raw
            err = result.errors.get(fdef.name)
            message = None if err is None else (err.message_en if lang == "en" else err.message_vi)
            rows.append(SummaryRow(fdef.name, fdef.label_en if lang == "en" else fdef.label_vi, shown, message))
        return rows

    def wipe(self) -> None:
        """Forget every value (idle timeout, end of visit)."""
        self.values.clear()
        self.prefilled.clear()
        self.keyboard.clear()
        self.keyboard = KeyboardModel(self._mode_for(self.fields[0]))
        self.index = 0
        self.last_error = None
        self._changed()
