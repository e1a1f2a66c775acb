"""The server's clock is stepped: back an hour (an NTP correction), forward a day (a Pi without RTC battery).

The wall clock is a hand-moved ``Clock``; the monotonic clock beside it (what ``time.monotonic`` is to a
real server) moves only with real elapsed time, so a jump of the wall clock is a step the server can see.
Whatever the clock does: no number twice, no negative or absurd wait, the day rolls over once, KPIs sane.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from manual_clock import Clock
from prometheus_client.parser import text_string_to_metric_families

from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database

START = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 09:00 in Hanoi
LATE = datetime(2026, 11, 30, 16, 50, tzinfo=UTC)  # 23:50 in Hanoi: ten minutes before the day rolls over
ABSURD_MIN = 120.0  # nobody in these scenarios really waits two hours


class Monotonic:
    """Seconds of real elapsed time, moved by the test alongside the wall clock (never by a jump)."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@dataclass
class Site:
    client: TestClient
    service: QueueService
    wall: Clock
    mono: Monotonic
    tokens: dict[str, str]

    def elapse(self, minutes: float) -> None:
        """Real time passes: both clocks move."""
        self.wall.advance(minutes)
        self.mono.value += minutes * 60

    def jump(self, minutes: float) -> None:
        """The wall clock is stepped; no real time passes."""
        self.wall.advance(minutes)

    def issue(self, service: str = "HT") -> dict[str, Any]:
        r = self.client.post(
            "/api/v1/tickets",
            json={"service": service, "lang": "vi"},
            headers={"Authorization": f"Bearer {self.tokens['kiosk']}", "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201, r.text
        ticket = dict(r.json())
        assert ticket["estimated_wait_at_issue_min"] is None or 0 <= ticket["estimated_wait_at_issue_min"] < 600
        return ticket

    def act(self, action: str, **body: object) -> dict[str, Any]:
        r = self.client.post(
            f"/api/v1/counters/1/{action}", json=body or None, headers={"Authorization": f"Bearer {self.tokens['c1']}"}
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    def serve_next(self, minutes: float = 3.0) -> dict[str, Any]:
        called = self.act("next")
        self.act("start")
        self.elapse(minutes)
        self.act("done")
        return called

    def kpis(self, day: str | None = None) -> dict[str, Any]:
        r = self.client.get(
            "/api/v1/kpis",
            params={"date": day} if day else None,
            headers={"Authorization": f"Bearer {self.tokens['admin']}"},
        )
        assert r.status_code == 200, r.text
        return dict(r.json())

    def oldest_waits(self) -> dict[str, float]:
        text = self.client.get("/metrics").text
        return {
            s.labels["service"]: s.value
            for f in text_string_to_metric_families(text)
            for s in f.samples
            if s.name == "motcua_queue_oldest_wait_seconds"
        }


@contextmanager
def open_site(data_dir: Path, start: datetime, **overrides: Any) -> Iterator[Site]:
    settings = ServerSettings(data_dir=data_dir, site_id="clock-site", **overrides)
    db = open_database(data_dir)
    try:
        seed_demo(db)
        wall, mono = Clock(start), Monotonic()
        service = QueueService(db, settings.site_id, settings.queue_config(), clock=wall, monotonic=mono)
        tokens = {role: create_token(db, role) for role in ("kiosk", "admin")}
        tokens["c1"] = create_token(db, "counter", counter_id="1")
        with TestClient(create_app(settings, service=service, with_mqtt=False)) as client:
            site = Site(client, service, wall, mono, tokens)
            site.act("sign-in", staff_id="NV01")
            yield site
    finally:
        db.close()


def numbers_are_unique_per_day(service: QueueService) -> list[tuple[str, str]]:
    rows = service.db.read("SELECT day, number FROM tickets ORDER BY issued_at")
    pairs = [(str(r["day"]), str(r["number"])) for r in rows]
    assert len(pairs) == len(set(pairs)), pairs
    return pairs


def assert_sane(report: dict[str, Any]) -> None:
    wait = report["wait_min"]
    for key in ("p50", "p90", "max", "mean"):
        value = wait.get(key)
        assert value is None or 0 <= value < ABSURD_MIN, (key, wait)
    longest = report.get("longest_open_wait_min")
    assert longest is None or 0 <= longest < ABSURD_MIN, longest
    for key in ("served_within_15_min_pct", "served_within_30_min_pct"):
        if report.get(key) is not None:
            assert 0 <= report[key] <= 100


def test_back_an_hour_issues_no_number_twice_and_keeps_the_queue_order(tmp_path):
    with open_site(tmp_path, START) as site:
        before = [site.issue()["number"] for _ in range(3)]
        site.elapse(10)
        site.jump(-60)  # NTP: the clock was an hour fast
        after = []
        for _ in range(2):
            site.elapse(1)
            after.append(site.issue()["number"])
        assert before + after == ["A001", "A002", "A003", "A004", "A005"]
        assert all(w >= 0 for w in site.oldest_waits().values())
        called = [site.serve_next()["number"] for _ in range(5)]
        assert called == before + after  # the tickets taken after the step do not jump the queue
        pairs = numbers_are_unique_per_day(site.service)
        assert {day for day, _n in pairs} == {"2026-11-30"}
        report = site.kpis("2026-11-30")
        assert (report["tickets_issued"], report["tickets_done"]) == (5, 5)
        assert_sane(report)
        assert report["wait_min"]["max"] <= 30


def test_back_an_hour_across_the_day_boundary_does_not_roll_the_day_back(tmp_path):
    with open_site(tmp_path, LATE) as site:
        first = site.issue()
        site.elapse(30)  # 00:20: a new service day
        second = site.issue()
        site.jump(-60)  # 23:20 of the day before, by the wall clock
        site.elapse(1)
        third = site.issue()
        site.elapse(2)
        fourth = site.issue()
        days = [t["day"] for t in (first, second, third, fourth)]
        assert days == ["2026-11-30", "2026-12-01", "2026-12-01", "2026-12-01"]  # rolled over once
        assert [t["number"] for t in (second, third, fourth)] == ["A001", "A002", "A003"]
        numbers_are_unique_per_day(site.service)
        site.elapse(70)  # the wall clock passes the time it had reached before the step
        fifth = site.issue()
        assert (fifth["day"], fifth["number"]) == ("2026-12-01", "A004")
        for _ in range(5):
            site.serve_next(1)
        assert_sane(site.kpis("2026-12-01"))
        assert_sane(site.kpis("2026-11-30"))


def test_forward_a_day_rolls_the_day_over_once_without_a_day_long_wait(tmp_path):
    with open_site(tmp_path, START) as site:
        yesterday = [site.issue() for _ in range(3)]
        site.elapse(5)
        site.jump(24 * 60)  # the RTC had lost a day; NTP sets it right
        site.elapse(2)
        today = [site.issue() for _ in range(2)]
        assert {t["day"] for t in yesterday} == {"2026-11-30"}
        assert [(t["day"], t["number"]) for t in today] == [("2026-12-01", "A001"), ("2026-12-01", "A002")]
        numbers_are_unique_per_day(site.service)
        oldest = site.oldest_waits()["HT"]
        assert 0 <= oldest <= 10 * 60, oldest  # seven minutes really passed, not a day
        served = [site.serve_next(2) for _ in range(5)]
        assert [t["number"] for t in served] == ["A001", "A002", "A003", "A001", "A002"]
        report = site.kpis("2026-12-01")
        assert_sane(report)
        assert report["wait_min"]["max"] < 30
        assert report["tickets_done"] == 5  # yesterday's three were served today
        assert 1.5 <= report["service_min"]["p50"] <= report["service_min"]["max"] <= 3  # two minutes each, really
        assert_sane(site.kpis("2026-11-30"))
        # and the ticket a citizen follows on the phone says nothing absurd either
        followed = site.client.get(f"/api/v1/tickets/{yesterday[0]['id']}").json()
        assert followed["status"] == "done"
        assert followed["issued_at"] >= today[0]["issued_at"][:10]


def test_a_server_restarted_with_its_clock_in_the_past_does_not_go_back(tmp_path):
    with open_site(tmp_path, START) as site:
        site.issue()
        site.elapse(20)
        site.issue()
    # A Pi without RTC battery boots at 1970 before NTP answers; the event log knows better.
    with open_site(tmp_path, datetime(1970, 1, 1, tzinfo=UTC)) as site:
        ticket = site.issue()
        assert (ticket["day"], ticket["number"]) == ("2026-11-30", "A003")
        assert all(0 <= w < ABSURD_MIN * 60 for w in site.oldest_waits().values())
        assert_sane(site.kpis("2026-11-30"))
        assert datetime.fromisoformat(ticket["issued_at"]) >= START + timedelta(minutes=20)
