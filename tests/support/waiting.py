"""Waiting for something to happen in tests, never for a fixed time.

    wait_until(lambda: box.stats().events == 0, 5, "the outbox to drain")   # the value; AssertionError on timeout
    assert eventually(lambda: len(rows()) == 5, 30), rows()                  # the last value (falsy on timeout)

    rounds = CallCounter(app.state.feedback, "purge_comments")               # counts the completed calls
    rounds.wait_more(2)                                                       # a whole call began after this line

MQTT sentinels (``Probes``): a subscriber's handler first asks ``probes.seen(payload)`` and ignores a probe;
``round_trip`` publishes probes until one comes back (the subscription is in place at the broker),
``barrier`` publishes one probe after what was sent before and waits for it: MQTT keeps the order of one
connection's messages on one topic, so whatever was published earlier on that topic has arrived (or never
will) once the probe has. That is how a negative check ("nothing else arrived") is made without a sleep.
"""

from __future__ import annotations

import functools
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Protocol

PROBE_PREFIX = b"motcua-test-probe:"


def eventually(condition: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something truthy; that value, or the last (falsy) one on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)  # polling, with a deadline


def wait_until(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll ``condition`` until it returns something truthy (returned); AssertionError naming ``what``."""
    value = eventually(condition, timeout, interval)
    if not value:
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
    return value


class CallCounter:
    """Counts the completed calls of ``owner.name`` (wrapped on the instance, so every later lookup sees it):
    a periodic job's rounds, for instance."""

    def __init__(self, owner: object, name: str) -> None:
        original = getattr(owner, name)
        self.calls = 0
        self._cond = threading.Condition()

        @functools.wraps(original)
        def counted(*args: Any, **kwargs: Any) -> Any:
            try:
                return original(*args, **kwargs)
            finally:
                with self._cond:
                    self.calls += 1
                    self._cond.notify_all()

        setattr(owner, name, counted)

    def wait_more(self, calls: int = 2, timeout: float = 10.0) -> None:
        """Wait for ``calls`` more completed calls than now: with ``calls >= 2`` at least one began after now."""
        with self._cond:
            target = self.calls + calls
            if not self._cond.wait_for(lambda: self.calls >= target, timeout):
                raise AssertionError(f"{self.calls} calls after {timeout:.0f} s, waiting for {target}")


class Publishes(Protocol):
    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> Any: ...


class Probes:
    """Sentinel messages on MQTT; see the module's docstring."""

    def __init__(self) -> None:
        self._seen: set[bytes] = set()
        self._cond = threading.Condition()

    @staticmethod
    def new() -> bytes:
        return PROBE_PREFIX + uuid.uuid4().hex.encode()

    def seen(self, payload: bytes) -> bool:
        """Call first in the subscriber's handler: True (and noted) for a probe, which the handler ignores."""
        if not payload.startswith(PROBE_PREFIX):
            return False
        with self._cond:
            self._seen.add(payload)
            self._cond.notify_all()
        return True

    def wait(self, probe: bytes, timeout: float = 10.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: probe in self._seen, timeout)

    def round_trip(self, publisher: Publishes, topic: str, timeout: float = 10.0, every: float = 0.2) -> None:
        """Publish probes on ``topic`` every ``every`` s until one arrives: the subscription is in place."""
        deadline = time.monotonic() + timeout
        sent: list[bytes] = []
        while time.monotonic() < deadline:
            sent.append(self.new())
            publisher.publish(topic, sent[-1], qos=1)
            with self._cond:
                if self._cond.wait_for(lambda: any(p in self._seen for p in sent), every):
                    return
        raise AssertionError(f"no probe came back on {topic} within {timeout:.0f} s")

    def barrier(self, publisher: Publishes, topic: str, timeout: float = 10.0) -> None:
        """One probe on ``topic``, after everything ``publisher`` sent there before; wait until it arrives."""
        probe = self.new()
        publisher.publish(topic, probe, qos=1)
        if not self.wait(probe, timeout):
            raise AssertionError(f"the probe on {topic} did not arrive within {timeout:.0f} s")
