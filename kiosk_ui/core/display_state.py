"""View-models of the displays: plain state updated by decoded wire payloads, no widgets, no I/O.

Each model keeps its own observer list; the Kivy view subscribes and redraws from the model.
The announcement decisions (speak, stale, duplicate) come from ``AnnouncementQueue``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk_ui.core.announce import AnnouncementQueue, CallInfo, Verdict
from motcua.contract.mqtt import CallEvent, CounterState, QueueSummary, ServiceWaiting

Observer = Callable[[], None]


@dataclass(frozen=True)
class ShownCall:
    """A call as the screen shows it."""

    number: str
    counter_id: str
    counter_name_vi: str
    counter_name_en: str
    called_at: datetime

    @property
    def key(self) -> tuple[str, str]:
        """A ticket at a counter appears once in a list, however often it is recalled."""
        return (self.number, self.counter_id)

    def counter_name(self, lang: str) -> str:
        """The counter's name in ``lang``."""
        return self.counter_name_en if lang == "en" and self.counter_name_en else self.counter_name_vi


def call_info(call: CallEvent, lang: str = "vi") -> CallInfo:
    """The announcement view of a wire call event."""
    return CallInfo(
        seq=call.seq,
        number=call.number,
        counter_id=call.counter_id,
        counter_name=call.counter_name_en if lang == "en" else call.counter_name_vi,
        service_name=call.service_name_en if lang == "en" else call.service_name_vi,
        recall_count=call.recall_count,
        called_at=call.called_at,
    )


def _shown(call: CallEvent) -> ShownCall:
    return ShownCall(call.number, call.counter_id, call.counter_name_vi, call.counter_name_en, call.called_at)


class _Observable:
    """Observers, and whether the display hears its site: the broker (``online``) and the server behind it.

    The queue server sends no heartbeat; what it does send is retained state (the queue summary, every
    counter's state), which the broker hands to a display as soon as it subscribes, and live calls. So a
    display that has been connected for ``silence`` without one message from its site's server is talking
    to a broker where that server never published: a wrong site id, or no server at all (``server_silent``).
    """

    def __init__(self, *, silence: timedelta = timedelta(seconds=60)) -> None:
        self._observers: list[Observer] = []
        self.online = False
        self.silence = silence
        self.connected_at: datetime | None = None
        self.heard_since_connect = False
        self.server_silent = False

    def observe(self, observer: Observer) -> None:
        """Call ``observer()`` after every change."""
        self._observers.append(observer)

    def _changed(self) -> None:
        for observer in list(self._observers):
            observer()

    def set_online(self, online: bool, now: datetime) -> None:
        """The broker connection came up or went down (at ``now``); the server's silence is timed anew."""
        if online != self.online:
            self.online = online
            self.connected_at = now if online else None
            self.heard_since_connect = False
            self.server_silent = False
            self._changed()

    def heard(self) -> None:
        """A valid message from the site's server arrived."""
        self.heard_since_connect = True
        if self.server_silent:
            self.server_silent = False
            self._changed()

    def check_silence(self, now: datetime) -> bool:
        """Whether the server has been silent since the connection came up ``silence`` ago (updates and
        notifies ``server_silent`` when that changes)."""
        silent = (
            self.online
            and not self.heard_since_connect
            and self.connected_at is not None
            and now - self.connected_at >= self.silence
        )
        if silent != self.server_silent:
            self.server_silent = silent
            self._changed()
        return silent


class WaitingRoomModel(_Observable):
    """What the waiting-room screen shows: the current call, recent calls, waiting counts."""

    def __init__(
        self,
        queue: AnnouncementQueue,
        *,
        recent_size: int = 8,
        highlight: timedelta = timedelta(seconds=8),
        silence: timedelta = timedelta(seconds=60),
    ) -> None:
        super().__init__(silence=silence)
        self.queue = queue
        self.recent_size = recent_size
        self.highlight = highlight
        self.current: ShownCall | None = None
        self.highlight_until: datetime | None = None
        self.recent: list[ShownCall] = []
        self.services: list[ServiceWaiting] = []
        self._summary_mark: tuple[int, datetime] | None = None
        self.last_verdict: Verdict | None = None

    def is_highlighted(self, now: datetime) -> bool:
        """True for a few seconds after a fresh call."""
        return self.highlight_until is not None and now < self.highlight_until

    def on_call(self, call: CallEvent, now: datetime, *, lang: str = "vi") -> Verdict:
        """A call event arrived: show it (unless a duplicate) and tell whether to speak it."""
        verdict = self.queue.offer(call_info(call, lang), now)
        self.last_verdict = verdict
        if verdict is Verdict.DUPLICATE:
            return verdict
        shown = _shown(call)
        if verdict is Verdict.ANNOUNCE:
            self._push(shown)
            self.highlight_until = now + self.highlight
        else:
            self._insert_old(shown)
        self._changed()
        return verdict

    def _push(self, shown: ShownCall) -> None:
        previous = self.current
        self.current = shown
        calls = [shown] + ([previous] if previous else []) + self.recent
        self._set_list(calls)

    def _insert_old(self, shown: ShownCall) -> None:
        """A stale call: placed by its time, not announced, highlighted never."""
        calls = ([self.current] if self.current else []) + self.recent + [shown]
        calls.sort(key=lambda item: item.called_at, reverse=True)
        self.current = calls[0]
        self._set_list(calls)

    def _set_list(self, calls: list[ShownCall]) -> None:
        seen: set[tuple[str, str]] = set()
        unique: list[ShownCall] = []
        for item in calls:
            if item.key not in seen:
                seen.add(item.key)
                unique.append(item)
        self.current = unique[0] if unique else None
        self.recent = unique[1 : 1 + self.recent_size]

    def on_summary(self, summary: QueueSummary) -> bool:
        """A (retained) queue summary arrived: waiting counts, and recent calls if we have none newer."""
        mark = (summary.seq, summary.updated_at)
        if self._summary_mark is not None:
            last_seq, last_at = self._summary_mark
            # Older by both measures: a late or replayed summary. (A restarted server's lower seq
            # comes with a newer time and is accepted.)
            if summary.seq < last_seq and summary.updated_at <= last_at:
                return False
        self._summary_mark = mark
        self.services = list(summary.services)
        known = ([self.current] if self.current else []) + self.recent
        from_summary = [
            ShownCall(item.number, item.counter_id, item.counter_name_vi, item.counter_name_en, item.called_at)
            for item in sorted(summary.recent_calls, key=lambda item: item.called_at, reverse=True)
        ]
        # After a reconnect the summary may be newer than what we showed: merge by call time.
        self._set_list(sorted(known + from_summary, key=lambda item: item.called_at, reverse=True))
        self._changed()
        return True


class CounterModel(_Observable):
    """What a counter's own screen shows: its name, the ticket it serves, paused or not."""

    def __init__(
        self,
        counter_id: str,
        *,
        highlight: timedelta = timedelta(seconds=5),
        silence: timedelta = timedelta(seconds=60),
    ) -> None:
        super().__init__(silence=silence)
        self.counter_id = counter_id
        self.highlight = highlight
        self.name_vi = counter_id
        self.name_en = counter_id
        self.status: str = "open"
        self.serving: str | None = None
        self.highlight_until: datetime | None = None
        self._mark: tuple[int, datetime] | None = None

    def name(self, lang: str) -> str:
        """The counter's name in ``lang``."""
        return self.name_en if lang == "en" and self.name_en else self.name_vi

    def is_highlighted(self, now: datetime) -> bool:
        """True for a few seconds after a new ticket was called here."""
        return self.highlight_until is not None and now < self.highlight_until

    def _newer(self, seq: int, at: datetime) -> bool:
        if self._mark is None:
            return True
        last_seq, last_at = self._mark
        return seq > last_seq or (seq < last_seq and at > last_at)

    def on_counter_state(self, state: CounterState, now: datetime) -> bool:
        """A (retained) state of this counter arrived."""
        if state.counter_id != self.counter_id:
            return False
        # The same seq again is the retained copy after a reconnect: applying it is harmless.
        if self._mark is not None and state.seq != self._mark[0] and not self._newer(state.seq, state.updated_at):
            return False
        number = state.serving.number if state.serving else None
        if number and number != self.serving and self._mark is not None:
            self.highlight_until = now + self.highlight
        self._mark = (state.seq, state.updated_at)
        self.name_vi, self.name_en = state.counter_name_vi, state.counter_name_en
        self.status, self.serving = state.status, number
        self._changed()
        return True

    def on_call(self, call: CallEvent, now: datetime) -> bool:
        """A call event: when it is this counter's and newer than its state, show the ticket."""
        if call.counter_id != self.counter_id or not self._newer(call.seq, call.called_at):
            return False
        self._mark = (call.seq, call.called_at)
        self.name_vi, self.name_en = call.counter_name_vi, call.counter_name_en
        if self.status == "closed":
            self.status = "open"
        self.serving = call.number
        self.highlight_until = now + self.highlight
        self._changed()
        return True
