"""The kiosk app: settings -> adapters -> controller + flow -> ScreenManager fed by the screen registry.

One process, one window. Screens change with no animation (a transition would only slow a first-time
user and the tap-to-screen latency). Everything a citizen enters lives in the flow's memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import LabelBase
from kivy.core.window import Window
from kivy.properties import DictProperty, NumericProperty, StringProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition

from kiosk_ui.core.kiosk_flow import IdleState, Screen
from kiosk_ui.core.kiosk_text import reading_seconds, t
from kiosk_ui.kiosk.backend import CatalogueSource, KioskBackend, PrinterStatusFile, TicketPrinter
from kiosk_ui.kiosk.controller import KioskController
from kiosk_ui.kiosk.registry import build_screens
from kiosk_ui.kiosk.widgets import KButton, load_kv_once, walk_all
from kiosk_ui.kiosk_settings import KioskSettings
from kiosk_ui.window_setup import tune_rendering

__all__ = ["THEMES", "IdleOverlay", "KioskApp", "KioskRoot"]

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
FONTS = HERE.parent / "assets" / "fonts"
LARGE_TEXT_SCALE = 1.3

THEMES: dict[str, dict[str, Any]] = {
    "normal": {
        "name": "normal",
        "bg": (0.95, 0.96, 0.98, 1),
        "fg": (0.07, 0.09, 0.14, 1),
        "muted": (0.28, 0.32, 0.40, 1),
        "panel": (1, 1, 1, 1),
        "bar": (0.04, 0.15, 0.32, 1),
        "bar_fg": (1, 1, 1, 1),
        "accent": (0.02, 0.30, 0.62, 1),
        "ok": (0.0, 0.45, 0.20, 1),
        "error": (0.72, 0.05, 0.05, 1),
        "priority": (0.80, 0.33, 0.0, 1),
        "pressed": (0.98, 0.75, 0.10, 1),
        "border": (0.04, 0.15, 0.32, 0.35),
        "normal": ((0.05, 0.33, 0.62, 1), (1, 1, 1, 1)),
        "tile": ((0.05, 0.33, 0.62, 1), (1, 1, 1, 1)),
        "primary": ((0.0, 0.45, 0.22, 1), (1, 1, 1, 1)),
        "priority_btn": ((0.80, 0.33, 0.0, 1), (1, 1, 1, 1)),
        "key": ((1, 1, 1, 1), (0.07, 0.09, 0.14, 1)),
        "tool": ((0.85, 0.89, 0.95, 1), (0.04, 0.15, 0.32, 1)),
        "choice": ((1, 1, 1, 1), (0.04, 0.15, 0.32, 1)),
        "selected": ((0.98, 0.75, 0.10, 1), (0.07, 0.09, 0.14, 1)),
    },
    "contrast": {
        "name": "contrast",
        "bg": (0, 0, 0, 1),
        "fg": (1, 1, 1, 1),
        "muted": (0.90, 0.90, 0.90, 1),
        "panel": (0.08, 0.08, 0.08, 1),
        "bar": (0, 0, 0, 1),
        "bar_fg": (1, 1, 0, 1),
        "accent": (1, 1, 0, 1),
        "ok": (0.4, 1, 0.4, 1),
        "error": (1, 0.45, 0.45, 1),
        "priority": (1, 0.75, 0.2, 1),
        "pressed": (1, 1, 1, 1),
        "border": (1, 1, 0, 1),
        "normal": ((0, 0, 0, 1), (1, 1, 0, 1)),
        "tile": ((0, 0, 0, 1), (1, 1, 0, 1)),
        "primary": ((1, 1, 0, 1), (0, 0, 0, 1)),
        "priority_btn": ((1, 0.75, 0.2, 1), (0, 0, 0, 1)),
        "key": ((0, 0, 0, 1), (1, 1, 1, 1)),
        "tool": ((0, 0, 0, 1), (1, 1, 0, 1)),
        "choice": ((0, 0, 0, 1), (1, 1, 1, 1)),
        "selected": ((1, 1, 0, 1), (0, 0, 0, 1)),
    },
}


class IdleOverlay(FloatLayout):  # type: ignore[misc]
    """The countdown before an idle visit is wiped; "I am still here" dismisses it."""

    seconds = NumericProperty(0)

    def __init__(self, on_dismiss: Callable[[], None], **kwargs: Any) -> None:
        self._on_dismiss = on_dismiss
        super().__init__(**kwargs)

    def dismiss(self) -> None:
        """The citizen is still there."""
        self._on_dismiss()

    def on_touch_down(self, touch: Any) -> bool:
        """Swallow touches behind the overlay."""
        super().on_touch_down(touch)
        return True


class KioskRoot(FloatLayout):  # type: ignore[misc]
    """Toolbar + banner + ScreenManager (+ the idle overlay when it shows)."""

    banner = StringProperty("")
    centre_name = StringProperty("")

    def __init__(self, controller: KioskController, **kwargs: Any) -> None:
        self.controller = controller
        super().__init__(**kwargs)


class KioskApp(App):  # type: ignore[misc]
    """The citizen kiosk."""

    lang = StringProperty("vi")
    fs = NumericProperty(1.0)
    theme = DictProperty(THEMES["normal"])
    min_target = NumericProperty(96)

    def __init__(
        self,
        settings: KioskSettings,
        *,
        source: CatalogueSource | None = None,
        backend: KioskBackend | None = None,
        printer: TicketPrinter | None = None,
        voice: Any = None,
        clock: Callable[[], float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.title = "motcua kiosk"
        self._source = source
        self._backend = backend
        self._printer = printer
        self._voice = voice
        self._clock = clock
        self.controller: KioskController
        self.root_widget: KioskRoot
        self.views: dict[str, Any] = {}
        self.overlay: IdleOverlay | None = None
        self.on_screen: list[Callable[[str], None]] = []  # observers (benchmark, tests)

    # kv helpers
    def t(self, key: str, lang: str, **values: object) -> str:
        """Catalogue text (kv: ``app.t('home', app.lang)``)."""
        return t(key, lang, **values)

    def button_colours(self, kind: str, selected: bool, theme: dict[str, Any]) -> tuple[Any, Any]:
        """Background and text colour of a button kind."""
        if selected:
            return theme["selected"]  # type: ignore[no-any-return]
        key = "priority_btn" if kind == "priority" else kind
        return theme.get(key, theme["normal"])  # type: ignore[no-any-return]

    def build(self) -> KioskRoot:
        """Adapters, controller, screens."""
        settings = self.settings
        tune_rendering()
        regular, bold = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
        LabelBase.register(name="Roboto", fn_regular=str(regular), fn_bold=str(bold))
        self.min_target = max(96, settings.min_target_px)
        source = self._source or CatalogueSource(settings)
        backend = self._backend or KioskBackend(settings)
        printer = self._printer or TicketPrinter(
            settings.printer, PrinterStatusFile(settings.printer_state_path, settings.printer)
        )
        voice = self._voice
        if voice is None and settings.voice != "off":
            from kiosk_ui.kiosk.voice import Voice

            voice = Voice(settings)
        self.controller = KioskController(
            self, settings, source=source, backend=backend, printer=printer, voice=voice,
            **({"clock": self._clock} if self._clock else {}),
        )  # fmt: skip
        load_kv_once(HERE / "widgets.kv")
        load_kv_once(HERE / "kiosk_root.kv")
        root = KioskRoot(self.controller, centre_name=settings.centre_name)
        self.root_widget = root
        manager = root.ids.sm
        manager.transition = NoTransition()
        for view in build_screens(self.controller):
            self.views[view.name] = view
            manager.add_widget(view)
        self.overlay = IdleOverlay(self._dismiss_idle)
        flow = self.controller.flow
        flow.observe(self._on_flow)
        self._apply_prefs()
        self.controller.load_catalogue()
        self._show(flow.screen)
        Window.bind(on_touch_down=lambda *_a: self.controller.flow.touch(self.controller.now()))
        return root

    def on_start(self) -> None:
        """Start the idle timer and the attract loop."""
        Clock.schedule_interval(lambda _dt: self.controller.tick(), 0.5)
        Clock.schedule_interval(lambda _dt: self._attract(), self.settings.attract_seconds)

    def on_stop(self) -> None:
        """Stop the workers."""
        self.controller.shutdown()

    def _attract(self) -> None:
        if self.controller.flow.screen == Screen.WELCOME:
            self.views[Screen.WELCOME.value].model.advance()

    # flow -> views
    def current_view(self) -> Any:
        """The view on screen."""
        return self.views.get(self.controller.flow.screen.value)

    def _apply_prefs(self) -> None:
        prefs = self.controller.flow.prefs
        self.lang = prefs.lang
        self.fs = LARGE_TEXT_SCALE if prefs.large_text else 1.0
        self.theme = THEMES["contrast" if prefs.high_contrast else "normal"]
        self.refresh_banner()

    def refresh_banner(self) -> None:
        """The offline banner: shown while the server does not answer."""
        offline = not self.controller.online
        self.root_widget.banner = t("offline_banner", self.lang, site=self.settings.site) if offline else ""

    def _on_flow(self, what: str) -> None:
        if what == "prefs":
            self._apply_prefs()
            view = self.current_view()
            if view is not None:
                view.refresh()
            return
        if what == "screen":
            self._show(self.controller.flow.screen)
            return
        view = self.current_view()
        if view is not None:
            view.refresh()

    def _show(self, screen: Screen) -> None:
        view = self.views[screen.value]
        if screen == Screen.WELCOME:
            view.model.reset()
        view.refresh()
        self.root_widget.ids.sm.current = screen.value
        self.controller.flow.reading_floor = reading_seconds(" ".join(view.texts()))
        self.show_idle(None)
        for observer in list(self.on_screen):
            observer(screen.value)

    # idle overlay
    def show_idle(self, state: IdleState | None) -> None:
        """Show, update or hide the countdown."""
        overlay = self.overlay
        if overlay is None:
            return
        if state is not None and state.warning:
            overlay.seconds = int(state.seconds_left + 0.999)
            if overlay.parent is None:
                self.root_widget.add_widget(overlay)
        elif overlay.parent is not None:
            self.root_widget.remove_widget(overlay)
        if self.controller.flow.screen == Screen.DONE:
            self.views[Screen.DONE.value].refresh()

    def _dismiss_idle(self) -> None:
        self.controller.flow.touch(self.controller.now())
        self.show_idle(None)

    def tappables(self) -> list[KButton]:
        """Every button the citizen can reach now: toolbar, current screen, overlay."""
        return [w for w in walk_all(self.root_widget) if isinstance(w, KButton) and self._reachable(w)]

    def _reachable(self, widget: Any) -> bool:
        # The ScreenManager holds only the screen on show, so a walk from the root sees nothing else.
        node = widget
        while node is not None and node is not self.root_widget:
            if node.opacity == 0 or node.disabled:
                return False
            node = node.parent
        return True
