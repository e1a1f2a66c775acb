"""Session-wide fixtures: a real mosquitto broker on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import log_scan
import pytest

from motcua.runtime.broker import BrokerProcess, mosquitto_path, start_broker


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


def pytest_configure(config: pytest.Config) -> None:
    log_scan.install()  # every log record of the run is checked for personal data (tests/support/log_scan.py)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    log_scan.finish(session)  # ... and the subprocesses' *.log files; a hit fails the session
    if os.environ.get("CI") and _skipped and exitstatus == 0:
        print(f"\n{len(_skipped)} test(s) skipped in CI, which is not allowed: {', '.join(_skipped[:10])}")
        session.exitstatus = 1


@pytest.fixture(autouse=True, scope="module")
def _no_event_loop_leaks_between_modules() -> None:
    """A module must not leave an asyncio loop running on the main thread (Playwright's sync API does,
    until stopped): later tests calling asyncio.run() would fail for no reason of their own."""
    import asyncio

    leaked = asyncio.events._get_running_loop()
    assert leaked is None, f"an earlier test module left {leaked!r} running on the main thread"


# Threads that outlive a test by design: the interpreter's own and worker pools (asyncio's default executor,
# AnyIO's worker threads, which idle out after 10 s): pooled, not leaked.
_LONG_LIVED_THREADS = ("MainThread", "pydevd", "asyncio_", "ThreadPoolExecutor", "Dummy-", "AnyIO worker thread")


@pytest.fixture(autouse=True)
def _no_thread_leaks() -> Iterator[None]:
    """Fail a test that leaves a thread running after its own fixtures are torn down.

    Threads started by fixtures of a wider scope (a session's broker link, a module's app) exist before this
    fixture snapshots and are not counted; a thread the test or its function fixtures started must have ended
    within a short grace period after teardown.
    """
    import threading
    import time

    before = set(threading.enumerate())
    yield

    def leaked() -> list[threading.Thread]:
        return [
            t
            for t in threading.enumerate()
            if t not in before and t.is_alive() and not t.name.startswith(_LONG_LIVED_THREADS)
        ]

    deadline = time.monotonic() + 5.0
    while leaked() and time.monotonic() < deadline:
        for thread in leaked():
            thread.join(timeout=0.05)
    if leaked():
        names = ", ".join(sorted(t.name for t in leaked()))
        pytest.fail(f"the test left threads running: {names}", pytrace=False)
