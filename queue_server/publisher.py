"""Publish the event log on MQTT, in order, at least once — also after the broker was down.

A background thread follows the event log from a persisted cursor. For each event it publishes
the envelope (and a call event for calls and recalls) with QoS 1 and waits for the broker's
PUBACK before moving on, then refreshes the retained counter states and queue summary. While the
broker is unreachable the cursor stays put; when it is back the backlog goes out in order.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from motcua.contract import events as ev
from motcua.contract import mqtt as contract
from motcua.contract.events import DomainEvent
from motcua.runtime.mqtt import MqttConnection
from queue_server.service import QueueService
from queue_server.store import repo

logger = logging.getLogger(__name__)

CURSOR_KEY = "mqtt_published_seq"
PUBACK_TIMEOUT_S = 5.0
BATCH = 200


class EventPublisher:
    """Follows the event log and publishes it; one instance per server process."""

    def __init__(self, service: QueueService, connection: MqttConnection, *, recent_calls: int = 8) -> None:
        self.service = service
        self.connection = connection
        self.recent_calls = recent_calls
        self._wake = threading.Condition()
        self._pending = True
        self._stop = False
        self._resync = True
        self._thread = threading.Thread(target=self._run, name="mqtt-publisher", daemon=True)
        self.published_seq = self._load_cursor()

    # lifecycle
    def start(self) -> None:
        """Start the publishing thread."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (events not yet published stay in the log)."""
        with self._wake:
            self._stop = True
            self._wake.notify_all()
        self._thread.join(timeout)

    def notify(self, seq: int) -> None:
        """Called after a commit: new events up to ``seq`` exist."""
        with self._wake:
            self._pending = True
            self._wake.notify_all()

    def on_connection(self, connected: bool) -> None:
        """After a reconnect, re-publish the retained state and any backlog."""
        if connected:
            with self._wake:
                self._resync = True
                self._pending = True
                self._wake.notify_all()

    # internals
    def _load_cursor(self) -> int:
        with self.service.db.transaction() as conn:
            value = repo.get_meta(conn, CURSOR_KEY)
        return int(value) if value else 0

    def _save_cursor(self, seq: int) -> None:
        with self.service.db.transaction() as conn:
            repo.set_meta(conn, CURSOR_KEY, str(seq))
        self.published_seq = seq

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._stop:
                    self._wake.wait(timeout=2.0)
                    if not self._pending and self.connection.connected and self._has_backlog():
                        self._pending = True
                if self._stop:
                    return
                self._pending = False
            try:
                self._drain()
            except Exception:
                logger.exception("publishing the event log failed; will retry")
                with self._wake:
                    self._pending = True
                    self._wake.wait(timeout=1.0)

    def _has_backlog(self) -> bool:
        with self.service.db.transaction() as conn:
            return repo.last_event_seq(conn) > self.published_seq

    def _drain(self) -> None:
        if not self.connection.connected:
            return
        changed_counters: set[str] = set()
        any_published = False
        while True:
            with self.service.db.transaction() as conn:
                batch = repo.load_events_after(conn, self.published_seq, BATCH)
            if not batch:
                break
            for seq, event in batch:
                if not self._publish_event(seq, event):
                    self._save_cursor(self.published_seq)
                    with self._wake:
                        self._pending = True
                    return
                self.published_seq = seq
                any_published = True
                counter_id = event.data.get("counter_id")
                if counter_id:
                    changed_counters.add(str(counter_id))
            self._save_cursor(self.published_seq)
        if self._resync:
            changed_counters = {c.id for c, _ in self.service.counters()}
        if (any_published or self._resync) and self._publish_state(changed_counters):
            self._resync = False

    def _send(self, topic: str, payload: bytes, *, retain: bool = False) -> bool:
        info = self.connection.publish(topic, payload, qos=1, retain=retain)
        try:
            info.wait_for_publish(PUBACK_TIMEOUT_S)
        except (RuntimeError, ValueError):
            return False
        return info.is_published()

    def _publish_event(self, seq: int, event: DomainEvent) -> bool:
        site = self.service.site_id
        if event.type in ev.CALL_EVENTS:
            call = self._call_event(seq, event)
            if call is not None and not self._send(contract.topic_call(site), contract.encode_payload(call)):
                return False
        envelope = contract.EventEnvelope(site=site, seq=seq, type=event.type, at=event.at, data=event.data)
        return self._send(contract.topic_events(site), contract.encode_payload(envelope))

    def _call_event(self, seq: int, event: DomainEvent) -> contract.CallEvent | None:
        call = event.payload()
        if not isinstance(call, ev.TicketCalled):
            return None
        services = {s.code: s for s in self.service.services()}
        counters = {c.id: c for c, _ in self.service.counters()}
        service = services.get(call.service)
        counter = counters.get(call.counter_id or "")
        if service is None or counter is None:
            return None
        return contract.CallEvent(
            site=self.service.site_id,
            seq=seq,
            ticket_id=call.ticket_id,
            number=call.number,
            service=service.code,
            service_name_vi=service.name_vi,
            service_name_en=service.name_en,
            counter_id=counter.id,
            counter_name_vi=counter.name_vi,
            counter_name_en=counter.name_en,
            priority=call.priority,
            recall_count=call.recall_count,
            called_at=event.at,
        )

    def _publish_state(self, counter_ids: set[str]) -> bool:
        site = self.service.site_id
        now = self.service.clock()
        seq = self.published_seq
        ok = True
        for counter, current in self.service.counters():
            if counter.id not in counter_ids:
                continue
            serving = None
            if current is not None and current.called_at is not None:
                serving = contract.ServingTicket(
                    ticket_id=current.id,
                    number=current.number,
                    service=current.service,
                    status="serving" if current.status.value == "serving" else "called",
                    priority=current.priority,
                    called_at=current.called_at,
                )
            state = contract.CounterState(
                site=site,
                seq=seq,
                counter_id=counter.id,
                counter_name_vi=counter.name_vi,
                counter_name_en=counter.name_en,
                status=counter.status.value,
                serving=serving,
                updated_at=now,
            )
            ok = (
                self._send(contract.topic_counter_state(site, counter.id), contract.encode_payload(state), retain=True)
                and ok
            )
        summary = self.summary(now, seq)
        return self._send(contract.topic_queue_summary(site), contract.encode_payload(summary), retain=True) and ok

    def summary(self, now: datetime, seq: int) -> contract.QueueSummary:
        """The retained queue summary: waiting per service and the last calls."""
        queue: list[dict[str, Any]] = self.service.queue()
        counters = {c.id: c for c, _ in self.service.counters()}
        with self.service.db.transaction() as conn:
            calls = repo.load_recent_calls(conn, self.service.today(now), self.recent_calls)
        recent = []
        for _seq, event in calls:
            counter = counters.get(str(event.data.get("counter_id")))
            if counter is None:
                continue
            recent.append(
                contract.RecentCall(
                    number=str(event.data.get("number")),
                    counter_id=counter.id,
                    counter_name_vi=counter.name_vi,
                    counter_name_en=counter.name_en,
                    called_at=event.at,
                )
            )
        services = [
            contract.ServiceWaiting(
                code=q["code"],
                letter=q["letter"],
                name_vi=q["name_vi"],
                name_en=q["name_en"],
                waiting=q["waiting"],
                priority_waiting=q["priority_waiting"],
                estimated_wait_min=q["estimated_wait_min"] or 0.0,
            )
            for q in queue
        ]
        return contract.QueueSummary(
            site=self.service.site_id, seq=seq, updated_at=now, services=services, recent_calls=recent
        )
