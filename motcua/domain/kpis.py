"""KPIs from the event log: the province's targets (waits ≤ 15 / 30 min), throughput, no-shows."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def distribution(values: Sequence[float]) -> dict[str, Any]:
    """p50 / p90 / max / mean and count of a list of minutes."""
    return {
        "n": len(values),
        "p50": _round(percentile(values, 50)),
        "p90": _round(percentile(values, 90)),
        "max": _round(max(values) if values else None),
        "mean": _round(sum(values) / len(values) if values else None),
    }


def share_within(values: Sequence[float], limit: float) -> float | None:
    """Percentage of ``values`` at or under ``limit``; None when empty."""
    if not values:
        return None
    return round(100.0 * sum(1 for v in values if v <= limit) / len(values), 1)


@dataclass
class _Visit:
    service: str = ""
    priority: str | None = None
    queued_at: datetime | None = None
    called_at: datetime | None = None
    counter_id: str | None = None
    staff_id: str | None = None
    service_min: float | None = None
    outcome: str = "waiting"


@dataclass
class _Tally:
    visits: dict[str, _Visit] = field(default_factory=dict)
    issued: int = 0

    def visit(self, data: dict[str, Any]) -> _Visit:
        ticket_id = str(data.get("ticket_id"))
        visit = self.visits.get(ticket_id)
        if visit is None:
            visit = _Visit(service=str(data.get("service", "")), priority=data.get("priority"))
            queued = data.get("queued_at")
            visit.queued_at = datetime.fromisoformat(queued) if isinstance(queued, str) else None
            self.visits[ticket_id] = visit
        return visit


def _tally(events: Iterable[DomainEvent]) -> _Tally:
    tally = _Tally()
    for event in events:
        data = event.data
        if event.type == ev.TICKET_ISSUED:
            tally.issued += 1
            tally.visit(data)
        elif event.type == ev.TICKET_CALLED:
            visit = tally.visit(data)
            if visit.called_at is None:
                visit.called_at = event.at
            visit.counter_id = data.get("counter_id")
            visit.staff_id = data.get("staff_id")
            visit.outcome = "called"
        elif event.type == ev.TICKET_DONE:
            visit = tally.visit(data)
            visit.outcome = "done"
            visit.service_min = data.get("service_min")
            visit.counter_id = data.get("counter_id") or visit.counter_id
            visit.staff_id = data.get("staff_id") or visit.staff_id
        elif event.type == ev.TICKET_NO_SHOW:
            tally.visit(data).outcome = "no_show"
        elif event.type == ev.TICKET_REINSTATED:
            tally.visit(data).outcome = "waiting"
        elif event.type == ev.TICKET_CANCELLED:
            tally.visit(data).outcome = "cancelled"
        elif event.type == ev.TICKET_TRANSFERRED:
            tally.visit(data).outcome = "transferred"
            child = tally.visit(
                {
                    "ticket_id": data.get("new_ticket_id"),
                    "service": data.get("to_service"),
                    "priority": data.get("priority"),
                    "queued_at": event.at.isoformat(),
                }
            )
            child.outcome = "waiting"
    return tally


def _wait(visit: _Visit) -> float | None:
    if visit.called_at is None or visit.queued_at is None:
        return None
    return max((visit.called_at - visit.queued_at).total_seconds() / 60.0, 0.0)


def _share_within_counting_open(waits: Sequence[float], open_waits: Sequence[float], limit: float) -> float | None:
    """Like ``share_within``, but citizens still waiting past ``limit`` already count as misses."""
    late_open = [w for w in open_waits if w > limit]
    return share_within([*waits, *late_open], limit)


def compute_kpis(events: Iterable[DomainEvent], now: datetime | None = None) -> dict[str, Any]:
    """The KPI report of a set of events (normally one service day of one site).

    With ``now`` (a report on the current day), citizens still waiting longer than 15 or 30 minutes count
    against the share served within those limits, so the figure is not flattered during the day.
    """
    tally = _tally(events)
    visits = list(tally.visits.values())
    waits = [w for v in visits if (w := _wait(v)) is not None]
    open_waits = [
        max((now - v.queued_at).total_seconds() / 60.0, 0.0)
        for v in visits
        if now is not None and v.outcome == "waiting" and v.queued_at is not None
    ]
    called = [v for v in visits if v.called_at is not None]
    no_shows = sum(1 for v in visits if v.outcome == "no_show")
    done = [v for v in visits if v.outcome == "done"]
    by_service: dict[str, list[_Visit]] = defaultdict(list)
    by_counter: dict[str, list[_Visit]] = defaultdict(list)
    by_staff: dict[str, list[_Visit]] = defaultdict(list)
    for visit in visits:
        by_service[visit.service].append(visit)
    for visit in done:
        if visit.counter_id:
            by_counter[visit.counter_id].append(visit)
        if visit.staff_id:
            by_staff[visit.staff_id].append(visit)

    def service_times(group: Sequence[_Visit]) -> list[float]:
        return [v.service_min for v in group if v.service_min is not None]

    def waits_of(group: Sequence[_Visit]) -> list[float]:
        return [w for v in group if (w := _wait(v)) is not None]

    priority_waits = waits_of([v for v in visits if v.priority])
    normal_waits = waits_of([v for v in visits if not v.priority])
    return {
        "tickets_issued": tally.issued,
        "tickets_called": len(called),
        "tickets_done": len(done),
        "waiting_now": sum(1 for v in visits if v.outcome == "waiting"),
        "no_shows": no_shows,
        "no_show_rate": round(100.0 * no_shows / len(called), 1) if called else None,
        "wait_min": distribution(waits),
        "served_within_15_min_pct": _share_within_counting_open(waits, open_waits, 15.0),
        "served_within_30_min_pct": _share_within_counting_open(waits, open_waits, 30.0),
        "waiting_over_15_min_now": sum(1 for w in open_waits if w > 15.0),
        "longest_open_wait_min": _round(max(open_waits) if open_waits else None),
        "service_min": distribution(service_times(done)),
        "priority_wait_min": distribution(priority_waits),
        "normal_wait_min": distribution(normal_waits),
        "by_service": {
            code: {
                "visits": len(group),
                "done": sum(1 for v in group if v.outcome == "done"),
                "wait_min": distribution(waits_of(group)),
                "service_min": distribution(service_times(group)),
            }
            for code, group in sorted(by_service.items())
        },
        "by_counter": {
            cid: {"served": len(group), "service_min": distribution(service_times(group))}
            for cid, group in sorted(by_counter.items())
        },
        "by_staff": {
            sid: {"served": len(group), "service_min": distribution(service_times(group))}
            for sid, group in sorted(by_staff.items())
        },
    }
