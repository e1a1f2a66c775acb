"""Pure agent logic: what goes upward, outbox eviction, health parsing, the bridge config; and purity."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from edge_agent.core.bridge import bridge_config, bridge_state_topic
from edge_agent.core.health import parse_meminfo, parse_printer_status, parse_thermal, parse_uptime
from edge_agent.core.outbox_policy import OutboxLimits, OutboxRow, plan_eviction
from edge_agent.core.uplink import uplink_fields

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def test_known_types_keep_only_whitelisted_fields():
    kind, data = uplink_fields(
        "dossier.submitted",
        {"dossier_id": "d1", "procedure_code": "1.001", "number": "A1", "service": "HT", "form": {"full_name": "X"}},
    )
    assert kind == "business"
    assert data == {"dossier_id": "d1", "procedure_code": "1.001", "number": "A1", "service": "HT"}


def test_feedback_comment_is_redacted_and_unknown_types_lose_personal_keys():
    _, data = uplink_fields(
        "feedback.submitted",
        {"ticket_id": "t", "rating": "satisfied", "comment": "Chị Lan tốt, gọi 0912345678", "phone": "0912345678"},
    )
    assert data == {"ticket_id": "t", "rating": "satisfied", "comment": "Chị [NAME] tốt, gọi [PHONE]"}
    _kind, data = uplink_fields(
        "something.new", {"citizen_name": "Nguyễn Văn A", "note": "anh Nam", "count": 2, "phone_no": "1"}
    )
    assert data == {"note": "anh [NAME]", "count": 2}
    assert uplink_fields("device.health", {})[0] == "health"


def _rows(kinds, size=100, age=timedelta(0)):
    return [OutboxRow(i + 1, k, size, T0 - age) for i, k in enumerate(kinds)]


def test_eviction_drops_health_first_then_oldest_business():
    rows = _rows(["business", "health", "business", "health", "business"])
    plan = plan_eviction(rows, OutboxLimits(max_events=4, low_water=1.0), T0)
    assert plan.health == (2,)
    assert plan.business == ()
    plan = plan_eviction(rows, OutboxLimits(max_events=2, low_water=1.0), T0)
    assert plan.health == (2, 4)
    assert plan.business == (1,)
    assert not plan_eviction(rows, OutboxLimits(max_events=10), T0)


def test_eviction_by_bytes_age_and_low_water():
    rows = _rows(["business"] * 10, size=1000)
    plan = plan_eviction(rows, OutboxLimits(max_bytes=9000, low_water=0.5), T0)
    assert plan.business == (1, 2, 3, 4, 5, 6)  # down to 4,500 bytes
    old = _rows(["health", "business"], age=timedelta(days=40))
    assert plan_eviction(old, OutboxLimits(max_age=timedelta(days=30)), T0).business == (2,)


def test_health_parsers():
    assert parse_uptime("1234.5 99.0\n") == 1234.5
    assert parse_uptime("") is None
    assert parse_meminfo("MemTotal:  2048000 kB\nMemFree: 1 kB\nMemAvailable: 1024000 kB\n") == {
        "mem_total_mb": 2000.0,
        "mem_available_mb": 1000.0,
    }
    assert parse_thermal([("acpitz", "40000"), ("x86_pkg_temp", "52500\n")]) == 52.5
    assert parse_thermal([("cpu-thermal", "bad")]) is None
    assert parse_printer_status(None) == {"state": "unknown"}
    assert parse_printer_status("paper_low\n") == {"state": "paper_low"}
    assert parse_printer_status('{"state": "ok", "paper": "full", "x": [1]}') == {"state": "ok", "paper": "full"}
    assert parse_printer_status('{"state": "exploded"}') == {"state": "unknown"}


def test_bridge_config():
    text = bridge_config("bn-01", "province.example", 8883, username="u", password="p", cafile="/ca.pem")
    assert "topic motcua/bn-01/uplink out 1" in text
    assert "topic motcua/bn-01/uplink/ack in 1" in text
    assert "cleansession false" in text
    assert "address province.example:8883" in text
    assert f"notification_topic {bridge_state_topic('bn-01')}" in text
    assert "bridge_cafile /ca.pem" in text


@pytest.mark.parametrize(
    "module",
    [
        "edge_agent.core.redact",
        "edge_agent.core.uplink",
        "edge_agent.core.outbox_policy",
        "edge_agent.core.health",
        "edge_agent.core.bridge",
        "monitor.core.alerts",
    ],
)
def test_core_modules_import_no_io_libraries(module):
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('paho', 'sqlite3', 'fastapi', 'onnxruntime', 'psycopg', 'httpx') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
