"""Alert engine: applies the pure rules (``monitor.core.alerts``) to the store; stores and publishes alerts."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from monitor.core import alerts as rules
from monitor.core.alerts import AlertCandidate, AlertRules, DeviceView, EventView, OpenAlert
from monitor.store import Store
from motcua.contract.uplink import Alert, UplinkEvent

logger = logging.getLogger(__name__)

Publisher = Callable[[Alert], None]


def _now() -> datetime:
    return datetime.now(UTC)


class AlertEngine:
    """Evaluates the rules after ingest and on a timer; thread-safe."""

    def __init__(
        self,
        store: Store,
        *,
        rules_: AlertRules | None = None,
        publish: Publisher | None = None,
        clock: Callable[[], datetime] = _now,
        long_wait_every_s: float = 10.0,
        dossier_every_s: float = 60.0,
    ) -> None:
        self.store = store
        self.rules = rules_ or AlertRules()
        self.publish = publish
        self.clock = clock
        self.long_wait_every_s = long_wait_every_s
        self._lock = threading.Lock()
        self._long_wait_checked: dict[str, float] = {}
        self.dossier_every_s = dossier_every_s
        self._dossiers_checked: dict[str, float] = {}

    def _open(self, site: str | None = None) -> list[OpenAlert]:
        return [
            OpenAlert(a.id, a.site, a.kind, str(a.data.get("subject", "")))
            for a in self.store.alerts(site, open_only=True)
        ]

    def _apply(self, candidates: list[AlertCandidate], evaluated: Iterable[tuple[str, str]], site: str | None) -> None:
        now = self.clock()
        to_raise, to_resolve = rules.reconcile(candidates, self._open(site), evaluated)
        for candidate in to_raise:
            alert = Alert(
                site=candidate.site,
                kind=candidate.kind,
                severity=candidate.severity,
                message_vi=candidate.message_vi,
                message_en=candidate.message_en,
                at=now,
                data={**candidate.data, "subject": candidate.subject},
            )
            alert_id = self.store.add_alert(alert)
            logger.warning("alert %s at %s: %s", candidate.kind, candidate.site, candidate.message_en)
            if self.publish is not None:
                try:
                    self.publish(alert.model_copy(update={"data": {**alert.data, "alert_id": alert_id}}))
                except Exception:
                    logger.exception("publishing an alert failed")
        for alert_id in to_resolve:
            self.store.resolve_alert(alert_id, now)

    def on_ingest(self, site: str, new: list[UplinkEvent]) -> None:
        """Rules that new events of a site may trigger."""
        if not new:
            return
        types = {e.type for e in new}
        with self._lock:
            now = self.clock()
            candidates: list[AlertCandidate] = []
            evaluated: list[tuple[str, str]] = []
            for event in new:
                if event.type == "outbox.overflow":
                    candidates.append(rules.outbox_overflow(site, EventView(event.type, event.at, event.data)))
            if "feedback.submitted" in types:
                feedback = self.store.events(
                    site, since=now - self.rules.negative_burst_window, types=["feedback.submitted"]
                )
                burst = rules.negative_burst(site, [EventView(e.type, e.at, e.data) for e in feedback], now, self.rules)
                evaluated.append((site, rules.NEGATIVE_BURST))
                if burst is not None:
                    candidates.append(burst)
            if types & set(rules.DOSSIER_LATE_TYPES):
                candidates += self._late_dossiers(site, now, evaluated)
            if any(t.startswith("ticket.") for t in types):
                last = self._long_wait_checked.get(site, 0.0)
                if time.monotonic() - last >= self.long_wait_every_s:
                    self._long_wait_checked[site] = time.monotonic()
                    candidates += self._long_wait(site, now, evaluated)
            if candidates or evaluated:
                self._apply(candidates, evaluated, site)

    def _long_wait(self, site: str, now: datetime, evaluated: list[tuple[str, str]]) -> list[AlertCandidate]:
        since = rules.start_of_day(now, self.rules.timezone)
        events = self.store.events(
            site, since=since, types=["ticket.issued", "ticket.called", "ticket.cancelled", "ticket.transferred"]
        )
        evaluated.append((site, rules.LONG_WAIT))
        found = rules.long_wait(site, [EventView(e.type, e.at, e.data) for e in events], now, self.rules)
        return [found] if found is not None else []

    def _late_dossiers(self, site: str, now: datetime, evaluated: list[tuple[str, str]]) -> list[AlertCandidate]:
        """Received dossiers past their due time (or reported overdue) without a result: one alert each."""
        events = self.store.events(site, since=now - self.rules.dossier_window, types=rules.DOSSIER_LATE_TYPES)
        evaluated.append((site, rules.DOSSIER_LATE))
        return rules.late_dossiers(site, [EventView(e.type, e.at, e.data) for e in events], now)

    def tick(self) -> None:
        """Timer rules: devices offline, long waits (also while no events arrive), bursts that expired, dossiers
        that passed their due time (every ``dossier_every_s`` per site, at the monitor's clock)."""
        with self._lock:
            now = self.clock()
            candidates: list[AlertCandidate] = []
            evaluated: list[tuple[str, str]] = []
            devices_by_site: dict[str, list[DeviceView]] = {}
            for d in self.store.devices():
                devices_by_site.setdefault(d.site, []).append(
                    DeviceView(d.device_id, d.role, d.state, d.last_seen, d.heartbeat)
                )
            sites = {s.site: s.last_seen for s in self.store.sites()}
            for site, devices in devices_by_site.items():
                evaluated.append((site, rules.DEVICE_OFFLINE))
                candidates += rules.devices_offline(site, devices, now, self.rules, site_seen=sites.get(site))
            open_sites = {a.site for a in self._open()}
            for site in set(sites) | open_sites:
                candidates += self._long_wait(site, now, evaluated)
                self._long_wait_checked[site] = time.monotonic()
                feedback = self.store.events(
                    site, since=now - self.rules.negative_burst_window, types=["feedback.submitted"]
                )
                evaluated.append((site, rules.NEGATIVE_BURST))
                burst = rules.negative_burst(site, [EventView(e.type, e.at, e.data) for e in feedback], now, self.rules)
                if burst is not None:
                    candidates.append(burst)
                if time.monotonic() - self._dossiers_checked.get(site, -1e9) >= self.dossier_every_s:
                    self._dossiers_checked[site] = time.monotonic()
                    candidates += self._late_dossiers(site, now, evaluated)
            self._apply(candidates, evaluated, None)
