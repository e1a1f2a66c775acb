"""Next-day arrivals per site and hour: a weekday × hour profile scaled by the recent level.

For a target day *d* (weekday *w*), with the history of hourly arrivals of the last ``weeks`` weeks:

1. ``total_w`` = mean daily arrivals on weekday *w* over those weeks (0 for a day the site is closed);
2. the hour profile = a blend of weekday *w*'s own hourly shares and the shares of all Monday–Friday days
   (weekdays share a morning peak, so pooling them steadies the shape of a small commune's day);
3. the recent level ``r`` = arrivals of the last 7 days / the mean week of the window; whole weeks on
   both sides, so the weekday mix cancels out; shrunk halfway towards 1 and clipped to [0.5, 2];
4. forecast(d, h) = ``total_w`` × profile(h) × level.

Errors are reported as WAPE (Σ|error| / Σ actual) over every site-hour, and MAE per site-hour over
opening hours; baselines: yesterday's arrivals, the previous open day, and the same day last week.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

HOURS = 24
OPEN_HOURS = range(7, 18)
History = Mapping[date, Sequence[float]]
Method = Callable[[History, date], list[float]]


def filled(history: Mapping[date, Sequence[float]], start: date, end: date) -> dict[date, list[float]]:
    """Every day from ``start`` to ``end`` inclusive; days missing from ``history`` are zero (closed)."""
    out: dict[date, list[float]] = {}
    day = start
    while day <= end:
        out[day] = list(history.get(day, [0.0] * HOURS))
        day += timedelta(days=1)
    return out


def _mean_rows(rows: Sequence[Sequence[float]]) -> list[float]:
    if not rows:
        return [0.0] * HOURS
    return [sum(row[h] for row in rows) / len(rows) for h in range(HOURS)]


def _shares(row: Sequence[float]) -> list[float] | None:
    total = sum(row)
    return None if total <= 0 else [v / total for v in row]


@dataclass(frozen=True, slots=True)
class Profile:
    """Settings of the weekday × hour forecast."""

    weeks: int = 4
    blend: float = 0.5
    shrink: float = 0.5
    level_min: float = 0.5
    level_max: float = 2.0

    def __call__(self, history: History, target: date) -> list[float]:
        """Forecast arrivals of each hour of ``target`` from days before it."""
        window = [target - timedelta(days=k) for k in range(1, 7 * self.weeks + 1)]
        known = [d for d in window if d in history]
        same = [history[d] for d in known if d.weekday() == target.weekday()]
        if not same:
            return [0.0] * HOURS
        own = _mean_rows(same)
        total = sum(own)
        if total <= 0:
            return [0.0] * HOURS
        own_shape = _shares(own) or [0.0] * HOURS
        shape = own_shape
        if target.weekday() < 5:
            pooled = _shares(_mean_rows([history[d] for d in known if d.weekday() < 5]))
            if pooled is not None:
                shape = [self.blend * a + (1.0 - self.blend) * b for a, b in zip(own_shape, pooled, strict=True)]
        level = self.level(history, target)
        return [total * s * level for s in shape]

    def level(self, history: History, target: date) -> float:
        """Arrivals of the last week against the mean week of the window, shrunk towards 1 and clipped."""
        last_week = [history[d] for k in range(1, 8) if (d := target - timedelta(days=k)) in history]
        window = [history[d] for k in range(1, 7 * self.weeks + 1) if (d := target - timedelta(days=k)) in history]
        if len(last_week) < 7 or len(window) < 14:
            return 1.0
        mean_week = sum(sum(row) for row in window) / (len(window) / 7.0)
        if mean_week <= 0:
            return 1.0
        ratio = sum(sum(row) for row in last_week) / mean_week
        return min(self.level_max, max(self.level_min, 1.0 + self.shrink * (ratio - 1.0)))


forecast_day: Method = Profile()


def recent_open_days(history: History, target: date, weeks: int = 4) -> list[float]:
    """For a weekday with no same-weekday history (a site that joined this week): the mean hourly arrivals of
    the Monday–Friday days with arrivals in the last ``weeks`` weeks; zero for Saturday and Sunday (whether a
    site opens at the weekend is only known from its own weekends)."""
    if target.weekday() >= 5:
        return [0.0] * HOURS
    window = [target - timedelta(days=k) for k in range(1, 7 * weeks + 1)]
    rows = [history[d] for d in window if d in history and d.weekday() < 5 and sum(history[d]) > 0]
    return _mean_rows(rows)


def has_same_weekday(history: History, target: date, weeks: int = 4) -> bool:
    """Whether ``history`` holds a day of ``target``'s weekday within the last ``weeks`` weeks before it."""
    return any(target - timedelta(days=7 * k) in history for k in range(1, weeks + 1))


def naive_yesterday(history: History, target: date) -> list[float]:
    """Baseline: the arrivals of the calendar day before (zero after a closed day)."""
    return list(history.get(target - timedelta(days=1), [0.0] * HOURS))


def naive_previous_open_day(history: History, target: date) -> list[float]:
    """Baseline: the arrivals of the last day before ``target`` with any arrival."""
    for k in range(1, 15):
        row = history.get(target - timedelta(days=k))
        if row is not None and sum(row) > 0:
            return list(row)
    return [0.0] * HOURS


def same_day_last_week(history: History, target: date) -> list[float]:
    """Baseline: the arrivals of the same weekday a week before."""
    return list(history.get(target - timedelta(days=7), [0.0] * HOURS))


@dataclass(frozen=True, slots=True)
class ErrorReport:
    """Forecast errors over many site-days."""

    site_days: int
    actual: float
    wape_pct: float | None
    mae_open_hour: float | None
    daily_wape_pct: float | None


def evaluate(histories: Mapping[str, History], days: Iterable[date], method: Method) -> ErrorReport:
    """Errors of ``method`` forecasting each of ``days`` for each site from the days before it."""
    abs_err = actual_sum = open_err = daily_err = 0.0
    open_n = site_days = 0
    targets = list(days)
    for history in histories.values():
        for day in targets:
            if day not in history:
                continue
            actual = history[day]
            predicted = method({d: row for d, row in history.items() if d < day}, day)
            site_days += 1
            actual_sum += sum(actual)
            daily_err += abs(sum(predicted) - sum(actual))
            for h in range(HOURS):
                err = abs(predicted[h] - actual[h])
                abs_err += err
                if h in OPEN_HOURS and day.weekday() < 6:
                    open_err += err
                    open_n += 1
    return ErrorReport(
        site_days=site_days,
        actual=actual_sum,
        wape_pct=None if actual_sum <= 0 else round(100.0 * abs_err / actual_sum, 1),
        mae_open_hour=None if open_n == 0 else round(open_err / open_n, 2),
        daily_wape_pct=None if actual_sum <= 0 else round(100.0 * daily_err / actual_sum, 1),
    )


BASELINES: Mapping[str, Method] = {
    "profile": forecast_day,
    "yesterday": naive_yesterday,
    "previous_open_day": naive_previous_open_day,
    "same_day_last_week": same_day_last_week,
}
