"""The provincial monitor's storage: one schema on SQLite (default) and PostgreSQL (a province or larger).

>>> store = open_store("sqlite:///data/monitor.db")     # or "postgresql://user@host:5432/motcua"
>>> ack = store.ingest(batch)                             # dedup by (site, epoch, seq); returns the UplinkAck
>>> store.events(site="bn-tthc", since=start_of_day, types=["ticket.issued"])

See ``monitor/store/README.md`` for the tables and what each column holds.
"""

from __future__ import annotations

from monitor.store.base import AlertRow, DeviceRow, SiteRow, Store, StoredEvent, open_store

__all__ = ["AlertRow", "DeviceRow", "SiteRow", "Store", "StoredEvent", "open_store"]
