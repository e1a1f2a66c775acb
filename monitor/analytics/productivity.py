"""One-stop staff productivity per year, extrapolated from a period, against the province's targets.

Decision 717/QĐ-UBND measures productivity as dossiers received per one-stop person per year: province
≥ 1,800, district ≥ 1,000, commune 500–800. The monitor sees a few weeks, so it extrapolates:

    per person per year = dossiers in the period / working days in the period × 250 / one-stop staff

- *dossiers*: the dossiers the site's desk received (``dossier.received``, the plan's measure). A site
  whose server does not send the dossier lifecycle yet falls back to ``dossier.submitted`` (basis
  ``dossiers``), and one that sends neither to the tickets it served (basis ``tickets_done``); the page
  says which basis a figure has.
- *working days*: the days in the period on which the province received citizens (so public holidays
  drop out), Monday–Friday counting 1 and Saturday ½ (centres open on Saturday morning only).
- *250*: working days in a Vietnamese year (52 × 5 = 260, less 10–11 public holidays).
- *one-stop staff*: the site's declared staff (``sites.one_stop_staff``); a site that declares none (0 or
  not declared) has no per-person figure and the status ``no_staff`` — never a division by zero. Per staff id, the same
  extrapolation of the dossiers each person received (the ``staff_id`` of ``dossier.received``; in the
  fallbacks, whoever served the dossier's ticket, or tickets served), against the same target, shows who carries
  the load. Staff ids at the counters are fewer than the declared staff (back office, rotation), so
  their figures run higher than the site's per-person figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from monitor.analytics.model import PRODUCTIVITY_TARGET
from motcua.domain import dossier_kpis

WORKING_DAYS_PER_YEAR = dossier_kpis.WORKING_DAYS_PER_YEAR
SATURDAY_WEIGHT = 0.5


def day_weight(day: date) -> float:
    """How much of a working day ``day`` is: weekdays 1, Saturday ½, Sunday 0."""
    weekday = day.weekday()
    if weekday < 5:
        return 1.0
    return SATURDAY_WEIGHT if weekday == 5 else 0.0


def working_days(days: Iterable[date]) -> float:
    """The weighted number of working days among ``days``."""
    return sum(day_weight(d) for d in set(days))


def per_year(count: int, days: float) -> float | None:
    """``count`` over ``days`` working days, extrapolated to a year; None without working days."""
    if days <= 0:
        return None
    return count / days * WORKING_DAYS_PER_YEAR


NO_STAFF = "no_staff"


def status(level: str, value: float | None) -> str:
    """'below', 'met' or 'above_band' (commune above 800) against the level's target; 'unknown' without data."""
    return dossier_kpis.level_status(level, value)


def attainment_pct(level: str, value: float | None) -> float | None:
    """``value`` as a percentage of the level's lower target, capped at 100."""
    return dossier_kpis.target_attainment(level, value)


@dataclass(frozen=True, slots=True)
class Productivity:
    """A site's extrapolated dossiers per one-stop person per year."""

    level: str
    basis: str
    count: int
    working_days: float
    staff: int
    per_person_year: float | None
    target_low: int
    target_high: int | None
    status: str
    attainment_pct: float | None


@dataclass(frozen=True, slots=True)
class StaffProductivity:
    """One staff id's tickets served and dossiers received, and the dossiers extrapolated per year."""

    staff_id: str
    served: int
    dossiers: int
    per_year: float | None
    status: str


def site_productivity(
    *, level: str, staff: int, dossiers: int, tickets_done: int, days: float, received: int = 0
) -> Productivity:
    """The site's productivity over a period of ``days`` working days (status ``no_staff`` when ``staff`` is
    not positive: nothing to divide by): dossiers ``received`` at the desk, else the fallbacks."""
    if received > 0:
        basis, count = "dossiers_received", received
    elif dossiers > 0:
        basis, count = "dossiers", dossiers
    else:
        basis, count = "tickets_done", tickets_done
    yearly = per_year(count, days)
    declared = staff > 0
    per_person = None if yearly is None or not declared else round(yearly / staff, 1)
    low, high = PRODUCTIVITY_TARGET.get(level, PRODUCTIVITY_TARGET["commune"])
    return Productivity(
        level=level,
        basis=basis,
        count=count,
        working_days=days,
        staff=max(staff, 0),
        per_person_year=per_person,
        target_low=low,
        target_high=high,
        status=status(level, per_person) if declared else NO_STAFF,
        attainment_pct=attainment_pct(level, per_person),
    )


def staff_productivity(
    *,
    level: str,
    served_by_staff: Mapping[str, int],
    days: float,
    dossiers_by_staff: Mapping[str, int] | None = None,
    received_by_staff: Mapping[str, int] | None = None,
) -> list[StaffProductivity]:
    """Each staff id's dossiers received (else dossiers linked to its tickets, else tickets served) per
    year, most productive first."""
    received_map = {k: v for k, v in (received_by_staff or {}).items() if k != "?"}
    dossiers = received_map if any(received_map.values()) else (dossiers_by_staff or {})
    use_dossiers = any(dossiers.values())
    out = []
    for staff_id in set(served_by_staff) | set(dossiers):
        served = served_by_staff.get(staff_id, 0)
        received = dossiers.get(staff_id, 0)
        yearly = per_year(received if use_dossiers else served, days)
        out.append(
            StaffProductivity(
                staff_id=staff_id,
                served=served,
                dossiers=received,
                per_year=None if yearly is None else round(yearly, 1),
                status=status(level, yearly),
            )
        )
    return sorted(out, key=lambda s: (-(s.per_year or 0.0), s.staff_id))
