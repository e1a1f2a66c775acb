"""The monitor's store: one class over a DB-API connection, the same tables and queries on SQLite and
PostgreSQL, and ``open_store`` that picks the backend from a URL.

Every write is one transaction; every method is thread-safe (one lock per store). The pieces:
``schema`` (dialects, DDL, in-place upgrades), ``_connection`` (transactions and value translation),
``_ingest`` (dedup ingest, device status), ``_events`` (read queries), ``_registry`` (sites, devices,
site tokens), ``_alerts``, ``_auth`` (accounts, sessions, API tokens, audit log); ``rows`` holds what the
methods return.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from monitor.store._alerts import AlertsMixin
from monitor.store._auth import AuthMixin
from monitor.store._connection import utc_now
from monitor.store._events import EventReadsMixin
from monitor.store._ingest import IngestMixin
from monitor.store._registry import RegistryMixin
from monitor.store.schema import POSTGRES, SQLITE


class Store(IngestMixin, EventReadsMixin, RegistryMixin, AlertsMixin, AuthMixin):
    """The monitor's tables behind a small read/write interface (see ``monitor/store/README.md``)."""


def open_store(url: str, *, clock: Callable[[], datetime] = utc_now) -> Store:
    """Open (and create) the store at ``sqlite:///path/monitor.db`` or ``postgresql://...``."""
    if url.startswith("sqlite:"):
        import sqlite3

        if not url.startswith("sqlite:///"):
            raise ValueError(f"SQLite store URL must be sqlite:///relative.db or sqlite:////absolute.db, got {url!r}")
        path = url.removeprefix("sqlite:///")

        def connect_sqlite() -> Any:
            conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # an acknowledged event survives power loss
            return conn

        return Store(connect_sqlite, SQLITE, url=url, clock=clock)
    if url.startswith(("postgresql://", "postgres://")):
        import psycopg

        def connect_pg() -> Any:
            return psycopg.connect(url)

        return Store(connect_pg, POSTGRES, url=url, clock=clock)
    raise ValueError(f"store URL must be sqlite:///path or postgresql://..., got {url!r}")
