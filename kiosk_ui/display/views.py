"""The display widgets: they read a view-model and set label texts, nothing more."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.graphics import PopMatrix, PushMatrix, Translate
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.stencilview import StencilView

from kiosk_ui.core.display_state import CounterModel, WaitingRoomModel
from kiosk_ui.core.display_text import UiLang, format_date, format_time, message

KV_FILE = Path(__file__).with_name("displays.kv")
_loaded = False


def load_kv() -> None:
    """Load displays.kv once per process."""
    global _loaded
    if not _loaded:
        Builder.load_file(str(KV_FILE))
        _loaded = True


class Panel(BoxLayout):  # type: ignore[misc]
    """A box with a rounded, coloured background."""

    bg = ColorProperty([0.07, 0.20, 0.38, 1])
    radius = NumericProperty(0)


class OfflineBadge(Label):  # type: ignore[misc]
    """A small red pill shown while the broker is unreachable."""


class Ticker(StencilView):  # type: ignore[misc]
    """A notice line scrolling from right to left.

    The text is rendered to a texture once; scrolling only changes a ``Translate`` in front of it
    (no re-render, no layout). Each step still redraws the whole window, so the rate is kept at what
    reads smoothly (``fps``) rather than at the display's refresh rate.
    """

    font_size = NumericProperty(30)
    speed = NumericProperty(0.09)  # fraction of the width per second
    fps = NumericProperty(20)

    def __init__(self, **kwargs: Any) -> None:
        self._shift = Translate(0, 0)
        self._offset = 0.0
        super().__init__(**kwargs)
        self._event = Clock.schedule_interval(self._step, 1 / self.fps)

    def on_kv_post(self, base_widget: Any) -> None:
        """Put the label (built by the kv rule) behind the translation."""
        label = self.ids.text
        label.canvas.before.add(PushMatrix())
        label.canvas.before.add(self._shift)
        label.canvas.after.add(PopMatrix())

    @property
    def text(self) -> str:
        """The notice shown."""
        return str(self.ids.text.text)

    def set_text(self, text: str) -> None:
        """Replace the notice: the first one starts in view at the left, a new one at the right edge."""
        label = self.ids.text
        if label.text != text:
            self._offset = self.width if label.text else 0.0
            self._shift.x = round(self._offset)
            label.text = text

    def _step(self, dt: float) -> None:
        label = self.ids.get("text")
        if label is None:
            return
        self._offset -= max(60.0, self.width * self.speed) * dt
        if self._offset + label.width < 0:
            self._offset = self.width
        self._shift.x = round(self._offset)


def _row(text: str, font_size: float, *, color: tuple[float, ...], halign: str, bold: bool = False) -> Label:
    label = Label(text=text, font_size=font_size, color=color, halign=halign, valign="middle", bold=bold)
    label.shorten = True
    label.bind(size=lambda widget, size: setattr(widget, "text_size", size))
    return label


YELLOW = (1.0, 0.86, 0.30, 1)
NAVY = (0.04, 0.11, 0.22, 1)  # the background; the same as NAVY in displays.kv
WHITE = (1.0, 1.0, 1.0, 1)


class _View(FloatLayout):  # type: ignore[misc]
    unit = NumericProperty(50)
    highlighted = BooleanProperty(False)
    # Paint the navy background as a rectangle. A full-screen blended rectangle costs ~11 ms of
    # rasterising per frame on a software GL (llvmpipe, 1920x1080), so the app clears the window
    # with the background colour instead (``paint_background = False``); exports paint it.
    paint_background = BooleanProperty(True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bind(size=self._resize)
        self.last_refresh = 0.0

    def _resize(self, *_args: object) -> None:
        self.unit = min(self.width, self.height) / 20

    def paint_with_window(self) -> None:
        """Let the window's clear colour be the background (the view fills the window)."""
        from kivy.core.window import Window

        Window.clearcolor = NAVY
        self.paint_background = False

    def export_to_png(self, filename: str, *args: Any, **kwargs: Any) -> Any:
        """A PNG of the view, background included (the window's clear colour is not in an export)."""
        painted = self.paint_background
        self.paint_background = True
        Builder.sync()  # kv canvas bindings are applied lazily, before the next frame
        try:
            return super().export_to_png(filename, *args, **kwargs)
        finally:
            self.paint_background = painted


class WaitingRoomView(_View):
    """The waiting-room TV: the call in very large type, recent calls, waiting counts, clock, notice."""

    landscape = BooleanProperty(True)

    def __init__(self, model: WaitingRoomModel, *, lang: UiLang, title: str, notice: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.lang: UiLang = lang
        self.ids.title.text = title or message("title", lang)
        self.ids.recent_header.text = message("recent", lang)
        self.ids.waiting_header.text = message("waiting", lang)
        self.ids.offline.text = message("offline", lang)
        self.ids.ticker.set_text(notice or message("notice", lang))
        self._recent_rows: list[tuple[Label, Label]] = []
        self._service_rows: list[tuple[Label, Label]] = []
        self.bind(unit=lambda *_a: self._build_rows())
        self._build_rows()

    def _build_rows(self) -> None:
        grid = self.ids.recent
        grid.clear_widgets()
        size = self.unit * (1.0 if self.landscape else 1.2)
        self._recent_rows = []
        for _ in range(self.model.recent_size):
            pair = (
                _row("", size, color=YELLOW, halign="left", bold=True),
                _row("", size, color=WHITE, halign="right"),
            )
            grid.add_widget(pair[0])
            grid.add_widget(pair[1])
            self._recent_rows.append(pair)
        self._service_rows = []
        self.ids.services.clear_widgets()

    def refresh(self, now: datetime) -> None:
        """Copy the model onto the screen."""
        model, lang = self.model, self.lang
        current = model.current
        if current is None:
            self.ids.now_calling.text = message("no_call", lang)
            self.ids.number.text = "—"
            self.ids.counter.text = message("no_call_hint", lang)
        else:
            self.ids.now_calling.text = message("now_calling", lang)
            self.ids.number.text = current.number
            self.ids.counter.text = message("to_counter", lang, counter=current.counter_name(lang))
        for index, (number, counter) in enumerate(self._recent_rows):
            item = model.recent[index] if index < len(model.recent) else None
            number.text = item.number if item else ""
            counter.text = item.counter_name(lang) if item else ""
        self._refresh_services()
        self.ids.offline.opacity = 0 if model.online else 1
        self.refresh_time(now)
        self.last_refresh = time.perf_counter()

    def _refresh_services(self) -> None:
        services = self.model.services
        grid = self.ids.services
        size = self.unit * (0.75 if self.landscape else 0.95)
        while len(self._service_rows) < len(services):
            pair = (_row("", size, color=WHITE, halign="left"), _row("", size, color=YELLOW, halign="right", bold=True))
            pair[0].size_hint_x, pair[1].size_hint_x = 0.72, 0.28  # long service names get the room
            grid.add_widget(pair[0])
            grid.add_widget(pair[1])
            self._service_rows.append(pair)
        while len(self._service_rows) > len(services):
            name, count = self._service_rows.pop()
            grid.remove_widget(name)
            grid.remove_widget(count)
        for (name, count), service in zip(self._service_rows, services, strict=True):
            name.text = f"{service.letter} · {service.name_en if self.lang == 'en' else service.name_vi}"
            count.text = message("waiting_count", self.lang, count=service.waiting)

    def refresh_time(self, now: datetime) -> None:
        """Clock, date and the highlight's expiry."""
        self.ids.clock.text = format_time(now)
        self.ids.date.text = format_date(now, self.lang)
        self.highlighted = self.model.is_highlighted(now)

    def texts(self) -> dict[str, Any]:
        """What the screen shows, read back from the widgets (for tests and diagnostics)."""
        return {
            "title": self.ids.title.text,
            "now_calling": self.ids.now_calling.text,
            "number": self.ids.number.text,
            "counter": self.ids.counter.text,
            "recent": [[a.text, b.text] for a, b in self._recent_rows if a.text],
            "services": [[a.text, b.text] for a, b in self._service_rows],
            "clock": self.ids.clock.text,
            "date": self.ids.date.text,
            "notice": self.ids.ticker.text,
            "offline_badge": self.ids.offline.opacity > 0,
            "offline_text": self.ids.offline.text,
            "highlighted": self.highlighted,
        }


class CounterView(_View):
    """The screen above a counter: its name and the ticket it serves, or paused."""

    paused = BooleanProperty(False)

    def __init__(self, model: CounterModel, *, lang: UiLang, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.lang: UiLang = lang
        self.ids.offline.text = message("offline", lang)

    def refresh(self, now: datetime) -> None:
        """Copy the model onto the screen."""
        model, lang = self.model, self.lang
        self.ids.name.text = model.name(lang)
        self.paused = model.status in ("paused", "closed")
        if self.paused:
            self.ids.caption.text = model.serving or ""
            self.ids.number.text = message("paused" if model.status == "paused" else "closed", lang)
        elif model.serving:
            self.ids.caption.text = message("serving", lang)
            self.ids.number.text = model.serving
        else:
            self.ids.caption.text = message("counter_idle", lang)
            self.ids.number.text = "—"
        self.ids.offline.opacity = 0 if model.online else 1
        self.refresh_time(now)
        self.last_refresh = time.perf_counter()

    def refresh_time(self, now: datetime) -> None:
        """The highlight's expiry."""
        self.highlighted = self.model.is_highlighted(now) and not self.paused

    def texts(self) -> dict[str, Any]:
        """What the screen shows, read back from the widgets."""
        return {
            "name": self.ids.name.text,
            "caption": self.ids.caption.text,
            "number": self.ids.number.text,
            "paused": self.paused,
            "offline_badge": self.ids.offline.opacity > 0,
            "offline_text": self.ids.offline.text,
            "highlighted": self.highlighted,
        }
