"""The provincial monitor's Prometheus metrics: ``install_metrics(app)`` (docs/metrics.md).

Request rates and latencies per route template come from the shared middleware; ingest counts, dedup hits,
each site's age since its last batch and the open alerts are read from the ingest service and the store at
scrape time. ``GET /metrics`` has no access rule of its own: the monitor's access control decides who may
read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.core import Metric

from motcua.runtime.metrics import ScrapeCollector, counter_family, gauge_family, instrument_app

__all__ = ["MonitorCollector", "install_metrics"]


class MonitorCollector:
    """Ingest counters and per-site freshness of one monitor."""

    def __init__(self, store: Any, ingest: Any, clock: Any = None) -> None:
        self.store = store
        self.ingest = ingest
        self.clock = clock or (lambda: datetime.now(UTC))

    def collect(self) -> Iterator[Metric]:
        ingest = self.ingest
        batches = counter_family("motcua_monitor_batches", "Uplink batches handled (MQTT and HTTPS).")
        batches.add_metric([], ingest.batches)
        yield batches
        events = counter_family(
            "motcua_monitor_events", "Events received, new (stored) or duplicate (dedup hit).", ["outcome"]
        )
        events.add_metric(["new"], ingest.events_new)
        events.add_metric(["duplicate"], ingest.events_duplicate)
        yield events
        now = self.clock()
        age = gauge_family(
            "motcua_monitor_site_last_event_age_seconds", "Seconds since each site's last uplink batch.", ["site"]
        )
        for site in self.store.sites():
            if site.last_seen is not None:
                last = site.last_seen if site.last_seen.tzinfo else site.last_seen.replace(tzinfo=UTC)
                age.add_metric([site.site], max((now - last).total_seconds(), 0.0))
        yield age
        open_alerts = gauge_family(
            "motcua_monitor_alerts_open", "Unresolved alerts, per site and kind.", ["site", "kind"]
        )
        counts: dict[tuple[str, str], int] = {}
        for alert in self.store.alerts(open_only=True):
            key = (str(alert.site), str(alert.kind))
            counts[key] = counts.get(key, 0) + 1
        for (site_id, kind), n in sorted(counts.items()):
            open_alerts.add_metric([site_id, kind], n)
        yield open_alerts


def install_metrics(app: Any) -> CollectorRegistry:
    """Request metrics on every route, ``GET /metrics``, and the monitor's collector (``app.state``)."""
    registry = CollectorRegistry()
    instrument_app(app, registry, prefix="motcua_monitor")
    registry.register(ScrapeCollector(MonitorCollector(app.state.store, app.state.ingest).collect))
    return registry
