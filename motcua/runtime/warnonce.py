"""Warn once about a repeating failure, stay quiet while it lasts, say once that it recovered.

Long-lived network components (an MQTT link reconnecting every second, a tablet polling its server) fail
the same way many times in a row; a log line per attempt buries everything else. In the spirit of
python-zeroconf's ``QuietLogger``::

    quiet = WarnOnce(logger)
    quiet.failed("cannot reach %s (%s)", url, exc)      # logged at WARNING the first time only
    quiet.failed("cannot reach %s (%s)", url, exc)      # DEBUG: still failing
    quiet.recovered("%s reachable again", url)          # INFO, once, with how many attempts failed

Failures are tracked per ``key`` (default one), so one instance can watch several things (each topic, each
cause). Thread-safe: paho's network thread and a UI thread may share one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable

__all__ = ["WarnOnce"]


class WarnOnce:
    """Logs the first failure of each key, then repeats at DEBUG, until that key recovers."""

    def __init__(self, logger: logging.Logger, *, level: int = logging.WARNING, recovery_level: int = logging.INFO):
        self.logger = logger
        self.level = level
        self.recovery_level = recovery_level
        self._failures: dict[Hashable, int] = {}
        self._lock = threading.Lock()

    def failed(self, msg: str, *args: object, key: Hashable = None, exc_info: bool = False) -> bool:
        """Record a failure of ``key``; log it at ``level`` when it is the first since the last recovery
        (and at DEBUG otherwise). True when it was logged at ``level``."""
        with self._lock:
            count = self._failures.get(key, 0)
            self._failures[key] = count + 1
        first = count == 0
        self.logger.log(self.level if first else logging.DEBUG, msg, *args, exc_info=exc_info)
        return first

    def recovered(self, msg: str | None = None, *args: object, key: Hashable = None) -> int:
        """``key`` works again: when it was failing, forget it and log ``msg`` (if given) once at
        ``recovery_level``, with the number of failures. Returns that number (0: it was not failing)."""
        with self._lock:
            count = self._failures.pop(key, 0)
        return self._log_recovery(count, msg, args)

    def recovered_all(self, msg: str | None = None, *args: object) -> int:
        """Every key works again (e.g. the connection is up): like ``recovered``, logged once for all."""
        with self._lock:
            count = sum(self._failures.values())
            self._failures.clear()
        return self._log_recovery(count, msg, args)

    def _log_recovery(self, count: int, msg: str | None, args: tuple[object, ...]) -> int:
        if count and msg is not None:
            plural = "" if count == 1 else "s"
            self.logger.log(self.recovery_level, msg + " (after %d failed attempt%s)", *args, count, plural)
        return count

    def failing(self, key: Hashable = None) -> bool:
        """Whether ``key`` has failed since it last recovered."""
        with self._lock:
            return key in self._failures

    def failures(self, key: Hashable = None) -> int:
        """How many times ``key`` has failed since it last recovered."""
        with self._lock:
            return self._failures.get(key, 0)
