"""The tablet's widgets: they render ``FeedbackFlow.texts()`` and report taps by name, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.screenmanager import NoTransition
from kivy.uix.widget import Widget

from kiosk_ui.kv import load_kv_once

KV_FILE = Path(__file__).with_name("tablet.kv")

# Colour and mouth curve (1 = big smile, negative = frown) of each point of the scale.
FACES: dict[str, tuple[tuple[float, float, float, float], float]] = {
    "very_satisfied": ((0.13, 0.65, 0.33, 1), 1.0),
    "satisfied": ((0.55, 0.78, 0.25, 1), 0.5),
    "neutral": ((0.98, 0.75, 0.18, 1), 0.0),
    "dissatisfied": ((0.90, 0.30, 0.24, 1), -0.8),
}
KEY_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm,.?")


def load_kv() -> None:
    """Load tablet.kv once per process."""
    load_kv_once(KV_FILE)


class FbButton(Button):  # type: ignore[misc]
    """A flat rounded button."""

    fill = ColorProperty([0.07, 0.20, 0.38, 1])


class Face(Widget):  # type: ignore[misc]
    """A drawn face: coloured disc, two eyes, a mouth whose curve follows ``smile``."""

    tint = ColorProperty([0.5, 0.5, 0.5, 1])
    smile = NumericProperty(0.0)
    alpha = NumericProperty(1.0)
    r = NumericProperty(10.0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(size=self._radius)

    def _radius(self, *_args: object) -> None:
        self.r = min(self.width, self.height) * 0.45


class FaceChoice(ButtonBehavior, BoxLayout):  # type: ignore[misc]
    """A face with its label under it, pressable; ``selected`` draws a frame."""

    rating = StringProperty("")
    tint = ColorProperty([0.5, 0.5, 0.5, 1])
    smile = NumericProperty(0.0)
    alpha = NumericProperty(1.0)
    label = StringProperty("")
    label_share = NumericProperty(0.28)
    selected = BooleanProperty(False)


def _face(rating: str, *, label_share: float) -> FaceChoice:
    tint, smile = FACES[rating]
    return FaceChoice(rating=rating, tint=tint, smile=smile, label_share=label_share)


class FeedbackView(FloatLayout):  # type: ignore[misc]
    """The whole tablet screen; ``buttons`` maps a name (``face:satisfied``, ``key:a``, ``submit`` …) to its widget."""

    unit = NumericProperty(40)

    def __init__(self, on_tap: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_tap = on_tap
        self.buttons: dict[str, Any] = {}
        self.bind(size=lambda *_a: setattr(self, "unit", min(self.width, self.height) / 20))
        self.ids.screens.transition = NoTransition()
        self._criteria: list[tuple[str, str]] = []
        self._register("lang", self.ids.lang)
        self._register("comment", self.ids.comment_button)
        self._register("submit", self.ids.submit)
        for code in FACES:
            face = _face(code, label_share=0.26)
            self.ids.faces.add_widget(face)
            self._register(f"face:{code}", face)
        self._build_keyboard()

    def _register(self, name: str, widget: Any) -> None:
        self.buttons[name] = widget
        widget.bind(on_release=lambda *_a: self.on_tap(name))

    def _build_keyboard(self) -> None:
        board = self.ids.keyboard
        for row in KEY_ROWS:
            line = BoxLayout(spacing=self.unit * 0.15)
            for char in row:
                key = FbButton(text=char, font_size=self.unit * 0.8)
                self.bind(unit=lambda _w, u, k=key: setattr(k, "font_size", u * 0.8))
                line.add_widget(key)
                self._register(f"key:{char}", key)
            board.add_widget(line)
        line = BoxLayout(spacing=self.unit * 0.15)
        for name, share, fill in (
            ("mode", 0.18, (0.30, 0.34, 0.45, 1)),
            ("space", 0.44, (0.07, 0.20, 0.38, 1)),
            ("backspace", 0.18, (0.55, 0.25, 0.22, 1)),
            ("done", 0.20, (0.13, 0.62, 0.33, 1)),
        ):
            key = FbButton(size_hint_x=share, fill=fill, font_size=self.unit * 0.6)
            line.add_widget(key)
            self._register(f"key:{name}", key)
        board.add_widget(line)

    def _build_criteria(self, criteria: list[tuple[str, str]]) -> None:
        grid = self.ids.criteria
        grid.clear_widgets()
        for name in [n for n in self.buttons if n.startswith("crit:")]:
            del self.buttons[name]
        for code, title in criteria:
            label = Label(text=title, font_size=self.unit * 0.6, halign="right", valign="middle", size_hint_x=0.4)
            label.bind(size=lambda w, s: setattr(w, "text_size", s))
            grid.add_widget(label)
            row = BoxLayout(spacing=self.unit * 0.3, size_hint_x=0.6)
            for rating in FACES:
                face = _face(rating, label_share=0)
                row.add_widget(face)
                self._register(f"crit:{code}:{rating}", face)
            grid.add_widget(row)
        self._criteria = list(criteria)

    def press(self, name: str) -> None:
        """Tap the named button as a finger would (tests, accessibility switches)."""
        self.buttons[name].trigger_action(duration=0)

    def refresh(self, texts: dict[str, Any]) -> None:
        """Show ``texts`` (from ``FeedbackFlow.texts()``)."""
        ids = self.ids
        for name in (
            "title", "counter", "idle_title", "idle_body", "served", "overall", "criteria_header", "comment_title",
            "comment_hint", "comment_count", "sending", "thanks_title", "thanks_body", "error", "offline",
        ):  # fmt: skip
            ids[name].text = texts[name]
        ids.lang.text = texts["lang_switch"]
        ids.comment_button.text = texts["comment_button"]
        ids.submit.text = texts["submit"]
        ids.submit.disabled = not texts["can_submit"]
        ids.comment_text.text = texts["comment"] + "|"
        labels = dict(texts["scale"])
        for code in FACES:
            face = self.buttons[f"face:{code}"]
            face.label = labels[code]
            face.selected = texts["rating"] == code
            face.alpha = 1.0 if texts["rating"] in (None, code) else 0.45
        criteria = [tuple(c) for c in texts["criteria"]]
        if criteria != self._criteria:
            self._build_criteria(criteria)
        for code, _title in criteria:
            chosen = texts["ratings"].get(code)
            for rating in FACES:
                face = self.buttons[f"crit:{code}:{rating}"]
                face.selected = chosen == rating
                face.alpha = 1.0 if chosen in (None, rating) else 0.35
        self.buttons["key:mode"].text = texts["keyboard_mode"]
        self.buttons["key:space"].text = texts["space"]
        self.buttons["key:backspace"].text = texts["backspace"]
        self.buttons["key:done"].text = texts["comment_done"]
        if ids.screens.current != texts["screen"]:
            ids.screens.current = texts["screen"]
