"""Working days and the date a dossier's result is due (pure: the holiday set is passed in).

The legal processing time of a procedure is counted in working days from the day after the complete
dossier is received (the day of receipt does not count); weekends and public holidays are skipped, except
the Saturdays the government or the province turns into working days in exchange for a bridge day off.
``processing_days == 0`` ("trong ngày") means the same working day, or the next one when the dossier is
received after the afternoon cut-off (15:00). A fractional time (0.5 day) rounds up to whole days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

__all__ = ["SAME_DAY_CUTOFF", "WORKDAY_END", "WorkCalendar", "add_working_days", "due_at", "working_days_between"]

SAME_DAY_CUTOFF = time(15, 0)  # received after this: a same-day result is due the next working day
WORKDAY_END = time(17, 0)  # a result due on a day is due by the end of its office hours


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """Which days the one-stop office works: Monday-Friday, less ``days_off``, plus ``working_weekend_days``."""

    days_off: frozenset[date] = field(default_factory=frozenset)
    working_weekend_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        """A working day: a weekday that is not a day off, or a weekend day declared a working day."""
        if day in self.working_weekend_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        candidate = day + timedelta(days=1)
        for _ in range(400):  # a year of days off would be a broken calendar, not a loop forever
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError("no working day within 400 days: the calendar is broken")

    def on_or_after(self, day: date) -> date:
        """``day`` itself when it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.next_working_day(day)


def add_working_days(calendar: WorkCalendar, start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted); ``days == 0``: ``start``."""
    if days < 0:
        raise ValueError("days must be >= 0")
    day = start
    for _ in range(days):
        day = calendar.next_working_day(day)
    return day


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days in (start, end]: 0 when ``end <= start``."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def due_at(
    calendar: WorkCalendar,
    received_at: datetime,
    processing_days: float,
    zone: tzinfo,
    *,
    cutoff: time = SAME_DAY_CUTOFF,
    end_of_day: time = WORKDAY_END,
) -> datetime:
    """When the result of a dossier received at ``received_at`` (aware) is due, as an aware local datetime.

    A dossier received on a day off, or after office hours, counts as received on the next working day.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if not math.isfinite(processing_days) or processing_days < 0:
        raise ValueError("processing_days must be a number >= 0")
    local = received_at.astimezone(zone)
    day = local.date()
    late_in_day = local.time() >= (cutoff if processing_days == 0 else end_of_day)
    if not calendar.is_working_day(day) or late_in_day:
        day = calendar.next_working_day(day)
    due_day = add_working_days(calendar, day, math.ceil(processing_days))
    return datetime.combine(due_day, end_of_day, tzinfo=zone)
