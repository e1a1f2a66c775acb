"""The dashboard's JSON over a real SQLite store filled by the generator, in-process (httpx) and timed."""

from __future__ import annotations

import time
from typing import Any

from monitor_dashboard_helpers import NOW, SITES, issue_tickets

# ``client`` (conftest): the monitor's app in-process, signed in as the demo province operator.


def test_overview_lists_every_site_with_live_status_ranking_and_productivity(client: Any) -> None:
    res = client.get("/api/v1/dashboard/overview")
    assert res.status_code == 200
    body = res.json()
    assert {row["site"] for row in body["sites"]} == set(SITES)
    row = next(r for r in body["sites"] if r["site"] == "bn-yenphong")
    assert row["name"] == "Bộ phận một cửa huyện Yên Phong" and row["level"] == "district"
    for key in (
        "waiting_now",
        "median_wait_min",
        "within_target_pct",
        "satisfaction_pct",
        "negative_pct",
        "devices_offline",
        "score",
        "rank",
    ):
        assert key in row
    assert row["arrivals_today"] > 0 and row["rank"] in (1, 2) and row["rank_of"] == 2
    assert body["province"]["sites"] == len(SITES)
    assert body["targets"]["productivity"]["commune"] == {"low": 500, "high": 800}
    assert body["day"] == "2026-11-26"


def test_site_page_has_hourly_series_forecast_tables_and_alerts(client: Any) -> None:
    body = client.get("/api/v1/dashboard/sites/bn-yenphong").json()
    assert len(body["hourly"]["arrivals"]) == 24 and sum(body["hourly"]["arrivals"]) == body["live"]["arrivals_today"]
    assert sum(body["hourly"]["forecast"]) > 0
    assert body["forecast_next"]["day"] == "2026-11-27" and body["forecast_next"]["total"] > 0
    assert {s["service"] for s in body["services"]} >= {"DD", "TK"}
    assert body["counters"] and all(c["state"] in ("open", "paused", "closed") for c in body["counters"])
    assert body["productivity"]["target_low"] == 1000 and body["productivity"]["per_person_year"] > 0
    assert body["staff"] and body["devices"]
    assert len(body["daily"]) == 28


def test_unknown_site_is_a_json_404_in_both_languages(client: Any) -> None:
    res = client.get("/api/v1/dashboard/sites/no-such-site")
    assert res.status_code == 404
    assert res.json()["code"] == "site_not_found" and "Không có" in res.json()["message_vi"]


def test_unchanged_overview_answers_304_to_its_etag(client: Any) -> None:
    first = client.get("/api/v1/dashboard/overview")
    again = client.get("/api/v1/dashboard/overview", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_newly_ingested_ticket_shows_in_waiting_now(client: Any, store: Any) -> None:
    before = {r["site"]: r for r in client.get("/api/v1/dashboard/overview").json()["sites"]}
    issue_tickets(store, "bn-yenpho-tamda", 4, NOW)
    after = {r["site"]: r for r in client.get("/api/v1/dashboard/overview").json()["sites"]}
    assert after["bn-yenpho-tamda"]["waiting_now"] == before["bn-yenpho-tamda"]["waiting_now"] + 4
    assert after["bn-yenpho-tamda"]["arrivals_today"] == before["bn-yenpho-tamda"]["arrivals_today"] + 4


def test_overview_is_served_from_cache_quickly(client: Any) -> None:
    client.get("/api/v1/dashboard/overview")
    started = time.perf_counter()
    for _ in range(5):
        assert client.get("/api/v1/dashboard/overview").status_code == 200
    assert (time.perf_counter() - started) / 5 < 0.5


def test_pages_and_static_files_are_served(client: Any) -> None:
    assert "dashboard-static/vendor/chart.umd.js" in client.get("/").text
    assert client.get("/sites/bn-yenphong").status_code == 200
    js = client.get("/dashboard-static/vendor/chart.umd.js")
    assert js.status_code == 200 and "Chart.js v4" in js.text[:200]
