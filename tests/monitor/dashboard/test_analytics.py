"""Pure analytics: ledger figures, ranking, productivity, forecast (no I/O)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from monitor.analytics import forecast as fc
from monitor.analytics.figures import live_status
from monitor.analytics.ledger import Ledger
from monitor.analytics.model import Event
from monitor.analytics.productivity import site_productivity, staff_productivity, working_days
from monitor.analytics.ranking import MIN_VISITS, ScoreInput, components, rank_sites, score

ROOT = Path(__file__).resolve().parents[3]
DAY = date(2026, 11, 26)  # a Thursday
T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 08:00 in Việt Nam


class Feed:
    """Builds one site's events with growing sequence numbers."""

    def __init__(self, site: str = "s1") -> None:
        self.site = site
        self.seq = 0
        self.events: list[Event] = []

    def add(self, type_: str, minute: float, **data: object) -> None:
        self.seq += 1
        self.events.append(Event(self.site, self.seq, type_, T0 + timedelta(minutes=minute), dict(data)))

    def ticket(self, tid: str, queued: float, called: float | None = None, done: float | None = None) -> None:
        base = {
            "ticket_id": tid,
            "service": "HT",
            "day": DAY.isoformat(),
            "queued_at": (T0 + timedelta(minutes=queued)).isoformat(),
        }
        self.add("ticket.issued", queued, **base)
        if called is not None:
            self.add("ticket.called", called, **base, counter_id="Q01", staff_id="cb01")
        if done is not None:
            self.add("ticket.done", done, **base, counter_id="Q01", staff_id="cb01", service_min=done - called)


def test_waits_are_measured_from_queueing_to_the_first_call() -> None:
    feed = Feed()
    feed.ticket("t1", 0, called=5, done=12)
    feed.ticket("t2", 1, called=21, done=30)
    feed.ticket("t3", 2)
    ledger = Ledger()
    ledger.add_all(feed.events)
    fig = ledger.figures("s1", DAY, now=T0 + timedelta(minutes=40))
    assert sorted(fig.waits) == [5.0, 20.0]
    assert fig.waiting_now == 1 and fig.done == 2 and fig.arrivals == 3
    status = live_status(fig)
    # t3 has waited 38 minutes and is still waiting: it already counts as a miss of the 15-minute target.
    assert status.within_target_pct == pytest.approx(33.3)
    assert status.waiting_over_target == 1
    assert status.median_wait_min == 12.5
    assert fig.arrivals_by_hour[8] == 3


def test_events_arriving_out_of_order_give_the_same_figures() -> None:
    feed = Feed()
    feed.ticket("t1", 0, called=5, done=12)
    feed.ticket("t2", 3, called=30, done=31)
    forward, backward = Ledger(), Ledger()
    forward.add_all(feed.events)
    backward.add_all(reversed(feed.events))
    a, b = forward.figures("s1", DAY), backward.figures("s1", DAY)
    assert sorted(a.waits) == sorted(b.waits) and a.done == b.done == 2 and a.arrivals == b.arrivals == 2


def test_satisfaction_counts_satisfied_ratings_and_negative_share_counts_sentiment() -> None:
    feed = Feed()
    for rating, label in [
        ("very_satisfied", "positive"),
        ("satisfied", "neutral"),
        ("neutral", "negative"),
        ("dissatisfied", "negative"),
    ]:
        feed.add("feedback.submitted", 10, rating=rating, sentiment={"label": label, "score": 0.9}, service="HT")
    feed.add("feedback.submitted", 11, rating="satisfied")  # no sentiment: counts for satisfaction only
    ledger = Ledger()
    ledger.add_all(feed.events)
    status = live_status(ledger.figures("s1", DAY, now=T0))
    assert status.satisfaction_pct == 60.0
    assert status.negative_pct == 50.0


def test_a_transferred_ticket_waits_again_in_its_new_queue_without_counting_as_an_arrival() -> None:
    feed = Feed()
    feed.ticket("t1", 0, called=2)
    feed.add(
        "ticket.transferred", 6, ticket_id="t1", service="HT", to_service="CT", new_ticket_id="t1b", day=DAY.isoformat()
    )
    feed.add("ticket.called", 16, ticket_id="t1b", service="CT", counter_id="Q02", staff_id="cb02")
    ledger = Ledger()
    ledger.add_all(feed.events)
    fig = ledger.figures("s1", DAY)
    assert fig.arrivals == 1
    assert sorted(fig.waits) == [2.0, 10.0]


def test_past_day_figures_are_cached_until_a_new_event_of_that_day_arrives() -> None:
    feed = Feed()
    feed.ticket("t1", 0, called=5, done=9)
    ledger = Ledger()
    ledger.add_all(feed.events)
    first = ledger.figures("s1", DAY)
    assert ledger.figures("s1", DAY) is first
    feed.ticket("t2", 10, called=12)
    ledger.add_all(feed.events[-2:])
    assert ledger.figures("s1", DAY).arrivals == 2


def test_ranking_weights_components_and_ranks_within_each_level() -> None:
    items = [
        ScoreInput("d-good", "district", 500, 95.0, 97.0, 2.0, 200, 100.0),
        ScoreInput("d-slow", "district", 500, 60.0, 97.0, 2.0, 200, 100.0),
        ScoreInput("c-a", "commune", 80, 90.0, 90.0, 10.0, 40, 80.0),
        ScoreInput("c-tiny", "commune", MIN_VISITS - 1, 100.0, 100.0, 0.0, 20, 100.0),
        ScoreInput("p", "province", 5000, 80.0, 85.0, 8.0, 900, 100.0),
    ]
    ranked = rank_sites(items)
    assert [r.site for r in ranked] == ["p", "d-good", "d-slow", "c-a", "c-tiny"]
    by_site = {r.site: r for r in ranked}
    assert (by_site["d-good"].rank, by_site["d-good"].of) == (1, 2)
    assert by_site["c-tiny"].rank is None and by_site["c-tiny"].score is None
    parts = components(items[0])
    # No dossier events in this input: desk, on-time and digitisation have no data and their weight is shared out.
    assert parts == {
        "wait": 95.0,
        "satisfaction": 100.0,
        "negative": 90.0,
        "productivity": 100.0,
        "desk": None,
        "on_time": None,
        "digitisation": None,
    }
    expected = (0.25 * 95 + 0.25 * 100 + 0.10 * 90 + 0.15 * 100) / (0.25 + 0.25 + 0.10 + 0.15)
    assert score(parts) == pytest.approx(expected, abs=0.05)


def test_score_shares_out_the_weight_of_a_missing_component() -> None:
    assert score({"wait": 80.0, "satisfaction": None, "negative": None, "productivity": None}) == 80.0
    assert score({"wait": None, "satisfaction": None, "negative": None, "productivity": None}) is None


def test_productivity_extrapolates_dossiers_per_working_day_to_a_year_per_person() -> None:
    two_weeks = [
        date(2026, 11, 16) + timedelta(days=k) for k in range(14)
    ]  # Mon 16 .. Sun 29: 10 weekdays, 2 Saturdays
    days = working_days(two_weeks)
    assert days == 11.0
    result = site_productivity(level="district", staff=20, dossiers=1100, tickets_done=5000, days=days)
    # 1,100 dossiers in 11 working days = 100 a day = 25,000 a year, over 20 people.
    assert result.per_person_year == 1250.0 and result.status == "met" and result.basis == "dossiers"
    commune = site_productivity(level="commune", staff=8, dossiers=0, tickets_done=440, days=days)
    assert commune.basis == "tickets_done" and commune.per_person_year == 1250.0 and commune.status == "above_band"
    low = site_productivity(level="province", staff=75, dossiers=3000, tickets_done=0, days=days)
    assert low.status == "below" and low.attainment_pct == pytest.approx(50.5, abs=0.1)


def test_a_site_without_declared_staff_has_no_per_person_figure_and_says_so() -> None:
    for staff in (0, -3):
        result = site_productivity(level="commune", staff=staff, dossiers=120, tickets_done=400, days=11.0)
        assert (result.per_person_year, result.status, result.attainment_pct) == (None, "no_staff", None)
        assert result.staff == 0 and result.count == 120
    no_days = site_productivity(level="commune", staff=0, dossiers=0, tickets_done=0, days=0.0)
    assert no_days.status == "no_staff" and no_days.per_person_year is None


def test_staff_productivity_credits_dossiers_to_whoever_served_the_ticket() -> None:
    rows = staff_productivity(
        level="commune", served_by_staff={"a": 50, "b": 40}, dossiers_by_staff={"a": 10, "b": 30}, days=10.0
    )
    assert [(r.staff_id, r.per_year, r.status) for r in rows] == [("b", 750.0, "met"), ("a", 250.0, "below")]


def test_profile_forecast_follows_the_weekday_and_closes_on_sunday() -> None:
    history = {}
    start = date(2026, 10, 26)  # a Monday
    for k in range(28):
        day = start + timedelta(days=k)
        level = [120, 100, 100, 100, 80, 30, 0][day.weekday()]
        history[day] = [0.0] * 7 + [level * 0.3, level * 0.4, level * 0.3] + [0.0] * 14
    monday = start + timedelta(days=28)
    assert sum(fc.forecast_day(history, monday)) == pytest.approx(120.0)
    assert sum(fc.forecast_day(history, monday + timedelta(days=6))) == 0.0


def test_the_next_forecast_is_for_tomorrow_whatever_history_the_site_has() -> None:
    from monitor.analytics.views import forecasts
    from monitor.generator import province_sites, site_events

    now = datetime(2026, 11, 26, 3, 30, tzinfo=UTC)  # Thursday 10:30 in Việt Nam
    profile = next(p for p in province_sites() if p.info.level == "district")
    for weeks, basis in ((0, "recent"), (3, "weekday")):
        ledger = Ledger()
        ledger.add_all(site_events(profile, weeks=weeks, now=now, seed=717))
        _, day, row, why = forecasts(ledger, profile.info.site, now)
        assert (day, why) == (date(2026, 11, 27), basis)
        assert sum(row) > 0
    # On a Saturday the next day is Sunday: forecast as closed (no arrivals on past Sundays), not skipped.
    ledger = Ledger()
    saturday = datetime(2026, 11, 28, 3, 30, tzinfo=UTC)
    ledger.add_all(site_events(profile, weeks=3, now=saturday, seed=717))
    _, day, row, why = forecasts(ledger, profile.info.site, saturday)
    assert (day, why, sum(row)) == (date(2026, 11, 29), "closed", 0.0)


def test_forecast_beats_naive_yesterday_on_the_generators_data() -> None:
    from monitor.generator import hourly_arrivals, province_sites

    seed = 5
    sites = province_sites()[::9]  # 15 sites of every level
    start = date(2026, 9, 7)
    histories = {
        p.info.site: {start + timedelta(days=k): hourly_arrivals(p, start + timedelta(days=k), seed) for k in range(42)}
        for p in sites
    }
    held_out = [start + timedelta(days=k) for k in range(28, 42)]
    profile = fc.evaluate(histories, held_out, fc.forecast_day)
    yesterday = fc.evaluate(histories, held_out, fc.naive_yesterday)
    previous_open = fc.evaluate(histories, held_out, fc.naive_previous_open_day)
    assert profile.wape_pct is not None and yesterday.wape_pct is not None and previous_open.wape_pct is not None
    assert profile.wape_pct < yesterday.wape_pct
    assert profile.wape_pct < previous_open.wape_pct
    assert profile.wape_pct < 40.0


@pytest.mark.parametrize("module", ["monitor.analytics", "monitor.analytics.views", "monitor.analytics.forecast"])
def test_analytics_import_no_web_or_database_framework(module: str) -> None:
    code = (
        f"import importlib, sys; importlib.import_module({module!r}); "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'starlette', 'sqlite3', 'psycopg', 'httpx'}); "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""
