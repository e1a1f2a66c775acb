"""The site's work calendar: Vietnam's public holidays from the ``holidays`` package, plus the overrides table.

``holidays.Vietnam`` carries the statutory days of the Labour Code (Tết Dương lịch, Tết Nguyên đán with the
days around it, Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and the day next to it) and the substitute days and
make-up Saturdays it knows of. A province's or the government's later announcements go into
``queue_server/catalogue/calendar_overrides.json`` (or the file named by ``MOTCUA_CALENDAR_OVERRIDES``):
``days_off`` and ``working_days`` lists of ``{"date": "YYYY-MM-DD", "vi", "en", "source"}``.
"""

from __future__ import annotations

import functools
import json
import os
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import holidays

from queue_server.core.workdays import WorkCalendar

__all__ = ["load_overrides", "work_calendar"]


def load_overrides(path: str | os.PathLike[str] | None = None) -> tuple[frozenset[date], frozenset[date]]:
    """``(days_off, working_days)`` from the overrides table (the packaged one by default)."""
    if path is None:
        text = resources.files("queue_server.catalogue").joinpath("calendar_overrides.json").read_text("utf-8")
        source = "queue_server/catalogue/calendar_overrides.json"
    else:
        text, source = Path(path).read_text("utf-8-sig"), os.fspath(path)
    data: Any = json.loads(text)

    def days(key: str) -> frozenset[date]:
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise ValueError(f"{source}: {key!r} must be a list")
        try:
            return frozenset(date.fromisoformat(str(e["date"])) for e in entries)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{source}: {key!r}: every entry needs a valid 'date' (YYYY-MM-DD): {exc}") from exc

    return days("days_off"), days("working_days")


@functools.lru_cache(maxsize=8)
def work_calendar(first_year: int, last_year: int, overrides: str | None = None) -> WorkCalendar:
    """Vietnam's calendar for the years (the package's holidays and make-up days, then the table's)."""
    years = list(range(first_year, last_year + 1))
    vietnam = holidays.country_holidays("VN", years=years)
    off = frozenset(vietnam.keys())
    make_up: set[date] = set()
    weekend_workdays = getattr(vietnam, "weekend_workdays", None)
    if weekend_workdays:
        make_up.update(d for d in weekend_workdays if first_year <= d.year <= last_year)
    extra_off, extra_work = load_overrides(overrides or os.environ.get("MOTCUA_CALENDAR_OVERRIDES") or None)
    return WorkCalendar(days_off=(off | extra_off) - extra_work, working_weekend_days=frozenset(make_up | extra_work))
