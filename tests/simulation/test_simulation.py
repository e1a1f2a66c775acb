"""The simulated day: scenarios, estimate accuracy targets, staffing advice, replay against a real server."""

from __future__ import annotations

import pytest

from queue_server.core.staffing import counters_needed, erlang_c, wait_quantile
from simulation.engine import simulate
from simulation.scenario import load_scenario


def test_scenarios_are_sized_from_the_mission():
    province, district, commune = (load_scenario(n) for n in ("province", "district", "commune"))
    assert 900 <= len(province.citizens(1)) <= 1100
    assert 100 <= len(district.citizens(1)) <= 220
    assert 20 <= len(commune.citizens(1)) <= 60
    assert len(province.counters) <= 75 and len(commune.counters) == 2


@pytest.mark.parametrize("name", ["province", "district", "commune"])
def test_estimates_within_three_minutes_for_waits_under_thirty(name):
    days = [simulate(load_scenario(name), seed=seed) for seed in (1, 2)]
    for day in days:
        assert day.accuracy["under_30"]["mae"] <= 3.0, day.accuracy
        assert abs(day.accuracy["under_30"]["bias"]) <= 1.0, day.accuracy


def test_improved_estimator_beats_the_baseline_on_the_province_centre():
    scenario = load_scenario("province")
    before = simulate(scenario, seed=2, knowledge="baseline").accuracy["overall"]
    after = simulate(scenario, seed=2, knowledge="plan").accuracy["overall"]
    assert after["mae"] < before["mae"] and abs(after["bias"]) < abs(before["bias"])


def test_pure_simulation_kpis_come_from_the_event_log():
    day = simulate(load_scenario("commune"), seed=3)
    assert day.kpis["tickets_issued"] == day.citizens
    assert day.kpis["tickets_called"] == day.citizens  # the queue is finished at closing
    assert day.kpis["waiting_now"] == 0


def test_erlang_c_matches_known_values():
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = rho
    assert wait_quantile(1, 0.5, 1.0, 0.9) > wait_quantile(2, 0.5, 1.0, 0.9)
    assert counters_needed(0, 9) == 0
    assert counters_needed(60, 9, cv=0.5) >= 10  # offered load 9 needs more than 9 counters


def test_staffing_advice_holds_in_simulation():
    from simulation.staffing import verify

    verified = verify(load_scenario("district"), seeds=(1, 2))
    assert verified.holds, (verified.p90_overall, verified.p90_by_service)


@pytest.mark.slow
def test_replay_against_real_server_gives_the_same_kpis_and_displays_follow(tmp_path):
    from simulation.replay import replay

    scenario = load_scenario("commune")
    replayed = replay(scenario, seed=5, speed=1500.0, data_dir=tmp_path)
    core = simulate(scenario, seed=5, knowledge="none")
    for key in ("tickets_issued", "tickets_done", "no_shows", "wait_min", "served_within_15_min_pct"):
        assert replayed.kpis[key] == core.kpis[key], key
        assert replayed.extra["kpis_http"][key] == core.kpis[key], key
    assert replayed.accuracy == core.accuracy
    assert replayed.extra["displays_agree"]
    assert replayed.extra["display_calls_received"] == replayed.extra["calls_made"]
    assert not replayed.extra["display_errors"]
