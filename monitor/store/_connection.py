"""The plumbing under every store method: one DB-API connection behind a lock, one transaction per call,
and the translation of timestamps and JSON between Python and each dialect."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from monitor.store.schema import SQLITE, UPGRADES, Dialect, schema

logger = logging.getLogger("monitor.store")


def utc_now() -> datetime:
    """The current time in UTC (the default clock of a store)."""
    return datetime.now(UTC)


def redact_url(url: str) -> str:
    """``url`` without a password (for logs)."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}@{host}"


def as_utc(value: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class StoreConnection:
    """Opens the database (upgrading it in place, then creating what is missing) and runs transactions."""

    def __init__(
        self,
        connect: Callable[[], Any],
        dialect: Dialect,
        *,
        url: str,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.url = url
        self.dialect = dialect
        self.clock = clock
        self._connect = connect
        self._conn = connect()
        self._lock = threading.RLock()
        self.upgraded: list[str] = []
        with self._tx() as cur:
            # One transaction for the upgrades and the DDL, so a failed upgrade leaves the old layout whole;
            # concurrent openers of one database wait for each other instead of upgrading twice.
            if dialect is SQLITE:
                cur.execute("BEGIN IMMEDIATE")
            else:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext('motcua-monitor-schema'))")
            for name, upgrade in UPGRADES:
                if upgrade(cur, dialect):
                    self.upgraded.append(name)
            for statement in schema(dialect):
                cur.execute(statement)
        for name in self.upgraded:
            logger.info("monitor store %s upgraded in place: %s", redact_url(url), name)

    def _sql(self, sql: str) -> str:
        return sql if self.dialect.placeholder == "?" else sql.replace("?", "%s")

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        with self._lock:
            cur = self._conn.cursor()
            try:
                yield cur
                self._conn.commit()
            except BaseException:
                self._conn.rollback()
                raise
            finally:
                cur.close()

    def _ts(self, value: datetime | None) -> Any:
        if value is None:
            return None
        value = as_utc(value)
        return value.isoformat(timespec="microseconds") if self.dialect is SQLITE else value

    @staticmethod
    def _dt(value: Any) -> datetime:
        if isinstance(value, datetime):
            return as_utc(value)
        return as_utc(datetime.fromisoformat(str(value)))

    @staticmethod
    def _json_in(value: dict[str, Any]) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)

    @staticmethod
    def _json_out(value: Any) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        loaded = json.loads(value) if value else {}
        return loaded if isinstance(loaded, dict) else {"value": loaded}

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()
