"""The fault suite in its bounded CI form: real server processes, mosquitto, displays on MQTT (a few minutes)."""

from __future__ import annotations

import pytest

from simulation import faults
from simulation.scenario import load_scenario

pytestmark = pytest.mark.slow
SCENARIO = load_scenario("commune")


def test_kill9_under_load_loses_nothing_and_displays_recover():
    result = faults.kill9(SCENARIO, rounds=4)
    assert result.ok, result


def test_broker_restart_displays_show_current_state_again():
    result = faults.broker_restart(SCENARIO, down_s=1.0)
    assert result.ok, result


def test_malformed_mqtt_payloads_do_not_break_display_view_models():
    result = faults.malformed_mqtt(SCENARIO)
    assert result.ok, result


def test_malformed_api_bodies_and_headers_get_clean_4xx():
    result = faults.malformed_api(SCENARIO)
    assert result.ok, result


def test_full_data_disk_does_not_crash_the_server_and_it_recovers():
    result = faults.disk_full(SCENARIO)
    checks = result.checks
    assert checks["alive_when_full"] and checks["recovered"], result
    assert checks["lost"] == 0 and checks["numbers_twice"] == 0 and checks["healthy"], result
    # A full disk is a clear 503 storage_full in both languages, never a 500.
    assert 503 in checks["answers_when_full"] and 500 not in checks["answers_when_full"], result
    assert any(isinstance(b, dict) and b.get("code") == "storage_full" for b in checks["bodies"]), result
    assert result.ok, result
