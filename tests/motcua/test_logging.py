"""Logging of the entry points (motcua/runtime/logging.py) and the suite's personal-data log scan."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import log_scan
import pytest

from motcua.runtime.logging import JsonFormatter, KeyValueFormatter, configure_logging, log_format


def _record(msg: str, *args: object, exc: bool = False, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("motcua.test", logging.WARNING, __file__, 1, msg, args, None)
    if exc:
        try:
            raise ValueError("boom\nsecond line")
        except ValueError:
            record.exc_info = sys.exc_info()
    record.__dict__.update(extra)
    return record


def test_json_lines_carry_the_extra_fields_and_stay_on_one_line():
    line = JsonFormatter().format(_record("ticket %s called", "A001", exc=True, seq=12, counter="3"))
    assert "\n" not in line
    data = json.loads(line)
    assert data["msg"] == "ticket A001 called"
    assert data["level"] == "WARNING"
    assert data["logger"] == "motcua.test"
    assert (data["seq"], data["counter"]) == (12, "3")
    assert "ValueError: boom" in data["exc"]


def test_journal_lines_have_a_priority_prefix_and_key_value_fields():
    line = KeyValueFormatter(priority_prefix=True).format(_record("outbox full", exc=True, dropped=3, why="a b"))
    assert line.startswith('<4>outbox full logger=motcua.test dropped=3 why="a b"')
    assert "\n" not in line
    assert "ValueError: boom" in line


def test_the_format_follows_the_environment(monkeypatch):
    monkeypatch.setenv("MOTCUA_LOG_FORMAT", "json")
    assert log_format() == "json"
    monkeypatch.delenv("MOTCUA_LOG_FORMAT")
    monkeypatch.setenv("JOURNAL_STREAM", "1:1")  # not our stderr: a child that inherited the variable
    assert log_format(io.StringIO()) == "text"
    with tempfile.TemporaryFile("w+") as stream:
        st = os.fstat(stream.fileno())
        monkeypatch.setenv("JOURNAL_STREAM", f"{st.st_dev}:{st.st_ino}")
        assert log_format(stream) == "journal"


def test_an_entry_point_logs_json_lines_when_asked(tmp_path):
    code = (
        "import logging; from motcua.runtime.logging import configure_logging;"
        "configure_logging(quiet=('noisy',)); logging.getLogger('motcua.x').info('served', extra={'seq': 7});"
        "logging.getLogger('noisy').info('hidden')"
    )
    env = {**os.environ, "MOTCUA_LOG_FORMAT": "json"}
    env.pop("JOURNAL_STREAM", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stderr
    lines = out.splitlines()
    assert len(lines) == 1, out
    assert json.loads(lines[0])["seq"] == 7


def test_configure_logging_leaves_a_test_runners_handlers_alone():
    root = logging.getLogger()
    before = list(root.handlers)
    assert before  # pytest's and the log scan's
    configure_logging(verbose=True)
    assert root.handlers == before


def test_the_scan_fails_on_a_record_with_an_id_number_a_phone_or_a_name():
    scan = log_scan.LogScan(names=("nguyen thi hoa",))
    logger = logging.getLogger("motcua.test.scan")
    logger.propagate = False  # not the session's collector: this test's offences are its own
    logger.addHandler(scan)
    try:
        logger.warning("dossier %s for citizen %s", "D1", "001089012345")
        logger.warning("call me", extra={"phone": "0912 345 678"})
        logger.warning("name: NGUYỄN THỊ HOA")
        logger.warning("name: Nguyen Thi Hoa, old id 123456789")
        logger.warning("ticket A001 at 2026-11-30T01:00:00+00:00, hash 0123456789abcdef, 0.123456789 s")
    finally:
        logger.removeHandler(scan)
        logger.propagate = True
    assert scan.records == 5
    assert [o.line for o in scan.offences] == [
        "dossier D1 for citizen 001089012345",
        "call me phone=0912 345 678",
        "name: NGUYỄN THỊ HOA",
        "name: Nguyen Thi Hoa, old id 123456789",
    ]
    assert "CMND number (9 digits) '123456789'" in scan.offences[3].what
    report = scan.report()
    assert "001089012345" in report and "personal data" in report


def test_the_scan_reads_subprocess_log_files():
    # Outside pytest's temporary directory: the session's own scan must not find this planted line.
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "server.log").write_text("ok\nINFO dossier of CCCD 036199001234 received\n", encoding="utf-8")
        (base / "data.json").write_text('{"cccd": "036199001234"}', encoding="utf-8")  # data, not a log
        scan = log_scan.LogScan(names=())
        assert scan.scan_files(log_scan.subprocess_logs(base)) == 2
    assert len(scan.offences) == 1
    assert scan.offences[0].where.endswith("server.log:2")


def test_the_names_come_from_the_tests_sources():
    names = log_scan.citizen_names()
    assert "nguyen thi hoa" in names  # CCCD_NAME of tests/kiosk_ui/kiosk/conftest.py
    assert "ho chi minh" not in names


@pytest.mark.parametrize(
    "line",
    [
        "POST /api/v1/tickets 201 in 12.5 ms",
        "mosquitto 1764749101: New connection from 127.0.0.1:53412",
        "event 123e4567-e89b-12d3-a456-426614174000 seq=123456",
        "timezone Asia/Ho_Chi_Minh",
    ],
)
def test_ordinary_log_lines_are_not_flagged(line):
    assert log_scan.findings(line) == []
