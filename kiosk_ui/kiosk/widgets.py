"""Shared kiosk widgets: big buttons, tiles, the on-screen keyboard, the QR image, the idle overlay.

Every tappable widget is a :class:`KButton` with a ``tap_id`` (tests and the benchmark find it by
that id) and a height of at least the kiosk's minimum touch target.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kivy.app import App
from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk_ui.core.kiosk_text import t
from kiosk_ui.kv import load_kv_once

__all__ = [
    "KButton",
    "KLabel",
    "KeyboardPad",
    "Pool",
    "QrImage",
    "load_kv_once",
    "walk_all",
]

MIN_TARGET_PX = 96  # comfortably above 15 mm (61 px) on a 21.5" 1920x1080 screen


class KLabel(Label):  # type: ignore[misc]
    """A wrapping label whose size follows the app's text scale."""

    base_size = NumericProperty(30)


class KButton(ButtonBehavior, Label):  # type: ignore[misc]
    """A big, high-contrast button with a test id; ``kind`` picks its colours."""

    tap_id = StringProperty("")
    kind = StringProperty("normal")  # normal, primary, priority, key, choice, tool, tile
    selected = BooleanProperty(False)
    base_size = NumericProperty(30)
    payload = ObjectProperty(None, allownone=True)


def _fire(button: KButton) -> None:
    if button.payload is not None:
        button.payload()


def pooled_tile(*, kind: str = "tile", base_size: float = 30, markup: bool = True) -> KButton:
    """A reusable tile: a release calls its ``payload`` (set by the view on every refresh)."""
    button = KButton(kind=kind, base_size=base_size, markup=markup)
    button.bind(on_release=_fire)
    return button


class Pool:
    """The children of one container, reused across refreshes instead of rebuilt.

    ``take(n)`` returns the first ``n`` widgets (creating only the missing ones) and makes them the
    container's children; the view then sets their texts. A text that did not change is not rendered
    again, and no widget, texture or binding is created per refresh, so memory stays flat all day.
    """

    def __init__(self, container: Widget, factory: Callable[[], Widget]) -> None:
        self.container = container
        self.factory = factory
        self.items: list[Widget] = []

    def take(self, count: int) -> list[Widget]:
        """The first ``count`` widgets, shown in the container in order."""
        while len(self.items) < count:
            self.items.append(self.factory())
        wanted = self.items[:count]
        if self.container.children[::-1] != wanted:
            self.container.clear_widgets()
            for widget in wanted:
                self.container.add_widget(widget)
        return wanted


def walk_all(widget: Widget) -> Iterator[Widget]:
    """The widget and every descendant."""
    yield widget
    for child in widget.children:
        yield from walk_all(child)


class QrImage(Image):  # type: ignore[misc]
    """A QR code of ``data``, drawn with sharp modules."""

    data = StringProperty("")

    def on_data(self, _instance: Any, value: str) -> None:
        """Regenerate the texture."""
        if not value:
            self.texture = None
            return
        import qrcode

        qr = qrcode.QRCode(border=2, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(value)
        qr.make(fit=True)
        image = qr.make_image(fill_color="black", back_color="white").convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        buffer.seek(0)
        texture: Texture = CoreImage(buffer, ext="png").texture
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        self.texture = texture


_LETTERS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_PADS: dict[str, tuple[str, ...]] = {
    "date": ("123", "456", "789", "/0"),
    "phone": ("123", "456", "789", "+0"),
    "numeric": ("123", "456", "789", "0"),
}


class KeyboardPad(BoxLayout):  # type: ignore[misc]
    """The on-screen keyboard: letters (Telex / VNI / no accents) or a digit pad; calls ``on_key(key)``.

    Keys: a character, ``"\\b"`` backspace, ``" "`` space, ``"\\x00"`` clear, ``"shift"``, ``"mode:telex"`` ...
    """

    layout = StringProperty("text")
    mode = StringProperty("telex")
    lang = StringProperty("vi")
    shift = BooleanProperty(False)
    show_modes = BooleanProperty(True)

    def __init__(self, on_key: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", spacing=8, **kwargs)
        self.on_key = on_key
        self._keys: list[tuple[KButton, str]] = []
        self._built: tuple[str, bool] | None = None
        self.bind(layout=self._rebuild, show_modes=self._rebuild, lang=self._relabel, mode=self._relabel)
        self.bind(shift=self._relabel)
        self._rebuild()

    def _key(self, key: str, *, kind: str = "key", size_x: float = 1.0) -> KButton:
        button = KButton(tap_id=f"key:{key}", kind=kind, size_hint_x=size_x, base_size=34 if kind == "key" else 22)
        button.bind(on_release=lambda *_a: self._press(key))
        self._keys.append((button, key))
        return button

    def _press(self, key: str) -> None:
        if self.on_key is not None:
            self.on_key(key)

    def _row(self, keys: Sequence[KButton]) -> BoxLayout:
        row = BoxLayout(spacing=8)
        for key in keys:
            row.add_widget(key)
        return row

    def _rebuild(self, *_args: Any) -> None:
        """Create the keys, only when the layout changes (language, mode and shift only relabel them)."""
        structure = (self.layout, self.show_modes)
        if structure == self._built:
            return
        self._built = structure
        self.clear_widgets()
        self._keys = []
        if self.layout in _PADS:
            for index, keys in enumerate(_PADS[self.layout]):
                row = [self._key(k) for k in keys]
                if index == len(_PADS[self.layout]) - 1:
                    row.append(self._key("\b", kind="tool"))
                self.add_widget(self._row(row))
            self.add_widget(self._row([self._key("\x00", kind="tool")]))
        else:
            letters: list[str] = list(_LETTERS)
            letters[-1] = letters[-1] + ("@._-" if self.layout == "email" else ",.-")
            for index, keys in enumerate(letters):
                row = [self._key(k) for k in keys]
                if index == len(letters) - 1:
                    row.append(self._key("\b", kind="tool", size_x=2))
                self.add_widget(self._row(row))
            bottom = [
                self._key("shift", kind="tool", size_x=1.5),
                self._key(" ", kind="tool", size_x=4),
                self._key("\x00", kind="tool", size_x=1.5),
            ]
            if self.show_modes and self.layout == "text":
                bottom += [self._key(f"mode:{mode}", kind="tool", size_x=1.5) for mode in ("telex", "vni", "plain")]
            self.add_widget(self._row(bottom))
        self._relabel()

    def _relabel(self, *_args: Any) -> None:
        """The keys' texts and selection in the current language, mode and shift state."""
        lang = self.lang
        for button, key in self._keys:
            if key in _TOOL_TEXT:
                button.text = t(_TOOL_TEXT[key], lang)
            elif key.startswith("mode:"):
                mode = key.split(":", 1)[1]
                button.text = t(f"kb_{mode}", lang)
                button.selected = self.mode == mode
            else:
                button.text = key.upper() if self.shift and key.isalpha() else key
            if key == "shift":
                button.selected = self.shift


_TOOL_TEXT = {"\b": "kb_backspace", "\x00": "kb_clear", "shift": "kb_shift", " ": "kb_space"}


def app_t(key: str, **values: object) -> str:
    """The catalogue text in the running app's language."""
    app = App.get_running_app()
    lang = getattr(app, "lang", "vi")
    return t(key, lang, **values)
