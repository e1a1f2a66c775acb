"""The display widgets: they read a view-model and set label texts, nothing more."""

from __future__ import annotations

import math
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import PopMatrix, PushMatrix, Translate
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from kiosk_ui.core.display_state import CounterModel, WaitingRoomModel
from kiosk_ui.core.display_text import UiLang, format_date, format_time, message
from kiosk_ui.kv import load_kv_once

KV_FILE = Path(__file__).with_name("displays.kv")


def load_kv() -> None:
    """Load displays.kv once per process."""
    load_kv_once(KV_FILE)


class Panel(BoxLayout):  # type: ignore[misc]
    """A box with a rounded, coloured background."""

    bg = ColorProperty([0.07, 0.20, 0.38, 1])
    radius = NumericProperty(0)


class FitLabel(Label):  # type: ignore[misc]
    """A label whose whole text shows: the font shrinks from ``base_font`` (not below ``min_scale`` of it)
    until the text fits the label's box; with ``wrap`` the text may also take several lines.

    Only below ``min_scale`` is a one-line text cut (``shorten``), as a last resort; the layout test reads
    every label's box and fails on that.
    """

    base_font = NumericProperty(30)
    min_scale = NumericProperty(0.5)
    wrap = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        self._fitted: tuple[Any, ...] | None = None
        super().__init__(**kwargs)
        for name in ("size", "text", "base_font", "min_scale", "wrap", "bold", "font_name"):
            self.fbind(name, self._fit)
        self._fit()

    def _fits(self, font_size: float) -> bool:
        width, height = self.size
        if self.wrap:
            probe = CoreLabel(
                text=self.text, font_size=font_size, font_name=self.font_name, bold=self.bold, italic=self.italic,
                text_size=(width, None),
            )  # fmt: skip
            probe.refresh()
            need_w, need_h = probe.content_size
        else:
            probe = CoreLabel(font_size=font_size, font_name=self.font_name, bold=self.bold, italic=self.italic)
            need_w, need_h = probe.get_extents(self.text)
        return bool(need_w <= width and need_h <= height)

    def _fit(self, *_args: object) -> None:
        width, height = self.size
        self.text_size = (width, height)
        self.shorten = not self.wrap
        key = (self.text, width, height, self.base_font, self.min_scale, self.wrap, self.bold, self.font_name)
        if key == self._fitted:
            return
        self._fitted = key
        base = float(self.base_font)
        if not self.text or width < 1 or height < 1 or self._fits(base):
            self.font_size = base
            return
        low, high = max(1, math.floor(base * self.min_scale)), math.floor(base)  # fits(low)? fits(high) is False
        if not self._fits(low):
            self.font_size = low
            return
        while high - low > 1:
            middle = (low + high) // 2
            if self._fits(middle):
                low = middle
            else:
                high = middle
        self.font_size = low


class StatusStrip(FitLabel):
    """The red strip that says the display cannot hear its site (broker unreachable, or no server)."""


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


def _row(text: str, font_size: float, *, color: tuple[float, ...], halign: str, bold: bool = False) -> FitLabel:
    return FitLabel(text=text, base_font=font_size, min_scale=0.6, color=color, halign=halign, valign="middle",
                    bold=bold)  # fmt: skip


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
    """The waiting-room TV: the call in very large type, recent calls, waiting counts, clock, notice.

    The right column never overflows: recent calls take two columns when there are more than four, and the
    waiting list gets the height that is left, shown a page at a time (``page_seconds`` each) when the
    site has more services than fit.
    """

    landscape = BooleanProperty(True)
    status_shown = BooleanProperty(False)

    def __init__(
        self,
        model: WaitingRoomModel,
        *,
        lang: UiLang,
        title: str,
        notice: str,
        site: str = "",
        page_seconds: float = 8.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.lang: UiLang = lang
        self.site = site
        self.page_seconds = page_seconds
        self.page = (0, 1)  # (index, count) of the waiting list's pages
        self._now: datetime | None = None
        self.ids.title.text = title or message("title", lang)
        self.ids.recent_header.text = message("recent", lang)
        self.ids.waiting_header.text = message("waiting", lang)
        self.ids.ticker.set_text(notice or message("notice", lang))
        self._recent_rows: list[tuple[FitLabel, FitLabel]] = []
        self._service_rows: list[tuple[FitLabel, FitLabel]] = []
        self.bind(unit=lambda *_a: self._build_rows())
        self.ids.services.bind(height=lambda *_a: self._refresh_services())
        self._build_rows()

    def _recent_columns(self) -> int:
        return 2 if self.model.recent_size > 4 else 1

    def _build_rows(self) -> None:
        grid = self.ids.recent
        grid.clear_widgets()
        columns = self._recent_columns()
        grid.cols = 3 * columns - 1  # number, counter, [gap, number, counter]
        rows = math.ceil(self.model.recent_size / columns)
        size = self.unit * (0.95 if self.landscape else 1.1)
        counter_align = "left" if columns > 1 else "right"

        def pair() -> tuple[FitLabel, FitLabel]:
            number = _row("", size, color=YELLOW, halign="left", bold=True)
            counter = _row("", size, color=WHITE, halign=counter_align)
            number.size_hint_x, counter.size_hint_x = 0.36, 0.64
            return number, counter

        cells = [[pair() for _ in range(columns)] for _ in range(rows)]
        # newest first, down the first column, then down the next (an odd count leaves the last cell empty)
        self._recent_rows = [cells[index % rows][index // rows] for index in range(self.model.recent_size)]
        for row in cells:
            for column, (number, counter) in enumerate(row):
                if column:
                    grid.add_widget(Widget(size_hint_x=0.12))
                grid.add_widget(number)
                grid.add_widget(counter)
        for name, count in self._service_rows:
            self.ids.services.remove_widget(name)
            self.ids.services.remove_widget(count)
        self._service_rows = []
        self._refresh_services()

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
        self._now = now
        self._refresh_services()
        self._refresh_status()
        self.refresh_time(now)
        self.last_refresh = time.perf_counter()

    def _refresh_status(self) -> None:
        model, strip = self.model, self.ids.offline
        if not model.online:
            strip.text = message("offline", self.lang)
        elif model.server_silent:
            strip.text = message("no_server", self.lang, site=self.site)
        self.status_shown = not model.online or model.server_silent

    def _capacity(self) -> int:
        grid = self.ids.services
        return max(1, int((grid.height + 0.5) // grid.row_default_height)) if grid.row_default_height > 0 else 1

    def _page_at(self, now: datetime | None, pages: int) -> int:
        """The page of the waiting list shown at ``now``: the pages take turns, ``page_seconds`` each."""
        if now is None or pages <= 1:
            return 0
        return int(now.timestamp() // self.page_seconds) % pages

    def _refresh_services(self) -> None:
        services = self.model.services
        grid = self.ids.services
        capacity = self._capacity()
        pages = max(1, math.ceil(len(services) / capacity))
        page = self._page_at(self._now, pages)
        self.page = (page, pages)
        shown = services[page * capacity : (page + 1) * capacity]
        size = self.unit * (0.72 if self.landscape else 0.9)
        while len(self._service_rows) < len(shown):
            pair = (_row("", size, color=WHITE, halign="left"), _row("", size, color=YELLOW, halign="right", bold=True))
            pair[0].size_hint_x, pair[1].size_hint_x = 0.74, 0.26  # long service names get the room
            grid.add_widget(pair[0])
            grid.add_widget(pair[1])
            self._service_rows.append(pair)
        while len(self._service_rows) > len(shown):
            name, count = self._service_rows.pop()
            grid.remove_widget(name)
            grid.remove_widget(count)
        for (name, count), service in zip(self._service_rows, shown, strict=True):
            name.text = f"{service.letter} · {service.name_en if self.lang == 'en' else service.name_vi}"
            count.text = message("waiting_count", self.lang, count=service.waiting)
        title = message("waiting", self.lang)
        if pages > 1:
            title = message("page", self.lang, title=title, page=page + 1, pages=pages)
        self.ids.waiting_header.text = title

    def refresh_time(self, now: datetime) -> None:
        """Clock, date, the highlight's expiry and the waiting list's page."""
        self.ids.clock.text = format_time(now)
        self.ids.date.text = format_date(now, self.lang)
        self.highlighted = self.model.is_highlighted(now)
        self._now = now
        if self.page[1] > 1 and self._page_at(now, self.page[1]) != self.page[0]:
            self._refresh_services()

    def texts(self) -> dict[str, Any]:
        """What the screen shows, read back from the widgets (for tests and diagnostics)."""
        return {
            "title": self.ids.title.text,
            "now_calling": self.ids.now_calling.text,
            "number": self.ids.number.text,
            "counter": self.ids.counter.text,
            "recent": [[a.text, b.text] for a, b in self._recent_rows if a.text],
            "services": [[a.text, b.text] for a, b in self._service_rows],
            "services_page": [self.page[0] + 1, self.page[1]],
            "clock": self.ids.clock.text,
            "date": self.ids.date.text,
            "notice": self.ids.ticker.text,
            "offline_badge": self.status_shown and not self.model.online,
            "server_silent": self.status_shown and self.model.server_silent,
            "status": self.ids.offline.text if self.status_shown else "",
            "offline_text": message("offline", self.lang),
            "highlighted": self.highlighted,
        }


class CounterView(_View):
    """The screen above a counter: its name and the ticket it serves, or paused."""

    paused = BooleanProperty(False)
    status_shown = BooleanProperty(False)

    def __init__(self, model: CounterModel, *, lang: UiLang, site: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.lang: UiLang = lang
        self.site = site

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
        strip = self.ids.offline
        if not model.online:
            strip.text = message("offline", lang)
        elif model.server_silent:
            strip.text = message("no_server", lang, site=self.site)
        self.status_shown = not model.online or model.server_silent
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
            "offline_badge": self.status_shown and not self.model.online,
            "server_silent": self.status_shown and self.model.server_silent,
            "status": self.ids.offline.text if self.status_shown else "",
            "offline_text": message("offline", self.lang),
            "highlighted": self.highlighted,
        }
