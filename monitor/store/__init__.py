"""The provincial monitor's storage: one schema on SQLite (default) and PostgreSQL (a province or larger).

>>> store = open_store("sqlite:///data/monitor.db")     # or "postgresql://user@host:5432/motcua"
>>> ack = store.ingest(batch)                             # dedup by (site, epoch, seq); returns the UplinkAck
>>> store.events(site="bn-tthc", since=start_of_day, types=["ticket.issued"])

See ``monitor/store/README.md`` for the tables and what each column holds. Public: the names below,
``monitor.store.schema`` (dialects, DDL, ``UPGRADES``) and ``monitor.store.postgres_server`` (a throw-away
PostgreSQL for tests and benchmarks); the ``_``-modules are the store's own.
"""

from __future__ import annotations

from monitor.store.base import Store, open_store
from monitor.store.rows import AlertRow, ApiTokenRow, AuditRow, DeviceRow, SessionRow, SiteRow, StoredEvent, UserRow
from monitor.store.schema import POSTGRES, SQLITE, UPGRADES, Dialect

__all__ = [
    "POSTGRES",
    "SQLITE",
    "UPGRADES",
    "AlertRow",
    "ApiTokenRow",
    "AuditRow",
    "DeviceRow",
    "Dialect",
    "SessionRow",
    "SiteRow",
    "Store",
    "StoredEvent",
    "UserRow",
    "open_store",
]
