"""Reads business events from the monitor's tables, incrementally (the tables are the store's contract).

The dashboard holds its own read connection so that its heavy first load does not hold the store's
lock against ingest. It loads the events of the dashboard's window once, then, each refresh, only the
sites whose ``sites.last_seen`` moved, and of those only the sequences above what it already has (an
agent sends its outbox in sequence order and a batch is stored in one transaction). A reconciliation
every minute counts each site's events in the window and reloads a site whose count differs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from monitor.analytics.model import Event

logger = logging.getLogger(__name__)

COLUMNS = "site, seq, type, at, data"
BUSINESS = "kind = 'business'"


def _dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class EventSource:
    """Business events of the store at ``url`` (SQLite or PostgreSQL), read with its own connection."""

    def __init__(self, url: str, since: datetime) -> None:
        self.url = url
        self.since = since
        if url.startswith("sqlite:"):
            import sqlite3

            path = url.removeprefix("sqlite:///")
            self._conn: Any = sqlite3.connect(path, check_same_thread=False, timeout=30)
            self._ph = "?"
            self._ts: Callable[[datetime], Any] = lambda value: value.astimezone(UTC).isoformat(timespec="microseconds")
        else:
            import psycopg

            self._conn = psycopg.connect(url, autocommit=True)
            self._ph = "%s"
            self._ts = lambda value: value
        self.high_water: dict[str, int] = {}
        self.loaded: dict[str, int] = {}
        self.last_seen: dict[str, Any] = {}

    def close(self) -> None:
        """Close the read connection."""
        self._conn.close()

    def _rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        cur = self._conn.cursor()
        try:
            cur.execute(sql.replace("?", self._ph), params)
            rows: list[tuple[Any, ...]] = cur.fetchall()
        finally:
            cur.close()
        if self._ph == "?":
            self._conn.commit()  # end the read transaction so the next read sees new WAL frames
        return rows

    def _events(self, rows: list[tuple[Any, ...]]) -> Iterator[Event]:
        for site, raw_seq, type_, at, data in rows:
            seq = int(raw_seq)
            if seq > self.high_water.get(site, 0):
                self.high_water[site] = seq
            self.loaded[site] = self.loaded.get(site, 0) + 1
            yield Event(
                site=site,
                seq=seq,
                type=type_,
                at=_dt(at),
                data=data if isinstance(data, dict) else json.loads(data),
            )

    def load(self, site: str | None = None) -> list[Event]:
        """Every business event of the window (of one site when given)."""
        sql = f"SELECT {COLUMNS} FROM events WHERE {BUSINESS} AND at >= ?"
        params: list[Any] = [self._ts(self.since)]
        if site is not None:
            sql += " AND site = ?"
            params.append(site)
            self.loaded[site] = 0
            self.high_water.pop(site, None)
        rows = self._rows(sql + " ORDER BY site, seq", params)
        if site is None:
            self.last_seen = self.site_marks()
        return list(self._events(rows))

    def site_marks(self) -> dict[str, Any]:
        """``last_seen`` of every site (moves when a batch of the site is stored)."""
        return dict(self._rows("SELECT site, last_seen FROM sites", []))

    def new_events(self) -> list[Event]:
        """Events stored since the last call, for the sites whose ``last_seen`` moved."""
        marks = self.site_marks()
        changed = [site for site, seen in marks.items() if seen is not None and self.last_seen.get(site) != seen]
        self.last_seen = marks
        out: list[Event] = []
        for site in changed:
            rows = self._rows(
                f"SELECT {COLUMNS} FROM events WHERE {BUSINESS} AND site = ? AND seq > ? AND at >= ? ORDER BY seq",
                [site, self.high_water.get(site, 0), self._ts(self.since)],
            )
            out += self._events(rows)
        return out

    def counts(self) -> dict[str, int]:
        """Business events per site in the window, as stored."""
        rows = self._rows(
            f"SELECT site, COUNT(*) FROM events WHERE {BUSINESS} AND at >= ? GROUP BY site", [self._ts(self.since)]
        )
        return {site: int(n) for site, n in rows}
