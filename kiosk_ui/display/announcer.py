"""Glue between the announcement queue (pure), the render worker (thread) and the player (Kivy thread)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kivy.clock import Clock

from kiosk_ui.core.announce import Announcement, AnnouncementQueue, CallInfo
from kiosk_ui.speech.render import RenderedAnnouncement, RenderWorker

logger = logging.getLogger(__name__)


class Player(Protocol):
    """Something that plays a WAV and says when it is done."""

    def play(self, path: Path, seconds: float, done: Callable[[], None]) -> None: ...


@dataclass
class Spoken:
    """What happened to one announcement (kept for the status details and tests)."""

    seq: int
    number: str
    queued: float
    text: str = ""
    engine: str = ""
    ready: float | None = None
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    render_ms: float | None = field(default=None)


class Announcer:
    """Speaks what the queue releases: render ahead in the background, play strictly one at a time."""

    def __init__(self, queue: AnnouncementQueue, worker: RenderWorker | None, player: Player) -> None:
        self.queue = queue
        self.worker = worker
        self.player = player
        self.history: list[Spoken] = []
        self._renders: dict[int, RenderedAnnouncement | Exception] = {}
        self._entries: dict[int, Spoken] = {}

    def enqueued(self, call: CallInfo) -> None:
        """The queue accepted ``call`` (main thread): start rendering it now, play when its turn comes."""
        entry = Spoken(call.seq, call.number, time.perf_counter())
        self.history.append(entry)
        del self.history[:-200]
        self._entries[call.seq] = entry
        if self.worker is None:
            self._renders[call.seq] = RuntimeError("speech disabled")
        else:
            seq = call.seq

            def rendered(future: Future[RenderedAnnouncement]) -> None:
                self._rendered(seq, future)

            self.worker.submit(call, rendered)
        self._kick()

    def _rendered(self, seq: int, future: Future[RenderedAnnouncement]) -> None:
        # Worker thread: hand the result to the Kivy thread.
        try:
            result: RenderedAnnouncement | Exception = future.result()
        except Exception as exc:  # a failed render must not block the calls behind it
            logger.exception("rendering announcement %s failed", seq)
            result = exc
        Clock.schedule_once(lambda _dt: self._store(seq, result), 0)

    def _store(self, seq: int, result: RenderedAnnouncement | Exception) -> None:
        entry = self._entries.get(seq)
        if entry is None:  # dropped meanwhile
            if isinstance(result, RenderedAnnouncement):
                result.path.unlink(missing_ok=True)
            return
        self._renders[seq] = result
        if entry is not None:
            entry.ready = time.perf_counter()
            if isinstance(result, RenderedAnnouncement):
                entry.text, entry.engine, entry.render_ms = result.text, result.engine, result.render_seconds * 1000
            else:
                entry.error = str(result)
        self._kick()

    def _kick(self) -> None:
        current = self.queue.current or self.queue.start_next()
        if current is None:
            return
        seq = current.call.seq
        entry = self._entries.get(seq)
        if entry is not None and entry.started is not None:
            return  # playing
        result = self._renders.get(seq)
        if result is None:
            return  # still rendering: _store kicks again
        if isinstance(result, Exception):
            self._done(current)
            return
        if entry is not None:
            entry.started = time.perf_counter()
        self.player.play(result.path, result.seconds, lambda: self._done(current))

    def _done(self, announcement: Announcement) -> None:
        seq = announcement.call.seq
        entry = self._entries.pop(seq, None)
        if entry is not None:
            entry.finished = time.perf_counter()
        result = self._renders.pop(seq, None)
        if isinstance(result, RenderedAnnouncement):
            result.path.unlink(missing_ok=True)
        self.queue.finish(announcement)
        # Announcements the queue dropped in a flood are forgotten here too.
        alive = {item.call.seq for item in self.queue.pending}
        for stale in [key for key in self._entries if key not in alive]:
            self._entries.pop(stale, None)
            self._renders.pop(stale, None)
        self._kick()
