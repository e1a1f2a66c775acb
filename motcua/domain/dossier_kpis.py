"""Dossier KPIs of Bắc Ninh's plan (Đề án 717/QĐ-UBND), from the ``dossier.*`` events (pure).

- desk time per dossier: ticket call → dossier received, target ≤ 30 minutes;
- dossiers received per one-stop staff member, projected to a year against the level's target
  (province ≥ 1,800, district ≥ 1,000, commune 500–800);
- results on time / early (before the appointment day);
- digitisation: dossiers whose papers were digitised, papers digitised / papers received, results digitised;
- share of received dossiers prepared at the kiosk; supplement rate (supplement requests / received).

Used by the site server (``GET /api/v1/kpis`` → ``dossiers``) and by the monitor over uplinked events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Final

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent

__all__ = ["DESK_TARGET_MIN", "LEVEL_TARGETS", "WORKING_DAYS_PER_YEAR", "compute_dossier_kpis", "projected_year"]

DESK_TARGET_MIN: Final = 30.0
# Dossiers received per one-stop staff member and year: (at least, up to) — the plan's Phần thứ ba 1.2.
LEVEL_TARGETS: Final[Mapping[str, tuple[int, int | None]]] = {
    "province": (1800, None),
    "district": (1000, None),
    "commune": (500, 800),
}
# 365 days less 104 weekend days and 11 statutory holidays (Labour Code 2019, art. 112), rounded.
WORKING_DAYS_PER_YEAR: Final = 250


def _pct(part: float, whole: float) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = int(rank), min(int(rank) + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 2)


def projected_year(received: int, working_days: float, per_year: int = WORKING_DAYS_PER_YEAR) -> float:
    """Dossiers a year at the pace of ``received`` in ``working_days`` working days."""
    if working_days <= 0:
        raise ValueError("working_days must be > 0")
    return round(received / working_days * per_year, 1)


def compute_dossier_kpis(
    events: Iterable[DomainEvent],
    *,
    level: str = "province",
    working_days: float = 1.0,
    desk_target_min: float = DESK_TARGET_MIN,
) -> dict[str, Any]:
    """The dossier KPIs of the events of a period of ``working_days`` working days."""
    if level not in LEVEL_TARGETS:
        raise ValueError(f"level must be one of {sorted(LEVEL_TARGETS)}")
    received = 0
    kiosk = 0
    desk_minutes: list[float] = []
    by_staff: dict[str, int] = defaultdict(int)
    dossiers_digitised = 0
    papers_received = 0
    papers_digitised = 0
    results = on_time = early = late = results_digitised = 0
    supplements = 0
    returned = cancelled = refused = 0
    for event in events:
        data = event.data
        if event.type == ev.DOSSIER_RECEIVED:
            received += 1
            kiosk += bool(data.get("prepared_at_kiosk"))
            if isinstance(data.get("desk_min"), int | float):
                desk_minutes.append(float(data["desk_min"]))
            by_staff[str(data.get("staff_id") or "?")] += 1
            digitised = int(data.get("papers_digitised") or 0)
            dossiers_digitised += digitised > 0
            papers_digitised += digitised
            papers_received += int(data.get("papers_received") or 0)
        elif event.type == ev.DOSSIER_RESULT_READY:
            results += 1
            if data.get("on_time") is True:
                on_time += 1
            elif data.get("on_time") is False:
                late += 1
            early += bool(data.get("early"))
            results_digitised += bool(data.get("result_digitised"))
        elif event.type == ev.DOSSIER_SUPPLEMENT_REQUESTED:
            supplements += 1
        elif event.type == ev.DOSSIER_RETURNED:
            returned += 1
        elif event.type == ev.DOSSIER_CANCELLED:
            cancelled += 1
        elif event.type == ev.DOSSIER_REFUSED:
            refused += 1
    low, high = LEVEL_TARGETS[level]
    staff = {}
    for staff_id, count in sorted(by_staff.items()):
        year = projected_year(count, working_days)
        staff[staff_id] = {
            "received": count,
            "projected_year": year,
            "target_min": low,
            "target_max": high,
            "meets_target": year >= low,
        }
    return {
        "received": received,
        "prepared_at_kiosk": kiosk,
        "kiosk_share": _pct(kiosk, received),
        "desk_time_min": {
            "count": len(desk_minutes),
            "mean": round(sum(desk_minutes) / len(desk_minutes), 2) if desk_minutes else None,
            "p50": _percentile(desk_minutes, 50),
            "p90": _percentile(desk_minutes, 90),
            "max": round(max(desk_minutes), 2) if desk_minutes else None,
            "within_target_share": _pct(sum(1 for m in desk_minutes if m <= desk_target_min), len(desk_minutes)),
            "target_min": desk_target_min,
        },
        "level": level,
        "working_days": working_days,
        "by_staff": staff,
        "results": {
            "count": results,
            "on_time": on_time,
            "early": early,
            "late": late,
            "on_time_rate": _pct(on_time, results),
            "early_rate": _pct(early, results),
        },
        "digitisation": {
            "dossiers_rate": _pct(dossiers_digitised, received),
            "papers_rate": _pct(papers_digitised, papers_received),
            "results_rate": _pct(results_digitised, results),
        },
        "supplement_rate": _pct(supplements, received),
        "returned": returned,
        "cancelled": cancelled,
        "refused": refused,
    }
