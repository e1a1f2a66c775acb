"""The form being filled in at the kiosk: a few fields per screen, typed on the on-screen keyboard.

The fields are grouped into pages (:mod:`kiosk_ui.core.kiosk_pages`); the keyboard types into the
focused field of the page, and a tap on another field of the page focuses it. Each field has its own
keyboard mode: Telex (the kiosk's default) for names and free text, digits for ID and phone numbers and
dates; a mode the citizen picks for one field stays with that field and never carries over to the next.

Values live in this object only (memory): :meth:`FormModel.wipe` forgets them; going back a page keeps
them. Every key press re-validates the focused field in partial mode, so the citizen sees at once how
to fix an error; "Next" validates it in full.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from kiosk_ui.core.cccd import CitizenIdentity
from kiosk_ui.core.forms import FieldDef, FieldResult, FormResult, prefill_from_identity, validate_field, validate_form
from kiosk_ui.core.kiosk_pages import group_pages
from kiosk_ui.core.telex import KeyboardModel, Mode

__all__ = ["FormModel", "InputMode", "KeyboardKind", "SummaryRow", "input_mode", "keyboard_kind"]

KeyboardKind = Literal["text", "numeric", "date", "phone", "choice", "email"]
InputMode = Literal["telex", "vni", "plain", "digits", "choice"]


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


def input_mode(kind: KeyboardKind, text_mode: Mode) -> InputMode:
    """What the screen says the keyboard types: the text mode for letters, digits for numbers, dates, phones."""
    if kind == "text":
        return text_mode
    if kind == "email":
        return "plain"
    if kind == "choice":
        return "choice"
    return "digits"


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
        self.pages = group_pages([f.name for f in fields])
        self.default_mode: Mode = mode
        self._modes: dict[str, Mode] = {}  # a mode the citizen chose, per field
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
        """The typing mode of the focused field's keyboard (``plain`` for digit pads and choices)."""
        return self.keyboard.mode

    @property
    def input_mode(self) -> InputMode:
        """The focused field's mode as the screen names it: Telex, VNI, no accents, digits or choice."""
        return input_mode(self.kind, self.keyboard.mode)

    @property
    def page_index(self) -> int:
        """The page the focused field is on."""
        return next(i for i, page in enumerate(self.pages) if self.index in page)

    @property
    def page(self) -> tuple[int, ...]:
        """The indexes of the fields on the current page."""
        return self.pages[self.page_index]

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
        if keyboard_kind(fdef) != "text":
            return "plain"
        return self._modes.get(fdef.name, self.default_mode)

    def value_text(self, index: int) -> str:
        """What field ``index`` shows (the keyboard's text for the focused one)."""
        fdef = self.fields[index]
        if index == self.index and keyboard_kind(fdef) != "choice":
            return self.keyboard.text
        return self.values.get(fdef.name, "")

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
        """Switch Telex / VNI / plain for the focused text field only."""
        if self.kind == "text":
            self._modes[self.field.name] = mode
            self.keyboard.set_mode(mode)
        self._changed()

    def set_default_mode(self, mode: Mode) -> None:
        """The mode text fields start in (the kiosk's setting); a field the citizen switched keeps its own."""
        self.default_mode = mode
        if self.kind == "text" and self.field.name not in self._modes:
            self.keyboard.set_mode(mode)
        self._changed()

    def choose(self, value: str) -> None:
        """Pick an option of a choice field."""
        if self.kind != "choice" or value not in {c.value for c in self.field.choices}:
            return
        self.values[self.field.name] = value
        self.last_error = None
        later = [i for i in self.page if i > self.index]
        if later:  # on to the next field of the page, as a citizen expects after a tap
            self.go_to(later[0])
            return
        self._changed()

    def go_to(self, index: int) -> None:
        """Edit field ``index`` (the current value is kept as it is)."""
        self._store()
        self.index = max(0, min(index, len(self.fields) - 1))
        self.keyboard = KeyboardModel(self._mode_for(self.field), text=self.values.get(self.field.name, ""))
        self.last_error = None
        self._changed()

    def _accept(self, index: int) -> FieldResult:
        fdef = self.fields[index]
        result = validate_field(fdef, self.values.get(fdef.name), today=self.today)
        if result.ok:
            if result.value is not None:
                self.values[fdef.name] = result.value
            else:
                self.values.pop(fdef.name, None)
            if index == self.index and self.kind != "choice":  # show (and keep) the normalised value
                self.keyboard = KeyboardModel(self.keyboard.mode, text=self.values.get(fdef.name, ""))
        return result

    def _pending(self) -> int | None:
        """A later field of this page that is required and still empty: where "Next" goes first."""
        return next(
            (i for i in self.page if i > self.index and self.fields[i].required and not self.value_text(i)),
            None,
        )

    @property
    def next_leaves_page(self) -> bool:
        """True when "Next" checks the whole page and moves on (no required field left empty after this one)."""
        return self._pending() is None

    def next(self) -> bool:
        """Check the focused field; then its page's next empty required field, else the whole page and the next
        page. False (the wrong field focused, its message set) when something is wrong."""
        self._store()
        result = self._accept(self.index)
        if not result.ok:
            self.last_error = result
            self._changed()
            return False
        pending = self._pending()
        if pending is not None:
            self.go_to(pending)
            return True
        for i in self.page:
            wrong = self._accept(i)
            if not wrong.ok:
                self.go_to(i)
                self.last_error = wrong
                self._changed()
                return False
        if self.page_index < len(self.pages) - 1:
            self.go_to(self.pages[self.page_index + 1][0])
        else:
            self.go_to(self.index)
        return True

    @property
    def at_last(self) -> bool:
        """True on the last page."""
        return self.page_index == len(self.pages) - 1

    @property
    def at_first(self) -> bool:
        """True on the first page."""
        return self.page_index == 0

    def previous(self) -> None:
        """Back one page, every value kept."""
        if self.page_index > 0:
            self.go_to(self.pages[self.page_index - 1][0])

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
        self._modes.clear()
        self.keyboard = KeyboardModel(self._mode_for(self.fields[0]))
        self.index = 0
        self.last_error = None
        self._changed()
