"""The dashboard's state: the ledger kept up to date from the store, and the views cached between refreshes.

Requests drive the refresh (no thread of its own): at most every ``refresh_seconds`` a request first
pulls the new events; the overview is recomputed when the ledger, the devices or the alerts changed,
or when it is older than ``max_age_seconds`` (open waits grow with the clock).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.analytics import views
from monitor.analytics.ledger import Ledger
from monitor.analytics.model import SiteInfo, level_of, local_day
from monitor.core.alerts import ONLINE, AlertRules, DeviceView, presence
from monitor.dashboard.source import EventSource

logger = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class NotReady(Exception):
    """The first load of the events is still running."""


class DashboardService:
    """Keeps a :class:`Ledger` of the store's events and serves the dashboard's views from it."""

    def __init__(
        self,
        store: Any,
        *,
        clock: Callable[[], datetime] = utc_now,
        period_days: int = 28,
        refresh_seconds: float = 2.0,
        max_age_seconds: float = 10.0,
        reconcile_seconds: float = 60.0,
    ) -> None:
        self.store = store
        self.clock = clock
        self.period_days = period_days
        self.refresh_seconds = refresh_seconds
        self.max_age_seconds = max_age_seconds
        self.reconcile_seconds = reconcile_seconds
        self.ledger = Ledger()
        self._lock = threading.RLock()
        self._source: EventSource | None = None
        self._refreshed = 0.0
        self._reconciled = 0.0
        self._context: views.Context | None = None
        self._context_key: tuple[Any, ...] = ()
        self._devices: list[Any] = []
        self._site_seen: dict[str, datetime | None] = {}
        self.rules = AlertRules()
        self._overview: dict[frozenset[str] | None, tuple[tuple[Any, ...], float, dict[str, Any]]] = {}
        self._pages: dict[str, tuple[tuple[Any, ...], float, dict[str, Any]]] = {}
        self.stats: dict[str, Any] = {"events": 0, "load_seconds": None, "overview_ms": None, "refreshes": 0}
        self._warming: threading.Thread | None = None

    def warm(self) -> None:
        """Start the first load in a background thread; views answer :class:`NotReady` until it is done."""
        if self._warming is None and self._source is None:
            self._warming = threading.Thread(target=self._warm, name="dashboard-warm", daemon=True)
            self._warming.start()

    def _warm(self) -> None:
        try:
            self.refresh(force=True)
        except Exception:
            logger.exception("dashboard: first load failed")
        finally:
            self._warming = None

    @property
    def ready(self) -> bool:
        """Whether the first load is done."""
        return self._source is not None and self._context is not None

    # keeping up with the store
    def window_start(self) -> datetime:
        """The first instant the dashboard loads: the ranking period and the forecast's weeks before today."""
        today = local_day(self.clock())
        days = max(self.period_days, 7 * views.FORECAST_WEEKS) + 1
        start = datetime.combine(today - timedelta(days=days), datetime.min.time(), tzinfo=UTC)
        return start - timedelta(hours=7)

    def refresh(self, *, force: bool = False) -> None:
        """Pull new events (and sites, devices, alerts) when the last refresh is older than ``refresh_seconds``."""
        if self._warming is not None and self._warming is not threading.current_thread():
            raise NotReady
        with self._lock:
            now = time.monotonic()
            if not force and self._source is not None and now - self._refreshed < self.refresh_seconds:
                return
            if self._source is None:
                started = time.perf_counter()
                self._source = EventSource(self.store.url, self.window_start())
                self.stats["events"] += self.ledger.add_all(self._source.load())
                self.stats["load_seconds"] = round(time.perf_counter() - started, 2)
                self._reconciled = now
                logger.info("dashboard loaded %s events in %s s", self.stats["events"], self.stats["load_seconds"])
            else:
                self.stats["events"] += self.ledger.add_all(self._source.new_events())
                if now - self._reconciled >= self.reconcile_seconds:
                    self._reconcile()
                    self._reconciled = now
            self._load_context()
            self._refreshed = time.monotonic()
            self.stats["refreshes"] += 1

    def _reconcile(self) -> None:
        assert self._source is not None
        stored = self._source.counts()
        for site, count in stored.items():
            loaded = self._source.loaded.get(site, 0)
            if loaded != count:
                logger.warning("dashboard reloads site %s (%s stored, %s loaded)", site, count, loaded)
                self.ledger.reset(site)
                self.ledger.add_all(self._source.load(site))

    def _load_context(self) -> None:
        rows = self.store.sites()
        sites = {
            row.site: SiteInfo(
                site=row.site,
                name=row.name or row.site,
                level=level_of(row.level or "commune"),
                one_stop_staff=row.one_stop_staff or 0,
            )
            for row in rows
        }
        self._devices = self.store.devices()
        self._site_seen = {row.site: row.last_seen for row in rows}
        now = self.clock()
        counts: dict[str, views.DeviceCount] = {}
        for device in self._devices:
            known = counts.get(device.site, views.DeviceCount())
            away = self.presence(device, now) != ONLINE
            counts[device.site] = views.DeviceCount(known.total + 1, known.offline + away)
        open_alerts: dict[str, int] = {}
        for alert in self.store.alerts(open_only=True):
            open_alerts[alert.site] = open_alerts.get(alert.site, 0) + 1
        key = (tuple(sorted(sites.items())), tuple(sorted(counts.items())), tuple(sorted(open_alerts.items())))
        if key != self._context_key:
            self._context_key = key
            self._context = views.Context(sites, counts, open_alerts, self.period_days)

    def presence(self, device: Any, now: datetime) -> str:
        """``online``, ``offline`` or ``silent``: the alert rules' reading of a device row."""
        view = DeviceView(device.device_id, device.role, device.state, device.last_seen, device.heartbeat)
        return presence(view, now, self.rules, site_seen=self._site_seen.get(device.site))

    @property
    def context(self) -> views.Context:
        """Sites, device counts and open alerts as of the last refresh."""
        if self._context is None:
            self.refresh(force=True)
        assert self._context is not None
        return self._context

    def _key(self) -> tuple[Any, ...]:
        return (self.ledger.version, id(self._context))

    # views
    def overview(self, sites: frozenset[str] | None = None) -> dict[str, Any]:
        """The province overview (of ``sites`` only, when given: a site manager's view), recomputed when
        something changed or it is ``max_age_seconds`` old."""
        self.refresh()
        with self._lock:
            key = self._key()
            cached = self._overview.get(sites)
            if cached is not None and cached[0] == key and time.monotonic() - cached[1] < self.max_age_seconds:
                return cached[2]
            started = time.perf_counter()
            data = views.overview(self.ledger, self.context, self.clock(), only=sites)
            elapsed = round(1000 * (time.perf_counter() - started), 1)
            data["version"] = self.ledger.version
            data["compute_ms"] = elapsed
            data["scope"] = None if sites is None else sorted(sites)
            self.stats["overview_ms"] = elapsed
            if len(self._overview) > 256:
                self._overview.clear()
            self._overview[sites] = (key, time.monotonic(), data)
            return data

    def has_site(self, site: str) -> bool:
        """Whether the site is declared or has sent events."""
        self.refresh()
        return site in self.context.sites or site in self.ledger.sites

    def site(self, site: str) -> dict[str, Any] | None:
        """One site's page data; None for an unknown site."""
        if not self.has_site(site):
            return None
        with self._lock:
            key = self._key()
            cached = self._pages.get(site)
            if cached is not None and cached[0] == key and time.monotonic() - cached[1] < self.max_age_seconds:
                return cached[2]
            now = self.clock()
            devices = [
                {
                    "device_id": d.device_id,
                    "role": d.role,
                    "state": d.state,
                    "presence": self.presence(d, now),
                    "heartbeat": d.heartbeat,
                    "version": d.version,
                    "last_seen": d.last_seen.isoformat(),
                    "details": d.details,
                }
                for d in self._devices
                if d.site == site
            ]
            alerts = [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "severity": a.severity,
                    "message_vi": a.message_vi,
                    "message_en": a.message_en,
                    "at": a.at.isoformat(),
                    "resolved_at": None if a.resolved_at is None else a.resolved_at.isoformat(),
                }
                for a in reversed(self.store.alerts(site, since=now - timedelta(days=7)))
            ][:50]
            data = views.site_page(self.ledger, self.context, site, now, devices=devices, alerts=alerts)
            data["version"] = self.ledger.version
            self._pages[site] = (key, time.monotonic(), data)
            return data

    def status(self) -> dict[str, Any]:
        """Counters of the dashboard itself (events loaded, load time, last overview time)."""
        return {**self.stats, "version": self.ledger.version, "sites": len(self.ledger.sites)}

    def close(self) -> None:
        """Close the read connection."""
        with self._lock:
            if self._source is not None:
                self._source.close()
                self._source = None
