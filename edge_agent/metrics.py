"""The edge agent's Prometheus metrics, served on 127.0.0.1 (the agent has no web app): docs/metrics.md.

``serve_metrics(agent, port)`` starts ``prometheus_client``'s own HTTP server in a daemon thread, bound to
loopback only (a node exporter or a local Prometheus scrapes it; nothing on the LAN can). Every sample is
read at scrape time from the agent's outbox, uplinker and MQTT connections.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric

from motcua.runtime.metrics import ScrapeCollector, counter_family, gauge_family, serve_registry

__all__ = ["AgentCollector", "agent_registry", "serve_metrics"]


class AgentCollector:
    """Outbox depth and age, inbox depth, uplink progress and MQTT state of one agent."""

    def __init__(self, agent: Any) -> None:
        self.agent = agent
        self._lock = threading.Lock()
        self._last_sent_at: float | None = None
        self._events_sent = 0
        uplinker = getattr(agent, "uplinker", None)
        if uplinker is not None and uplinker.on_sent is None:
            uplinker.on_sent = self._on_sent

    def _on_sent(self, events: int) -> None:
        with self._lock:
            self._events_sent += events
            self._last_sent_at = time.time()

    def collect(self) -> Iterator[Metric]:
        agent = self.agent
        outbox = getattr(agent, "outbox", None)
        if outbox is not None:
            stats = outbox.stats()
            depth = gauge_family("motcua_agent_outbox_events", "Events waiting in the outbox, per kind.", ["kind"])
            depth.add_metric(["business"], stats.business)
            depth.add_metric(["health"], stats.health)
            yield depth
            size = gauge_family("motcua_agent_outbox_bytes", "Size of the events waiting in the outbox.")
            size.add_metric([], stats.bytes)
            yield size
            inbox = gauge_family("motcua_agent_inbox_events", "Site events received and not yet processed.")
            inbox.add_metric([], stats.inbox)
            yield inbox
            oldest = outbox.peek(1)
            age = gauge_family(
                "motcua_agent_outbox_oldest_age_seconds",
                "Age of the oldest event not yet acknowledged by the province (0: outbox empty).",
            )
            at = oldest[0].at if oldest else None
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            age.add_metric([], max((datetime.now(UTC) - at).total_seconds(), 0.0) if at else 0.0)
            yield age
            source = gauge_family(
                "motcua_agent_last_source_seq",
                "Newest queue-server event sequence the agent has taken in (compare motcua_events_last_seq).",
            )
            source.add_metric([], stats.last_source_seq)
            yield source
        uplinker = getattr(agent, "uplinker", None)
        if uplinker is not None:
            batches = counter_family("motcua_agent_uplink_batches", "Batches the province acknowledged.")
            batches.add_metric([], uplinker.sent_batches)
            yield batches
            with self._lock:
                sent, last = self._events_sent, self._last_sent_at
            events = counter_family("motcua_agent_uplink_events", "Events the province acknowledged.")
            events.add_metric([], sent)
            yield events
            lag = gauge_family(
                "motcua_agent_uplink_last_ack_timestamp_seconds",
                "Unix time of the province's last acknowledgement (0: none since the agent started).",
            )
            lag.add_metric([], last or 0.0)
            yield lag
        mqtt = gauge_family("motcua_agent_mqtt_connected", "1 while the MQTT connection is up.", ["connection"])
        for name, connection in (("status", agent.status_conn), ("events", getattr(agent, "site_conn", None))):
            if connection is not None:
                mqtt.add_metric([name], 1 if connection.connected else 0)
        yield mqtt
        transport = getattr(agent, "transport", None)
        if transport is not None:
            ready = gauge_family("motcua_agent_uplink_ready", "1 while the uplink transport can send.")
            try:
                ready.add_metric([], 1 if transport.ready() else 0)
            except Exception:
                ready.add_metric([], 0)
            yield ready


def agent_registry(agent: Any) -> CollectorRegistry:
    """A registry holding the agent's collector."""
    registry = CollectorRegistry()
    registry.register(ScrapeCollector(AgentCollector(agent).collect))
    return registry


def serve_metrics(agent: Any, port: int, host: str = "127.0.0.1") -> tuple[Any, Any]:
    """Serve the agent's metrics at ``http://127.0.0.1:port/metrics``; returns (server, thread)."""
    return serve_registry(agent_registry(agent), port, host)
