"""Staffing advice for the admin: counters per hour and service from the site's own history (Erlang C)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from motcua.contract import events as ev
from queue_server.api.deps import AdminDep, ServiceDep
from queue_server.api.errors import ErrorBody
from queue_server.core.staffing import ServiceDemand, recommend, totals_per_hour
from queue_server.store import repo

router = APIRouter(tags=["staffing"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403, 422)}
PAGE = resources.files("queue_server") / "web" / "staffing.html"


def _history(service: Any, days: int) -> tuple[dict[str, dict[int, float]], dict[str, list[float]], int]:
    """Mean arrivals per local hour and service over the days with tickets; service times per service."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(service.config.timezone)
    today = date.fromisoformat(service.today())
    counts: dict[str, dict[int, float]] = {}
    times: dict[str, list[float]] = {}
    active = 0
    with service.db.transaction() as conn:
        for back in range(1, days + 1):
            events = repo.load_events_of_day(conn, (today - timedelta(days=back)).isoformat())
            if not any(e.type == ev.TICKET_ISSUED for e in events):
                continue
            active += 1
            for event in events:
                payload = event.payload()
                if isinstance(payload, ev.TicketIssued):
                    hour = event.at.astimezone(zone).hour
                    per_hour = counts.setdefault(payload.service, {})
                    per_hour[hour] = per_hour.get(hour, 0.0) + 1.0
                elif isinstance(payload, ev.TicketDone) and payload.service_min is not None:
                    times.setdefault(payload.service, []).append(payload.service_min)
    if active:
        counts = {code: {h: n / active for h, n in hours.items()} for code, hours in counts.items()}
    return counts, times, active


@router.get("/api/v1/staffing", responses=ERRORS)
def staffing(
    service: ServiceDep,
    principal: AdminDep,
    target: Annotated[float, Query(gt=0, le=120, description="p90 wait target in minutes")] = 15.0,
    days: Annotated[int, Query(ge=1, le=90, description="past service days to forecast from")] = 28,
) -> dict[str, Any]:
    """Counters to open per hour and service so the p90 wait stays within ``target`` (Erlang C, M/G/c)."""
    counts, times, active = _history(service, days)
    defaults = {s.code: s.default_service_min for s in service.services()}
    demands = []
    for code, hours in sorted(counts.items()):
        observed = times.get(code, [])
        mean = sum(observed) / len(observed) if observed else defaults.get(code, 8.0)
        var = sum((t - mean) ** 2 for t in observed) / (len(observed) - 1) if len(observed) > 1 else 0.25 * mean**2
        demands.append(ServiceDemand(code, hours, mean, math.sqrt(var) / mean if mean > 0 else 1.0))
    advice = recommend(demands, target_min=target)
    return {
        "target_p90_min": target,
        "days_of_history": active,
        "services": [{"code": d.code, "mean_min": round(d.mean_min, 1), "cv": round(d.cv, 2)} for d in demands],
        "advice": [a.__dict__ for a in advice],
        "counters_per_hour": totals_per_hour(advice),
    }


@router.get("/console/staffing", include_in_schema=False)
def staffing_page() -> FileResponse:
    """The admin page that shows the advice."""
    return FileResponse(str(PAGE), media_type="text/html; charset=utf-8")
