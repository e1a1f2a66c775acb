"""Appointment dates: working days across weekends, Tết 2027, make-up Saturdays, the 15:00 cut-off."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from queue_server.core.workdays import WorkCalendar, add_working_days, due_at, working_days_between
from queue_server.dossiers.calendar import load_overrides, work_calendar

HN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_vietnam_calendar_has_tet_2027_from_the_holidays_package():
    cal = work_calendar(2027, 2027)
    # Tết Nguyên đán 2027: 6 February (Saturday); days off 4-10 February (29 Tết to mùng 5).
    for day in range(4, 11):
        assert not cal.is_working_day(date(2027, 2, day)), day
    assert cal.is_working_day(date(2027, 2, 3)) and cal.is_working_day(date(2027, 2, 11))
    assert not cal.is_working_day(date(2027, 9, 2)) and not cal.is_working_day(date(2027, 1, 1))


def test_due_dates_skip_tet_2027_and_weekends():
    cal = work_calendar(2027, 2027)
    # Received Tuesday 2 February 2027, 09:00, 3 working days: Wed 3, (Tết 4-10), Thu 11, Fri 12.
    assert due_at(cal, datetime(2027, 2, 2, 9, tzinfo=HN), 3, HN) == datetime(2027, 2, 12, 17, tzinfo=HN)
    # Friday 29 January, 5 working days: Mon 1, Tue 2, Wed 3, Thu 11, Fri 12 February.
    assert due_at(cal, datetime(2027, 1, 29, 10, tzinfo=HN), 5, HN).date() == date(2027, 2, 12)
    assert working_days_between(cal, date(2027, 2, 3), date(2027, 2, 11)) == 1


def test_same_day_cut_off_at_three_pm_and_weekend_receipt():
    cal = work_calendar(2026, 2026)
    friday = datetime(2026, 12, 4, 14, 59, tzinfo=HN)
    assert due_at(cal, friday, 0, HN) == datetime(2026, 12, 4, 17, tzinfo=HN)
    assert due_at(cal, friday.replace(hour=15, minute=0), 0, HN).date() == date(2026, 12, 7)  # Monday
    assert due_at(cal, datetime(2026, 12, 5, 9, tzinfo=HN), 0, HN).date() == date(2026, 12, 7)  # a Saturday
    assert due_at(cal, datetime(2026, 12, 5, 9, tzinfo=HN), 1, HN).date() == date(2026, 12, 8)
    # Half a day rounds up to one working day.
    assert due_at(cal, datetime(2026, 12, 3, 9, tzinfo=HN), 0.5, HN).date() == date(2026, 12, 4)


def test_make_up_saturdays_and_the_overrides_table(tmp_path, monkeypatch):
    cal = work_calendar(2026, 2026)
    assert cal.is_working_day(date(2026, 8, 22))  # Saturday worked for Monday 31 August (holidays package)
    assert not cal.is_working_day(date(2026, 8, 31))
    table = tmp_path / "overrides.json"
    table.write_text(
        json.dumps(
            {
                "days_off": [{"date": "2026-12-04", "vi": "Nghỉ bù (ví dụ)", "en": "Example", "source": "test"}],
                "working_days": [{"date": "2026-12-05", "vi": "Làm bù", "en": "Make-up", "source": "test"}],
            }
        )
    )
    off, work = load_overrides(table)
    assert off == {date(2026, 12, 4)} and work == {date(2026, 12, 5)}
    custom = work_calendar(2026, 2026, str(table))
    assert not custom.is_working_day(date(2026, 12, 4)) and custom.is_working_day(date(2026, 12, 5))
    assert due_at(custom, datetime(2026, 12, 3, 9, tzinfo=HN), 1, HN).date() == date(2026, 12, 5)
    assert load_overrides() == (frozenset(), frozenset())  # the shipped table: nothing beyond the package yet
    bad = tmp_path / "bad.json"
    bad.write_text('{"days_off": [{"date": "31/12/2026"}]}')
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        load_overrides(bad)


def test_pure_calendar_and_guards():
    cal = WorkCalendar(days_off=frozenset({date(2026, 12, 1)}))
    assert add_working_days(cal, date(2026, 11, 30), 2) == date(2026, 12, 3)
    with pytest.raises(ValueError, match="aware"):
        due_at(cal, datetime(2026, 12, 1, 9), 1, HN)  # naive
    with pytest.raises(ValueError, match=">= 0"):
        add_working_days(cal, date(2026, 12, 1), -1)
