"""The display app: wiring of settings, MQTT link, view-model, view and announcer.

MQTT messages are decoded on paho's thread and applied on the Kivy thread
(``Clock.schedule_once``); rendering speech runs on its own worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kivy.app import App
from kivy.clock import Clock

from kiosk_ui.core.announce import AnnouncementQueue, Verdict
from kiosk_ui.core.display_state import CounterModel, WaitingRoomModel, call_info
from kiosk_ui.display.announcer import Announcer, Player
from kiosk_ui.display.link import DisplayLink, default_device_id
from kiosk_ui.display.views import CounterView, WaitingRoomView, load_kv
from kiosk_ui.settings import DisplaySettings
from kiosk_ui.window_setup import tune_rendering
from motcua.contract.mqtt import (
    CallEvent,
    CounterState,
    QueueSummary,
    topic_call,
    topic_counter_state,
    topic_queue_summary,
)

logger = logging.getLogger(__name__)
VERSION = "0.1.0"


class DisplayApp(App):  # type: ignore[misc]
    """A waiting-room or counter display; everything it shows comes over MQTT."""

    def __init__(
        self,
        settings: DisplaySettings,
        *,
        player: Player | None = None,
        speak: bool | None = None,
        now: Callable[[], datetime] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.title = f"motcua display ({settings.kind})"
        self._now = now or (lambda: datetime.now(UTC))
        self._zone = ZoneInfo(settings.timezone)
        self._player = player
        self._speak = settings.speaks() if speak is None else speak
        self.errors: list[str] = []
        self.on_applied: list[Callable[[str], None]] = []  # observers (benchmarks, tests)
        self.queue = AnnouncementQueue(stale_after=timedelta(seconds=settings.stale_seconds))
        self.view: WaitingRoomView | CounterView
        self.model: WaitingRoomModel | CounterModel
        self.announcer: Announcer
        self.link: DisplayLink
        self.worker: Any = None

    def local_now(self) -> datetime:
        """Now, in the display's time zone."""
        return self._now().astimezone(self._zone)

    def build(self) -> WaitingRoomView | CounterView:
        """Create model, view, announcer and MQTT link from the settings."""
        settings = self.settings
        tune_rendering()
        load_kv()
        silence = timedelta(seconds=settings.server_silence_seconds)
        if settings.kind == "counter":
            if not settings.counter:
                raise ValueError("a counter display needs --counter ID (MOTCUA_DISPLAY_COUNTER)")
            counter_model = CounterModel(
                settings.counter, highlight=timedelta(seconds=min(settings.highlight_seconds, 5)), silence=silence
            )
            self.model = counter_model
            self.view = CounterView(counter_model, lang=settings.lang, site=settings.site)
        else:
            room_model = WaitingRoomModel(
                self.queue,
                recent_size=settings.recent_calls,
                highlight=timedelta(seconds=settings.highlight_seconds),
                silence=silence,
            )
            self.model = room_model
            self.view = WaitingRoomView(
                room_model,
                lang=settings.lang,
                title=settings.title,
                notice=settings.notice,
                site=settings.site,
                page_seconds=settings.page_seconds,
                landscape=settings.orientation == "landscape",
            )
        self.view.paint_with_window()  # saves rasterising a full-screen rectangle every frame
        self.model.observe(lambda: self.view.refresh(self.local_now()))
        self.announcer = Announcer(self.queue, self._make_worker(), self._make_player())
        device_id = settings.device_id or default_device_id(settings.kind, settings.counter)
        self.link = DisplayLink(
            settings.broker,
            site=settings.site,
            device_id=device_id,
            role=f"display-{settings.kind}",
            version=VERSION,
            details={"kind": settings.kind, "counter": settings.counter, "lang": settings.lang},
            username=settings.username,
            password=settings.password,
            on_online=self._guarded("online", lambda online: self.model.set_online(online, self._now())),
            tls_files=settings.tls_files(),
        )
        site = settings.site
        self.link.subscribe(topic_call(site), CallEvent, self._guarded("call", self._on_call))
        if settings.kind == "counter" and settings.counter:
            self.link.subscribe(
                topic_counter_state(site, settings.counter), CounterState, self._guarded("state", self._on_state)
            )
        else:
            self.link.subscribe(topic_queue_summary(site), QueueSummary, self._guarded("summary", self._on_summary))
        if settings.kind == "counter":
            # the retained summary tells a counter display that its site's server is there (``heard``)
            self.link.subscribe(topic_queue_summary(site), QueueSummary, self._guarded("heard", self._heard))
        self.view.refresh(self.local_now())
        return self.view

    def _make_worker(self) -> Any:
        if not self._speak:
            return None
        from kiosk_ui.speech.render import RenderWorker, build_renderer

        worker = RenderWorker(build_renderer(self.settings))
        worker.warm_up()
        self.worker = worker
        return worker

    def _make_player(self) -> Player:
        if self._player is not None:
            return self._player
        from kiosk_ui.display.player import KivyPlayer

        return KivyPlayer()

    def _guarded(self, what: str, apply: Callable[..., Any]) -> Callable[..., None]:
        """A valid but surprising message must not take the screen down: log it and carry on."""

        def run(*args: Any) -> None:
            try:
                apply(*args)
            except Exception as exc:
                logger.exception("applying %s failed", what)
                self.errors.append(f"{what}: {exc!r}")
                return
            for observer in list(self.on_applied):
                observer(what)

        return run

    def _heard(self, *_args: Any) -> None:
        self.model.heard()

    def _on_call(self, _topic: str, call: CallEvent, _retained: bool) -> None:
        self.model.heard()
        now = self._now()
        if isinstance(self.model, CounterModel):
            self.model.on_call(call, now)
            return
        lang = self.settings.announce_langs[0] if self.settings.announce_langs else "vi"
        verdict = self.model.on_call(call, now, lang=lang)
        if verdict is Verdict.ANNOUNCE:
            self.announcer.enqueued(call_info(call, lang))
        elif verdict is Verdict.STALE:
            logger.info("call %s arrived %s late: shown, not announced", call.number, now - call.called_at)

    def _on_state(self, _topic: str, state: CounterState, _retained: bool) -> None:
        self.model.heard()
        if isinstance(self.model, CounterModel):
            self.model.on_counter_state(state, self._now())

    def _on_summary(self, _topic: str, summary: QueueSummary, _retained: bool) -> None:
        self.model.heard()
        if isinstance(self.model, WaitingRoomModel):
            self.model.on_summary(summary)

    def on_start(self) -> None:
        """Connect, and tick the clock twice a second."""
        from motcua.runtime.sdnotify import ping_from_ui_loop

        self.link.start()
        Clock.schedule_interval(lambda _dt: self._tick(), 0.5)
        ping_from_ui_loop(Clock.schedule_interval)  # systemd Type=notify + WatchdogSec (firmware_configs)

    def _tick(self) -> None:
        """Twice a second: the clock, the highlight, and whether the site's server is silent."""
        now = self.local_now()
        self.model.check_silence(now)
        self.view.refresh_time(now)

    def on_stop(self) -> None:
        """Publish offline, disconnect, stop the render worker."""
        self.link.stop()
        if self.worker is not None:
            self.worker.shutdown()
