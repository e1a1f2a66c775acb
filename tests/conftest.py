"""Session-wide fixtures: a real mosquitto broker on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from motcua.broker import BrokerProcess, mosquitto_path, start_broker


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerProcess]:
    """A real mosquitto for the whole test session (CI installs it; its absence is a failure)."""
    assert mosquitto_path(), "mosquitto is not installed: run scripts/install-system-packages.sh"
    broker = start_broker(Path(tmp_path_factory.mktemp("mosquitto")), kind="mosquitto")
    yield broker
    broker.stop()


_skipped: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember skipped tests: in CI a skipped test is a failure (nothing may silently not run)."""
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") and _skipped and exitstatus == 0:
        print(f"\n{len(_skipped)} test(s) skipped in CI, which is not allowed: {', '.join(_skipped[:10])}")
        session.exitstatus = 1
