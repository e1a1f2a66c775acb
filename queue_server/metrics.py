"""The site server's Prometheus metrics: ``install_metrics(app, service, publisher)`` (docs/metrics.md).

Request rates and latencies come from the shared middleware (per route template). Everything else is read
at scrape time, on the WAL reader connection (a scrape never waits for the writer): queue length and oldest
wait per service, counters by state, the event counts (tickets issued, calls, …) taken from the append-only
event log (so they survive restarts and need no hook in the use cases), the MQTT connection and the devices'
last heartbeats. Device status messages seen on MQTT are counted as they arrive.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import Metric

from motcua.contract import events as ev
from motcua.runtime.metrics import ScrapeCollector, counter_family, gauge_family, instrument_app
from queue_server.service import QueueService

__all__ = ["ServerCollector", "install_metrics"]

CALL_TYPES = (ev.TICKET_CALLED, ev.TICKET_RECALLED)


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class ServerCollector:
    """Computes the server's gauges and event counters from its database at scrape time."""

    def __init__(self, service: QueueService, publisher: Any | None = None) -> None:
        self.service = service
        self.publisher = publisher
        self._lock = threading.Lock()
        self._last_seq = 0
        # (event type, service code or "") -> events seen in the log so far
        self._counts: dict[tuple[str, str], int] = {}

    def _count_new_events(self) -> int:
        """Add the events appended since the last scrape to the counts (the whole log at the first one)."""
        with self._lock:
            rows = self.service.db.read(
                "SELECT type, COALESCE(json_extract(data, '$.service'), '') AS service, COUNT(*) AS n,"
                " MAX(seq) AS last FROM events WHERE seq > ? GROUP BY type, service",
                (self._last_seq,),
            )
            for row in rows:
                key = (str(row["type"]), str(row["service"]))
                self._counts[key] = self._counts.get(key, 0) + int(row["n"])  # type: ignore[call-overload]
                self._last_seq = max(self._last_seq, int(row["last"]))  # type: ignore[call-overload]
            return self._last_seq

    def collect(self) -> Iterator[Metric]:
        db = self.service.db
        now = self.service.clock()
        services = [str(r["code"]) for r in db.read("SELECT code FROM services WHERE active = 1 ORDER BY position")]
        waiting = gauge_family("motcua_queue_waiting", "Tickets waiting, per service.", ["service"])
        oldest = gauge_family(
            "motcua_queue_oldest_wait_seconds",
            "How long the longest-waiting ticket has waited, per service.",
            ["service"],
        )
        per_service: dict[str, list[datetime]] = {code: [] for code in services}
        for row in db.read("SELECT service, queued_at FROM tickets WHERE status = 'waiting'"):
            queued = _parse(row["queued_at"])
            if queued is not None:
                per_service.setdefault(str(row["service"]), []).append(queued)
        for code, queued_times in per_service.items():
            waiting.add_metric([code], len(queued_times))
            age = (now - min(queued_times)).total_seconds() if queued_times else 0.0
            oldest.add_metric([code], max(age, 0.0))  # a clock stepped back must not show a negative wait
        yield waiting
        yield oldest

        counters = gauge_family("motcua_counters", "Counters per state (open, paused, closed).", ["state"])
        states = {"open": 0, "paused": 0, "closed": 0}
        for row in db.read("SELECT status, COUNT(*) AS n FROM counters GROUP BY status"):
            states[str(row["status"])] = int(row["n"])  # type: ignore[call-overload]
        for state, n in sorted(states.items()):
            counters.add_metric([state], n)
        yield counters

        last_seq = self._count_new_events()
        issued = counter_family("motcua_tickets_issued", "Tickets issued, per service.", ["service"])
        calls = counter_family(
            "motcua_calls", "Calls to a counter (first calls and recalls), per service.", ["service", "kind"]
        )
        events = counter_family("motcua_events", "Events appended to the site's event log, per type.", ["type"])
        by_type: dict[str, int] = {}
        issued_by: dict[str, int] = dict.fromkeys(services, 0)
        with self._lock:
            counts = dict(self._counts)
        for (event_type, code), n in counts.items():
            by_type[event_type] = by_type.get(event_type, 0) + n
            if event_type == ev.TICKET_ISSUED:
                issued_by[code] = issued_by.get(code, 0) + n
        for code, n in sorted(issued_by.items()):
            issued.add_metric([code], n)
        for code in sorted({c for (_t, c) in counts} | set(services)):
            for kind, event_type in (("call", ev.TICKET_CALLED), ("recall", ev.TICKET_RECALLED)):
                calls.add_metric([code, kind], counts.get((event_type, code), 0))
        for event_type, n in sorted(by_type.items()):
            events.add_metric([event_type], n)
        yield issued
        yield calls
        yield events
        seq = gauge_family("motcua_events_last_seq", "Sequence number of the newest event in the log.")
        seq.add_metric([], last_seq)
        yield seq

        mqtt = gauge_family(
            "motcua_mqtt_connected", "1 while the server holds its MQTT broker connection (0: down or none)."
        )
        configured = gauge_family("motcua_mqtt_configured", "1 when the server runs with an MQTT broker.")
        connection = getattr(self.publisher, "connection", None)
        mqtt.add_metric([], 1 if connection is not None and connection.connected else 0)
        configured.add_metric([], 1 if connection is not None else 0)
        yield mqtt
        yield configured

        seen = gauge_family(
            "motcua_device_last_seen_seconds",
            "Seconds since each enrolled device's last status heartbeat.",
            ["device", "role"],
        )
        for row in db.read("SELECT id, role, last_seen_at FROM devices WHERE status = 'enrolled'"):
            last = _parse(row["last_seen_at"])
            if last is not None:
                seen.add_metric([str(row["id"]), str(row["role"])], max((now - last).total_seconds(), 0.0))
        yield seen


def install_metrics(app: Any, service: QueueService, publisher: Any | None = None) -> CollectorRegistry:
    """Request metrics on every route, ``GET /metrics``, and the server's scrape-time collector."""
    registry = CollectorRegistry()
    instrument_app(app, registry, prefix="motcua_server")
    collector = ServerCollector(service, publisher)
    registry.register(ScrapeCollector(collector.collect))
    connection = getattr(publisher, "connection", None)
    if connection is not None:
        from motcua.contract.mqtt import topic_device_statuses

        heartbeats = Counter(
            "motcua_device_heartbeats", "Device status messages (heartbeats) seen on MQTT.", registry=registry
        )
        connection.subscribe(topic_device_statuses(service.site_id), lambda _t, _p, _r: heartbeats.inc())
    return registry
