"""WarnOnce: a repeating failure is logged once, then quiet until it recovers; the recovery is logged once."""

from __future__ import annotations

import logging
import threading

import pytest

from motcua.runtime.warnonce import WarnOnce

NAME = "motcua.test.warnonce"


def records(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == NAME and r.levelno >= level]


def test_a_repeating_failure_is_logged_once_then_its_recovery_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=NAME)
    quiet = WarnOnce(logging.getLogger(NAME))
    assert quiet.recovered("back") == 0  # nothing failed: nothing to say
    assert quiet.failed("cannot reach %s", "server") is True
    for _ in range(5):
        assert quiet.failed("cannot reach %s", "server") is False
    assert quiet.failing() and quiet.failures() == 6
    assert quiet.recovered("%s reachable again", "server") == 6
    assert quiet.recovered("%s reachable again", "server") == 0  # said once
    assert not quiet.failing()
    assert records(caplog) == [
        (logging.WARNING, "cannot reach server"),
        (logging.INFO, "server reachable again (after 6 failed attempts)"),
    ]
    assert len(records(caplog, logging.DEBUG)) == 7  # the repeats are still there for a debug log


def test_after_a_recovery_the_next_failure_is_news_again(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=NAME)
    quiet = WarnOnce(logging.getLogger(NAME), level=logging.ERROR)
    quiet.failed("down")
    quiet.recovered("up")
    quiet.failed("down")
    quiet.failed("down")
    assert records(caplog) == [
        (logging.ERROR, "down"),
        (logging.INFO, "up (after 1 failed attempt)"),
        (logging.ERROR, "down"),
    ]


def test_keys_fail_and_recover_independently(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=NAME)
    quiet = WarnOnce(logging.getLogger(NAME))
    quiet.failed("bad message on %s", "a", key="a")
    quiet.failed("bad message on %s", "b", key="b")
    quiet.failed("bad message on %s", "a", key="a")
    assert quiet.recovered(key="a") == 2  # no message: forgotten silently
    assert quiet.failing(key="b") and not quiet.failing(key="a")
    quiet.failed("bad message on %s", "a", key="a")
    assert quiet.recovered_all("all good") == 2
    assert not quiet.failing(key="a") and not quiet.failing(key="b")
    assert [text for _level, text in records(caplog)] == [
        "bad message on a",
        "bad message on b",
        "bad message on a",
        "all good (after 2 failed attempts)",
    ]


def test_threads_failing_together_log_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=NAME)
    quiet = WarnOnce(logging.getLogger(NAME))
    start = threading.Barrier(8)

    def fail() -> None:
        start.wait()
        for _ in range(200):
            quiet.failed("down")

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert records(caplog) == [(logging.WARNING, "down")]
    assert quiet.failures() == 1600
