"""Shared kiosk widgets: big buttons, tiles, the on-screen keyboard, the QR image, the idle overlay.

Every tappable widget is a :class:`KButton` with a ``tap_id`` (tests and the benchmark find it by
that id) and a height of at least the kiosk's minimum touch target.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk_ui.core.kiosk_text import t

__all__ = [
    "KButton",
    "KLabel",
    "KeyboardPad",
    "QrImage",
    "load_kv_once",
    "walk_all",
]

_LOADED: set[str] = set()
MIN_TARGET_PX = 96  # comfortably above 15 mm (61 px) on a 21.5" 1920x1080 screen


def load_kv_once(path: Path) -> None:
    """Load a .kv file once per process (loading twice duplicates every rule)."""
    key = str(path)
    if key not in _LOADED:
        Builder.load_file(key)
        _LOADED.add(key)


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


def tile(text: str, tap_id: str, on_tap: Callable[[], None], *, kind: str = "tile", base_size: float = 30) -> KButton:
    """A tile button that calls ``on_tap()`` when released."""
    button = KButton(text=text, tap_id=tap_id, kind=kind, base_size=base_size)
    button.bind(on_release=lambda *_a: on_tap())
    return button


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
        self.bind(layout=self._rebuild, lang=self._rebuild, mode=self._rebuild, shift=self._rebuild)
        self._rebuild()

    def _key(self, label: str, key: str, *, kind: str = "key", size_x: float = 1.0, selected: bool = False) -> KButton:
        button = KButton(
            text=label, tap_id=f"key:{key}", kind=kind, size_hint_x=size_x, base_size=34 if kind == "key" else 22
        )
        button.selected = selected
        button.bind(on_release=lambda *_a: self._press(key))
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
        self.clear_widgets()
        lang = self.lang
        if self.layout in _PADS:
            for index, keys in enumerate(_PADS[self.layout]):
                row = [self._key(k, k) for k in keys]
                if index == len(_PADS[self.layout]) - 1:
                    row.append(self._key(t("kb_backspace", lang), "\b", kind="tool"))
                self.add_widget(self._row(row))
            self.add_widget(self._row([self._key(t("kb_clear", lang), "\x00", kind="tool")]))
            return
        letters: list[str] = list(_LETTERS)
        if self.layout == "email":
            letters[-1] = letters[-1] + "@._-"
        else:
            letters[-1] = letters[-1] + ",.-"
        for index, keys in enumerate(letters):
            row = [self._key(k.upper() if self.shift and k.isalpha() else k, k) for k in keys]
            if index == len(letters) - 1:
                row.append(self._key(t("kb_backspace", lang), "\b", kind="tool", size_x=2))
            self.add_widget(self._row(row))
        bottom = [
            self._key(t("kb_shift", lang), "shift", kind="tool", size_x=1.5, selected=self.shift),
            self._key(t("kb_space", lang), " ", kind="tool", size_x=4),
            self._key(t("kb_clear", lang), "\x00", kind="tool", size_x=1.5),
        ]
        if self.show_modes and self.layout == "text":
            for mode in ("telex", "vni", "plain"):
                bottom.append(
                    self._key(
                        t(f"kb_{mode}", lang), f"mode:{mode}", kind="tool", size_x=1.5, selected=self.mode == mode
                    )
                )
        self.add_widget(self._row(bottom))


def app_t(key: str, **values: object) -> str:
    """The catalogue text in the running app's language."""
    app = App.get_running_app()
    lang = getattr(app, "lang", "vi")
    return t(key, lang, **values)
