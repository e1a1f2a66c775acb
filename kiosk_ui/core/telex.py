"""On-screen keyboard model for Vietnamese input: Telex, VNI or plain, over ``bogo``.

State is the committed text plus the key sequence of the word being typed; the word is
re-rendered from its keys on every key press, so a backspace inside a word removes the last
*key* (``Nguyeenx`` -> backspace -> ``Nguyeen`` renders ``Nguyên``). After a space, backspace
deletes characters of the committed text; deleting the space right after a word brings that
word's keys back, so it can be corrected with tone keys again.

The Telex/VNI rules are bogo's. bogo has no "remove tone" key, so this wrapper adds one
(``z`` in Telex, ``0`` in VNI) by dropping the tone keys from the word's key sequence.
In Telex, digits and punctuation end the word and are typed as they are; in VNI, digits are
part of the word (they are the diacritic keys) and punctuation ends it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Literal, cast

import bogo

__all__ = ["MODES", "KeyboardModel", "Mode", "render_word", "strip_tone"]

Mode = Literal["telex", "vni", "plain"]
MODES: tuple[Mode, ...] = ("telex", "vni", "plain")

_TELEX_RULES: dict[str, Any] = bogo.get_telex_definition(brackets_shorthand=False)
_VNI_RULES: dict[str, Any] = bogo.get_vni_definition()
_TONE_KEYS: dict[Mode, frozenset[str]] = {
    "telex": frozenset("sfrxj"),
    "vni": frozenset("12345"),
    "plain": frozenset(),
}
_REMOVE_TONE_KEY: dict[Mode, str] = {"telex": "z", "vni": "0"}
# Combining acute, grave, tilde, hook above, dot below: the five Vietnamese tone marks.
_TONE_MARKS = frozenset("\u0301\u0300\u0303\u0309\u0323")


def strip_tone(text: str) -> str:
    """Remove the tone marks (not the vowel marks ^, ˘, ơ/ư horn, nor đ) from text."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))


def render_word(keys: str, mode: Mode) -> str:
    """Render one word's key sequence in the given input mode (NFC)."""
    if mode == "plain" or not keys:
        return keys
    rules = _TELEX_RULES if mode == "telex" else _VNI_RULES
    try:
        rendered = cast(str, bogo.process_sequence(keys, rules=rules))
    except Exception:  # bogo is third-party; a glitch must never crash the kiosk keyboard
        rendered = keys
    return unicodedata.normalize("NFC", rendered)


@dataclass(frozen=True)
class _Committed:
    start: int
    rendered: str
    keys: tuple[str, ...]


class KeyboardModel:
    """Keyboard state: committed text + the current word's keys; no widgets, no I/O."""

    def __init__(self, mode: Mode = "telex", text: str = "") -> None:
        self._check_mode(mode)
        self._mode: Mode = mode
        self._committed = unicodedata.normalize("NFC", text)
        self._keys: list[str] = []
        self._history: list[_Committed] = []
        self.shift = False
        self.caps_lock = False

    @staticmethod
    def _check_mode(mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"Kiểu gõ không hợp lệ / Unknown input mode: {mode!r}")

    @property
    def mode(self) -> Mode:
        """The current input mode."""
        return self._mode

    @property
    def text(self) -> str:
        """Everything typed so far, the current word rendered, NFC."""
        return self._committed + self.composing

    @property
    def composing(self) -> str:
        """The word being typed, rendered (a view may underline it)."""
        return render_word("".join(self._keys), self._mode)

    @property
    def keys(self) -> tuple[str, ...]:
        """The current word's key sequence."""
        return tuple(self._keys)

    def set_mode(self, mode: Mode) -> None:
        """Switch input mode; the word being typed is committed as it is rendered now."""
        self._check_mode(mode)
        self._commit_word(remember=False)
        self._history.clear()
        self._mode = mode

    def toggle_shift(self) -> None:
        """Arm (or disarm) a one-shot shift for the next letter."""
        self.shift = not self.shift

    def clear(self) -> None:
        """Forget everything typed."""
        self._committed = ""
        self._keys.clear()
        self._history.clear()
        self.shift = False

    def press(self, key: str) -> None:
        """Type one key (a single character); letters follow shift / caps lock."""
        if len(key) != 1:
            raise ValueError("Mỗi lần chỉ nhấn một phím / Press one key at a time")
        if key == " ":
            self.space()
            return
        if key.isalpha() and (self.shift or self.caps_lock):
            key = key.upper()
        self.shift = False
        if not self._is_word_key(key):
            self._commit_word(remember=True)
            self._committed += key
            return
        remove_key = _REMOVE_TONE_KEY.get(self._mode)
        if remove_key is not None and key.lower() == remove_key and self._keys and self._remove_tone():
            return
        self._keys.append(key)

    def space(self) -> None:
        """End the current word and type a space."""
        self._commit_word(remember=True)
        self._committed += " "

    def backspace(self) -> None:
        """Remove the last key of the current word, else the last committed character."""
        if self._keys:
            self._keys.pop()
            return
        if not self._committed:
            return
        self._committed = self._committed[:-1]
        while self._history and self._history[-1].start + len(self._history[-1].rendered) > len(self._committed):
            self._history.pop()
        if self._history:
            last = self._history[-1]
            end = last.start + len(last.rendered)
            if end == len(self._committed) and self._committed[last.start :] == last.rendered:
                self._history.pop()
                self._committed = self._committed[: last.start]
                self._keys = list(last.keys)

    def _is_word_key(self, key: str) -> bool:
        if key.isalpha():
            return True
        return self._mode == "vni" and key in "0123456789"

    def _commit_word(self, *, remember: bool) -> None:
        if not self._keys:
            return
        rendered = self.composing
        if remember:
            self._history.append(_Committed(len(self._committed), rendered, tuple(self._keys)))
        self._committed += rendered
        self._keys.clear()

    def _remove_tone(self) -> bool:
        """Drop the tone keys from the current word; False if it has no tone to remove."""
        current = self.composing
        target = strip_tone(current)
        if target == current:
            return False
        tone_keys = _TONE_KEYS[self._mode]
        positions = [i for i, k in enumerate(self._keys) if k.lower() in tone_keys]
        for i in reversed(positions):
            candidate = self._keys[:i] + self._keys[i + 1 :]
            if render_word("".join(candidate), self._mode) == target:
                self._keys = candidate
                return True
        # Several tone keys (e.g. "hoasf"): drop every tone key after the first vowel.
        first_vowel = next((i for i, k in enumerate(self._keys) if k.lower() in "aeiouy"), 0)
        candidate = [k for i, k in enumerate(self._keys) if i <= first_vowel or k.lower() not in tone_keys]
        if render_word("".join(candidate), self._mode) == target:
            self._keys = candidate
            return True
        return True  # a tone we cannot attribute to a key: swallow the key rather than type it
