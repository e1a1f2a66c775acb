"""What a display says when a ticket is called, and in which order: pure, the clock passed in.

``announcement_segments`` turns a call into spoken segments from a template (each segment is a
phrase a voice pack can hold as one clip); ``AnnouncementQueue`` decides which calls are spoken:
every new call once, in order, never two at a time; a recall again; a duplicate (the same ``seq``
delivered twice, MQTT 3.1.1 §4.3.2 at-least-once) or an old call never; a stale call (older than
``stale_after`` when it arrives, e.g. after a reconnect) is shown but not spoken.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from kiosk_ui.core.numwords import Lang, Linh, NumberMode, number_to_words, ticket_words

DEFAULT_TEMPLATES: dict[str, str] = {
    "vi": "Mời công dân có số thứ tự {number} đến quầy số {counter}",
    "en": "Ticket number {number}, please go to counter {counter}",
}
TEMPLATE_FIELDS = frozenset({"number", "counter", "counter_name", "service_name"})

_COUNTER_NUMBER = re.compile(r"(\d+)\s*$")


@dataclass(frozen=True)
class CallInfo:
    """The part of a call event an announcement needs (decoupled from the wire model)."""

    seq: int
    number: str
    counter_id: str
    counter_name: str
    service_name: str
    recall_count: int
    called_at: datetime


@dataclass(frozen=True)
class SpeechOptions:
    """How numbers are read: digit by digit or whole, "linh" or "lẻ", spoken counter names."""

    mode: NumberMode = "digits"
    linh: Linh = "linh"
    counter_names: dict[str, str] = field(default_factory=dict)


def validate_template(template: str) -> str:
    """Return ``template`` if its fields are all known, else raise ValueError."""
    for _literal, name, _spec, _conv in string.Formatter().parse(template):
        if name is not None and name not in TEMPLATE_FIELDS:
            raise ValueError(f"unknown field {{{name}}} in announcement template; use {sorted(TEMPLATE_FIELDS)}")
    return template


def counter_words(call: CallInfo, *, lang: Lang, options: SpeechOptions) -> str:
    """Spoken counter: the configured name, else the trailing number of its name, else the name."""
    configured = options.counter_names.get(call.counter_id)
    if configured:
        return configured
    match = _COUNTER_NUMBER.search(call.counter_name) or _COUNTER_NUMBER.search(call.counter_id)
    if match is None:
        return call.counter_name
    value = int(match.group(1))
    return number_to_words(value, linh=options.linh) if lang == "vi" else str(value)


def _field_values(call: CallInfo, *, lang: Lang, options: SpeechOptions) -> dict[str, list[str]]:
    return {
        "number": ticket_words(call.number, mode=options.mode, lang=lang, linh=options.linh),
        "counter": [counter_words(call, lang=lang, options=options)],
        "counter_name": [call.counter_name],
        "service_name": [call.service_name],
    }


def announcement_segments(
    call: CallInfo, template: str, *, lang: Lang, options: SpeechOptions | None = None
) -> list[str]:
    """Spoken segments of a call, in order: literal phrases of the template and filled fields."""
    values = _field_values(call, lang=lang, options=options or SpeechOptions())
    segments: list[str] = []
    for literal, name, _spec, _conv in string.Formatter().parse(validate_template(template)):
        phrase = literal.strip(" ,.;:")
        if phrase:
            segments.append(phrase)
        if name is not None:
            segments += values[name]
    return [unicodedata.normalize("NFC", segment) for segment in segments if segment]


def announcement_text(call: CallInfo, template: str, *, lang: Lang, options: SpeechOptions | None = None) -> str:
    """The whole announcement as one sentence, punctuation kept (what a TTS engine is given)."""
    values = _field_values(call, lang=lang, options=options or SpeechOptions())
    text = validate_template(template).format(**{key: " ".join(words) for key, words in values.items()})
    return unicodedata.normalize("NFC", text)


class Verdict(Enum):
    """What the queue decided about an offered call."""

    ANNOUNCE = "announce"
    STALE = "stale"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Announcement:
    """One call waiting to be (or being) spoken."""

    call: CallInfo
    queued_at: datetime


@dataclass
class AnnouncementQueue:
    """Orders announcements: one at a time, first in first out, duplicates and stale calls dropped."""

    stale_after: timedelta = timedelta(seconds=60)
    max_pending: int = 50
    _pending: deque[Announcement] = field(default_factory=deque, init=False)
    _current: Announcement | None = field(default=None, init=False)
    _high: tuple[int, datetime] | None = field(default=None, init=False)

    def offer(self, call: CallInfo, now: datetime) -> Verdict:
        """Consider a received call; queue it for speech when it is new and fresh."""
        if self._high is not None:
            high_seq, high_at = self._high
            # A lower seq with an older-or-equal time is a redelivery or a replay; a lower seq with
            # a newer time means the server's sequence restarted: accept it rather than go mute.
            if call.seq <= high_seq and call.called_at <= high_at:
                return Verdict.DUPLICATE
            restarted = call.seq <= high_seq
            self._high = (call.seq, call.called_at if restarted else max(call.called_at, high_at))
        else:
            self._high = (call.seq, call.called_at)
        # A call from the future (a server clock ahead of ours) counts as fresh.
        if now - call.called_at > self.stale_after:
            return Verdict.STALE
        if len(self._pending) >= self.max_pending:
            self._pending.popleft()  # a flood: the oldest waiting announcement gives way
        self._pending.append(Announcement(call, now))
        return Verdict.ANNOUNCE

    def start_next(self) -> Announcement | None:
        """The next announcement to speak, or None while one is playing or none waits."""
        if self._current is not None or not self._pending:
            return None
        self._current = self._pending.popleft()
        return self._current

    def finish(self, announcement: Announcement) -> None:
        """The current announcement has finished playing (or failed)."""
        if self._current is announcement:
            self._current = None

    @property
    def current(self) -> Announcement | None:
        """The announcement being spoken, if any."""
        return self._current

    @property
    def pending(self) -> tuple[Announcement, ...]:
        """Announcements waiting their turn, oldest first."""
        return tuple(self._pending)
