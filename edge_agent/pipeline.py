"""The site server's event pipeline: site events and device statuses in, scored and redacted events out.

::

    site broker ──on_event──▶ inbox (fsync, dedupe by source_seq) ──▶ PUBACK
    inbox ──run(): sentiment off the event loop, redaction──▶ outbox (fsync, per-site seq) ──▶ uplink

What of a site event goes up is decided in one place, ``edge_agent/core/uplink.py`` (``uplink_fields``:
a whitelist of fields per event type, free text redacted); this module only adds the comment's sentiment
to a feedback event and posts it back to the queue server. While the site's event log is being replayed
(``replay.py``), an event is processed only once everything before it is in (``core/replay.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from edge_agent.core.replay import processable
from edge_agent.core.sentiment import rating_mismatch
from edge_agent.core.uplink import uplink_fields
from edge_agent.outbox import NewEvent, Outbox
from edge_agent.replay import EventLogReplayer
from edge_agent.settings import AgentSettings
from motcua.contract.events import FEEDBACK_SUBMITTED
from motcua.contract.mqtt import DeviceStatus, EventEnvelope, decode_payload

__all__ = ["FEEDBACK", "Pipeline", "service_day"]

logger = logging.getLogger(__name__)

FEEDBACK = FEEDBACK_SUBMITTED


def service_day(now: datetime, timezone: str) -> str:
    """The ISO date of ``now`` in the site's time zone."""
    return now.astimezone(ZoneInfo(timezone)).date().isoformat()


class Pipeline:
    """Intake (MQTT callbacks, network threads) and processing (``run()``, asyncio; scoring in a worker thread)."""

    def __init__(
        self,
        settings: AgentSettings,
        outbox: Outbox,
        *,
        stopping: threading.Event,
        notify_uplink: Callable[[], None],
        scorer: Any | None = None,
    ) -> None:
        self.settings = settings
        self.site = settings.site_id
        self.outbox = outbox
        self._stopping = stopping
        self._notify_uplink = notify_uplink
        self._scorer = scorer
        # Set when the site's event log is replayed: processing then waits for gaps to be filled.
        self.replayer: EventLogReplayer | None = None
        self._device_states: dict[str, str] = {}
        self._seen: dict[str, int] = {}
        self._gap_since: float | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inbox_ready: asyncio.Event | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind to the agent's event loop (before the MQTT connections start)."""
        self._loop = loop
        self._inbox_ready = asyncio.Event()

    def wake(self) -> None:
        """Tell the processor the inbox has something (from any thread)."""
        loop, ready = self._loop, self._inbox_ready
        if loop is not None and ready is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(ready.set)

    # intake (MQTT callbacks, network threads)
    def on_event(self, topic: str, payload: bytes, retained: bool) -> None:
        """Store the site event durably before the PUBACK (paho acks after this returns)."""
        try:
            envelope = decode_payload(EventEnvelope, payload)
        except ValueError as exc:
            logger.warning("ignoring a malformed site event: %s", exc)
            return
        if envelope.site != self.site:
            return
        if self.outbox.receive(envelope):
            self.wake()

    def on_device_status(self, topic: str, payload: bytes, retained: bool) -> None:
        """A device's status: a change goes up as ``device.status``, every Nth heartbeat as ``device.health``."""
        try:
            status = decode_payload(DeviceStatus, payload)
        except ValueError as exc:
            logger.warning("ignoring a malformed device status: %s", exc)
            return
        previous = self._device_states.get(status.device_id)
        self._device_states[status.device_id] = status.state
        changed = previous != status.state
        if not changed:
            count = self._heartbeats_of(status.device_id)
            if count % self.settings.health_uplink_every != 0:
                return
        data = {
            "device_id": status.device_id,
            "role": status.role,
            "state": status.state,
            "version": status.version,
            "details": status.details,
        }
        kind, event_type = ("business", "device.status") if changed else ("health", "device.health")
        self.outbox.append(NewEvent(kind, event_type, status.at or datetime.now(UTC), data))
        self._notify_uplink()

    def _heartbeats_of(self, device_id: str) -> int:
        self._seen[device_id] = self._seen.get(device_id, 0) + 1
        return self._seen[device_id]

    # sentiment of feedback comments
    def _get_scorer(self) -> Any:
        if self._scorer is None:
            from edge_agent.sentiment.scorer import SentimentScorer

            self._scorer = SentimentScorer(self.settings.sentiment_model)
        return self._scorer

    async def _sentiment(self, data: dict[str, Any]) -> dict[str, Any] | None:
        comment = data.get("comment")
        if not isinstance(comment, str) or not comment.strip():
            return None
        scorer = self._get_scorer()
        result = await scorer.score_async(comment)
        sentiment: dict[str, Any] = result.as_dict()
        try:
            sentiment["rating_mismatch"] = rating_mismatch(str(data.get("rating", "")), result)
        except ValueError:
            sentiment["rating_mismatch"] = None
        sentiment["model_version"] = getattr(scorer, "model_version", "unknown")
        return sentiment

    async def _post_sentiment(self, feedback_id: str, sentiment: dict[str, Any]) -> None:
        if not self.settings.server_url or not self.settings.server_token:
            return
        import httpx

        body = {k: sentiment[k] for k in ("label", "score", "probabilities", "topics", "rating_mismatch")}
        url = f"{self.settings.server_url.rstrip('/')}/api/v1/feedback/{feedback_id}/sentiment"
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.post(
                    url, json=body, headers={"Authorization": f"Bearer {self.settings.server_token}"}
                )
            if response.status_code >= 400:
                logger.warning("queue server refused the sentiment of a feedback: %s", response.status_code)
        except httpx.HTTPError as exc:
            logger.warning("could not post sentiment to the queue server: %s", exc.__class__.__name__)

    # processing (asyncio)
    async def _process(self, envelope: EventEnvelope) -> None:
        kind, data = uplink_fields(envelope.type, envelope.data)
        sentiment = None
        if envelope.type == FEEDBACK:
            try:
                sentiment = await self._sentiment(envelope.data)
            except Exception:
                logger.exception("scoring a feedback comment failed; sending it unscored")
            if sentiment is not None:
                data["sentiment"] = sentiment
        event = NewEvent(kind, envelope.type, envelope.at, data, source_seq=envelope.seq)
        day = str(envelope.data.get("day") or service_day(envelope.at, self.settings.timezone))
        await asyncio.to_thread(self.outbox.process, envelope, event, day=day)
        self._notify_uplink()
        if sentiment is not None and envelope.data.get("feedback_id"):
            await self._post_sentiment(str(envelope.data["feedback_id"]), sentiment)

    async def run(self) -> None:
        """Process the inbox in order until the agent stops."""
        assert self._inbox_ready is not None, "attach() first"
        while not self._stopping.is_set():
            batch = await asyncio.to_thread(self.outbox.inbox, 200)
            ready = len(batch)
            if batch and self.replayer is not None and self.replayer.active:
                last = await asyncio.to_thread(self.outbox.last_source_seq)
                ready = self._ready_count(batch, last, self.replayer)
            if not ready:
                self._inbox_ready.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._inbox_ready.wait(), timeout=1.0)
                continue
            for envelope in batch[:ready]:
                await self._process(envelope)

    def _ready_count(self, batch: list[EventEnvelope], last: int, replayer: EventLogReplayer) -> int:
        """How many inbox events to process now; on a gap, ask the replay for what is missing."""
        ready = processable([e.seq for e in batch], last, replayer.verified_through)
        if ready:
            self._gap_since = None
            return ready
        replayer.want()
        now = time.monotonic()
        if self._gap_since is None:
            self._gap_since = now
        elif now - self._gap_since > self.settings.replay_gap_wait_s:
            logger.warning(
                "site events %d..%d never came (queue server unreachable?); going on without them",
                last + 1,
                batch[0].seq - 1,
            )
            self._gap_since = None
            return 1
        return 0
