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
from dataclasses import dataclass, field, fields
from typing import Any, Final

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent

__all__ = [
    "DESK_TARGET_MIN",
    "LEVEL_TARGETS",
    "WORKING_DAYS_PER_YEAR",
    "DossierTally",
    "compute_dossier_kpis",
    "level_status",
    "projected_year",
    "target_attainment",
]

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


def level_status(level: str, per_year: float | None) -> str:
    """``below``, ``met`` or ``above_band`` (a commune above 800) against the level's yearly target;
    ``unknown`` without a figure."""
    if per_year is None:
        return "unknown"
    low, high = LEVEL_TARGETS.get(level, LEVEL_TARGETS["commune"])
    if per_year < low:
        return "below"
    if high is not None and per_year > high:
        return "above_band"
    return "met"


def target_attainment(level: str, per_year: float | None) -> float | None:
    """``per_year`` as a percentage of the level's lower target, capped at 100."""
    if per_year is None:
        return None
    low, _ = LEVEL_TARGETS.get(level, LEVEL_TARGETS["commune"])
    return round(min(100.0, 100.0 * per_year / low), 1)


@dataclass(slots=True)
class DossierTally:
    """Mergeable counts behind the dossier KPIs, for a reader that keeps them per day (the monitor).

    Fed with typed facts (what a ``dossier.received`` / ``dossier.result_ready`` payload says), summed over
    days with :meth:`merge`, and turned into the same figures as :func:`compute_dossier_kpis` by :meth:`kpis`.
    """

    received: int = 0
    prepared_at_kiosk: int = 0
    desk_minutes: list[float] = field(default_factory=list)
    by_staff: dict[str, int] = field(default_factory=dict)
    dossiers_digitised: int = 0
    papers_received: int = 0
    papers_digitised: int = 0
    results: int = 0
    on_time: int = 0
    early: int = 0
    late: int = 0
    results_digitised: int = 0
    supplements: int = 0
    returned: int = 0
    cancelled: int = 0
    refused: int = 0

    def add_received(
        self,
        *,
        staff_id: str | None,
        prepared_at_kiosk: bool,
        desk_min: float | None,
        papers_received: int,
        papers_digitised: int,
    ) -> None:
        """One dossier received at the desk."""
        self.received += 1
        self.prepared_at_kiosk += bool(prepared_at_kiosk)
        if desk_min is not None:
            self.desk_minutes.append(float(desk_min))
        key = staff_id or "?"
        self.by_staff[key] = self.by_staff.get(key, 0) + 1
        self.dossiers_digitised += papers_digitised > 0
        self.papers_digitised += max(papers_digitised, 0)
        self.papers_received += max(papers_received, 0)

    def add_result(self, *, on_time: bool | None, early: bool | None, result_digitised: bool) -> None:
        """One result made ready."""
        self.results += 1
        if on_time is True:
            self.on_time += 1
        elif on_time is False:
            self.late += 1
        self.early += bool(early)
        self.results_digitised += bool(result_digitised)

    def merge(self, other: DossierTally) -> None:
        """Add ``other``'s counts to these."""
        for item in fields(self):
            name = item.name
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, dict):
                for key, value in theirs.items():
                    mine[key] = mine.get(key, 0) + value
            else:
                setattr(self, name, mine + theirs)

    def kpis(
        self, *, level: str = "province", working_days: float = 1.0, desk_target_min: float = DESK_TARGET_MIN
    ) -> dict[str, Any]:
        """The figures of :func:`compute_dossier_kpis` (same keys and rounding) for these counts."""
        if level not in LEVEL_TARGETS:
            raise ValueError(f"level must be one of {sorted(LEVEL_TARGETS)}")
        low, high = LEVEL_TARGETS[level]
        minutes = self.desk_minutes
        staff = {}
        for staff_id, count in sorted(self.by_staff.items()):
            year = projected_year(count, working_days)
            staff[staff_id] = {
                "received": count,
                "projected_year": year,
                "target_min": low,
                "target_max": high,
                "meets_target": year >= low,
            }
        return {
            "received": self.received,
            "prepared_at_kiosk": self.prepared_at_kiosk,
            "kiosk_share": _pct(self.prepared_at_kiosk, self.received),
            "desk_time_min": {
                "count": len(minutes),
                "mean": round(sum(minutes) / len(minutes), 2) if minutes else None,
                "p50": _percentile(minutes, 50),
                "p90": _percentile(minutes, 90),
                "max": round(max(minutes), 2) if minutes else None,
                "within_target_share": _pct(sum(1 for m in minutes if m <= desk_target_min), len(minutes)),
                "target_min": desk_target_min,
            },
            "level": level,
            "working_days": working_days,
            "by_staff": staff,
            "results": {
                "count": self.results,
                "on_time": self.on_time,
                "early": self.early,
                "late": self.late,
                "on_time_rate": _pct(self.on_time, self.results),
                "early_rate": _pct(self.early, self.results),
            },
            "digitisation": {
                "dossiers_rate": _pct(self.dossiers_digitised, self.received),
                "papers_rate": _pct(self.papers_digitised, self.papers_received),
                "results_rate": _pct(self.results_digitised, self.results),
            },
            "supplement_rate": _pct(self.supplements, self.received),
            "returned": self.returned,
            "cancelled": self.cancelled,
            "refused": self.refused,
        }
