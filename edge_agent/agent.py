"""The edge agent: heartbeat on every device; on the site server also the event pipeline.

Site server pipeline::

    queue server ──events (QoS 1)──▶ site broker ──▶ inbox (fsync, dedupe by source_seq) ──▶ PUBACK
    inbox ──processor (sentiment off the event loop, redaction)──▶ outbox (fsync, per-site seq)
    outbox ──Uplinker──▶ MQTT bridge or HTTPS ──▶ monitor ──ack──▶ delete from outbox

The events subscription uses a persistent MQTT session (fixed client id, clean_session=False), so
events published while the agent is down are queued by the site broker and delivered at restart. What
that session never saw (published before it first existed, or while the broker had lost it) the agent
reads from the queue server's log, ``GET /api/v1/events?after=last_source_seq``, at start, after every
reconnect and every ``replay_interval_s``; both paths go through the inbox, deduplicated by
``source_seq``, and an event is processed only once everything before it is in (``core/replay.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from edge_agent.core.replay import next_backoff, processable
from edge_agent.core.sentiment import rating_mismatch
from edge_agent.core.uplink import uplink_fields
from edge_agent.health import LastError, read_health, status_payload, will
from edge_agent.outbox import NewEvent, Outbox
from edge_agent.settings import AgentSettings
from edge_agent.uplink import HttpTransport, MqttTransport, Transport, Uplinker
from motcua.contract.mqtt import (
    DeviceStatus,
    EventEnvelope,
    decode_payload,
    encode_payload,
    topic_device_status,
    topic_device_statuses,
    topic_events,
)
from motcua.contract.uplink import EventPage
from motcua.mqttclient import MqttConnection

logger = logging.getLogger(__name__)

FEEDBACK = "feedback.submitted"


class ReplayRefused(Exception):
    """The queue server will not serve its event log to this agent (token, URL or version): stop asking."""


def device_status_filter(site: str) -> str:
    """``motcua/{site}/device/+/status``."""
    return topic_device_statuses(site)


class Agent:
    """One agent process; ``run()`` until ``stop()``."""

    def __init__(self, settings: AgentSettings, *, scorer: Any | None = None) -> None:
        self.settings = settings
        self.site = settings.site_id
        self.last_error = LastError()
        logging.getLogger().addHandler(self.last_error)
        self._stopping = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inbox_ready: asyncio.Event | None = None
        self._scorer = scorer
        self._device_states: dict[str, str] = {}
        self._seen: dict[str, int] = {}
        self._last_kpi: dict[str, Any] | None = None
        self._server_client: Any = None
        # Replay of the queue server's event log (asyncio side; the MQTT thread only sets the trigger).
        self.replaying = bool(settings.collects and settings.replay and settings.server_url and settings.server_token)
        self.verified_through = 0
        self.replayed_pages = 0
        self._replay_wanted: asyncio.Event | None = None
        self._gap_since: float | None = None
        self.outbox: Outbox | None = None
        self.uplinker: Uplinker | None = None
        self.transport: Transport | None = None
        self.status_conn = MqttConnection(
            settings.broker_url,
            client_id=f"motcua-agent-{self.site}-{settings.device_id}-status",
            will=will(self.site, settings.device_id, settings.role),
            on_connection=self._on_status_connection,
        )
        self.site_conn: MqttConnection | None = None
        if settings.collects:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            self.outbox = Outbox(
                settings.data_dir / "agent-outbox.db",
                self.site,
                limits=settings.outbox_limits(),
                on_overflow=self._on_overflow,
            )
            self.site_conn = MqttConnection(
                settings.broker_url,
                client_id=f"motcua-agent-{self.site}-events",
                clean_session=False,
            )
            self.site_conn.subscribe(topic_events(self.site), self._on_event, qos=1)
            self.site_conn.subscribe(device_status_filter(self.site), self._on_device_status, qos=1)
            self.site_conn.add_connection_listener(lambda up: self._want_replay() if up else None)
            if settings.uplink == "mqtt":
                self.transport = MqttTransport(self.site_conn, self.site, self.outbox)
            elif settings.uplink == "http":
                assert settings.monitor_url
                assert settings.site_token
                self.transport = HttpTransport(settings.monitor_url, settings.site_token)
            if self.transport is not None:
                self.uplinker = Uplinker(
                    self.outbox,
                    self.transport,
                    site=self.site,
                    batch_size=settings.batch_size,
                    ack_timeout=settings.ack_timeout_s,
                    retry_max=settings.retry_max_s,
                )
                if isinstance(self.transport, MqttTransport):
                    self.transport.on_link_up = self.uplinker.link_up
                    uplinker = self.uplinker
                    self.site_conn.add_connection_listener(lambda up: uplinker.link_up() if up else None)

    # MQTT callbacks (network threads)
    def _on_status_connection(self, connected: bool) -> None:
        if connected:
            self._publish_status()

    def _wake_processor(self) -> None:
        loop, ready = self._loop, self._inbox_ready
        if loop is not None and ready is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(ready.set)

    def _want_replay(self) -> None:
        """Ask for a read of the event log (from any thread)."""
        loop, wanted = self._loop, self._replay_wanted
        if loop is not None and wanted is not None:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wanted.set)

    def _on_event(self, topic: str, payload: bytes, retained: bool) -> None:
        """Store the site event durably before the PUBACK (paho acks after this returns)."""
        assert self.outbox is not None
        try:
            envelope = decode_payload(EventEnvelope, payload)
        except ValueError as exc:
            logger.warning("ignoring a malformed site event: %s", exc)
            return
        if envelope.site != self.site:
            return
        if self.outbox.receive(envelope):
            self._wake_processor()

    def _on_device_status(self, topic: str, payload: bytes, retained: bool) -> None:
        assert self.outbox is not None
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

    def _on_overflow(self, report: dict[str, Any]) -> None:
        logger.error(
            "uplink outbox over its limits: dropped %s business events and %s health samples (reported upward)",
            report.get("dropped_business"),
            report.get("dropped_health"),
        )

    def _notify_uplink(self) -> None:
        if self.uplinker is not None:
            self.uplinker.notify()

    # heartbeat
    def _publish_status(self) -> None:
        details = read_health(
            data_dir=self.settings.data_dir,
            thermal_dir=self.settings.thermal_dir,
            printer_status_file=self.settings.printer_status_file,
            role=self.settings.role,
            last_error=self.last_error,
        )
        if self.outbox is not None:
            stats = self.outbox.stats()
            details["outbox_events"] = stats.events
            details["outbox_bytes"] = stats.bytes
        status = status_payload(self.settings.device_id, self.settings.role, "online", details)
        self.status_conn.publish(
            topic_device_status(self.site, self.settings.device_id), encode_payload(status), qos=1, retain=True
        )

    # processing (asyncio; scoring in a worker thread)
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

    def _today(self, now: datetime) -> str:
        return now.astimezone(ZoneInfo(self.settings.timezone)).date().isoformat()

    async def _process(self, envelope: EventEnvelope) -> None:
        assert self.outbox is not None
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
        day = str(envelope.data.get("day") or self._today(envelope.at))
        await asyncio.to_thread(self.outbox.process, envelope, event, day=day)
        self._notify_uplink()
        if sentiment is not None and envelope.data.get("feedback_id"):
            await self._post_sentiment(str(envelope.data["feedback_id"]), sentiment)

    async def _processor(self) -> None:
        assert self.outbox is not None
        assert self._inbox_ready is not None
        while not self._stopping.is_set():
            batch = await asyncio.to_thread(self.outbox.inbox, 200)
            ready = len(batch)
            if batch and self.replaying:
                last = await asyncio.to_thread(self.outbox.last_source_seq)
                ready = self._ready_count(batch, last)
            if not ready:
                self._inbox_ready.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._inbox_ready.wait(), timeout=1.0)
                continue
            for envelope in batch[:ready]:
                await self._process(envelope)

    def _ready_count(self, batch: list[EventEnvelope], last: int) -> int:
        """How many inbox events to process now; on a gap, ask the replay for what is missing."""
        ready = processable([e.seq for e in batch], last, self.verified_through)
        if ready:
            self._gap_since = None
            return ready
        self._want_replay()
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

    # replay of the queue server's event log
    async def _replay_once(self, client: Any) -> int:
        """Read the log from what is already here to its end into the inbox; returns how many were new."""
        import httpx

        assert self.outbox is not None
        new = 0
        after = max(await asyncio.to_thread(self.outbox.last_source_seq), self.verified_through)
        while not self._stopping.is_set():
            try:
                params = {"after": after, "limit": self.settings.replay_page}
                response = await client.get("/api/v1/events", params=params)
            except httpx.HTTPError as exc:
                raise ConnectionError(f"queue server unreachable: {exc.__class__.__name__}") from None
            if response.status_code in (401, 403, 404):
                raise ReplayRefused(f"the queue server answered {response.status_code}: {response.text[:200]}")
            if response.status_code != 200:
                raise ConnectionError(f"the queue server answered {response.status_code}")
            page = decode_payload(EventPage, response.content)
            if page.site != self.site:
                raise ReplayRefused(f"the queue server at that URL is site {page.site!r}, not {self.site!r}")
            if page.events:
                new += await asyncio.to_thread(self.outbox.receive_many, page.events)
            # Every log event up to next_after is now processed or in the inbox (the log has no late holes).
            self.verified_through = max(self.verified_through, page.next_after)
            self.replayed_pages += 1
            self._wake_processor()
            if not page.events or page.next_after >= page.last_seq:
                return new
            after = page.next_after
        return new

    async def _replayer(self) -> None:
        """Replay at start, when asked (reconnect, gap) and every ``replay_interval_s``; retry with a backoff."""
        import httpx

        assert self._replay_wanted is not None
        base = str(self.settings.server_url).rstrip("/")
        headers = {"Authorization": f"Bearer {self.settings.server_token}"}
        backoff = 0.0
        warned = False
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10.0) as client:
            while not self._stopping.is_set() and self.replaying:
                try:
                    new = await self._replay_once(client)
                except ReplayRefused as exc:
                    logger.error("replay of the site's event log is off: %s", exc)
                    self.replaying = False
                    self._wake_processor()
                    return
                except (ConnectionError, ValueError) as exc:
                    if not warned:
                        logger.warning("could not read the site's event log (%s); retrying", exc)
                        warned = True
                    backoff = next_backoff(backoff)
                    await asyncio.sleep(backoff)
                    continue
                if warned:
                    logger.info("reading the site's event log again")
                    warned = False
                backoff = 0.0
                if new:
                    logger.info("replayed %d site event(s) the MQTT session had not delivered", new)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._replay_wanted.wait(), timeout=self.settings.replay_interval_s)
                self._replay_wanted.clear()

    def kpi_snapshot(self, now: datetime) -> dict[str, Any] | None:
        """Today's KPIs from the ticket events seen (``compute_kpis`` of the queue server)."""
        assert self.outbox is not None
        from queue_server.core.events import DomainEvent
        from queue_server.core.kpis import compute_kpis

        day = self._today(now)
        rows = self.outbox.day_events(day)
        if not rows:
            return None
        kpis = compute_kpis([DomainEvent(t, at, data) for t, at, data in rows], now)
        return {"day": day, **kpis}

    async def _kpis(self) -> None:
        while not self._stopping.is_set():
            await asyncio.sleep(self.settings.kpi_interval_s)
            assert self.outbox is not None
            now = datetime.now(UTC)
            snapshot = await asyncio.to_thread(self.kpi_snapshot, now)
            if snapshot is not None:
                comparable = {k: v for k, v in snapshot.items() if k != "longest_open_wait_min"}
                if comparable != self._last_kpi:
                    self._last_kpi = comparable
                    await asyncio.to_thread(self.outbox.append, NewEvent("business", "kpi.snapshot", now, snapshot))
                    self._notify_uplink()
            await asyncio.to_thread(self.outbox.prune_days, self._today(now))

    async def _heartbeat(self) -> None:
        while not self._stopping.is_set():
            await asyncio.sleep(self.settings.heartbeat_s)
            if self.status_conn.connected:
                await asyncio.to_thread(self._publish_status)

    async def run_async(self) -> None:
        """Run until ``stop()``."""
        self._loop = asyncio.get_running_loop()
        self._inbox_ready = asyncio.Event()
        self._replay_wanted = asyncio.Event()
        self.status_conn.start()
        tasks = [asyncio.create_task(self._heartbeat())]
        if self.site_conn is not None:
            self.site_conn.start()
            tasks.append(asyncio.create_task(self._processor()))
            tasks.append(asyncio.create_task(self._kpis()))
            if self.replaying:
                tasks.append(asyncio.create_task(self._replayer()))
        if self.uplinker is not None:
            self.uplinker.start()
        try:
            while not self._stopping.is_set():
                await asyncio.sleep(0.2)
                for task in tasks:
                    if task.done() and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._shutdown()

    def run(self) -> None:
        """Run until ``stop()`` (blocking)."""
        asyncio.run(self.run_async())

    def stop(self) -> None:
        """Ask ``run`` to return."""
        self._stopping.set()

    def _shutdown(self) -> None:
        if self.uplinker is not None:
            self.uplinker.stop()
        if self.site_conn is not None:
            self.site_conn.stop()
        offline = status_payload(self.settings.device_id, self.settings.role, "offline", {"reason": "stopped"})
        if self.status_conn.connected:
            info = self.status_conn.publish(
                topic_device_status(self.site, self.settings.device_id), encode_payload(offline), qos=1, retain=True
            )
            with contextlib.suppress(Exception):
                info.wait_for_publish(2.0)
        self.status_conn.stop()
        if self.transport is not None:
            self.transport.close()
        if self.outbox is not None:
            self.outbox.close()
        logging.getLogger().removeHandler(self.last_error)
