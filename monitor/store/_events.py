"""Read queries over ``events``: the events themselves, counts, sequence numbers and epochs of a site."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from monitor.store._connection import StoreConnection
from monitor.store.rows import StoredEvent


class EventReadsMixin(StoreConnection):
    """``events``, ``count_events``, ``seqs``, ``epochs``."""

    def events(
        self,
        site: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        types: Iterable[str] | None = None,
        *,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        """Events ordered by (at, site, seq, epoch); ``since`` inclusive, ``until`` exclusive."""
        where, params = self._event_filter(site, since, until, types)
        sql = (
            "SELECT site, seq, kind, type, at, source_seq, data, received_at, epoch FROM events"
            + where
            + " ORDER BY at, site, seq, epoch"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._tx() as cur:
            cur.execute(self._sql(sql), params)
            rows = cur.fetchall()
        return [
            StoredEvent(
                site=r[0],
                seq=int(r[1]),
                kind=r[2],
                type=r[3],
                at=self._dt(r[4]),
                source_seq=None if r[5] is None else int(r[5]),
                data=self._json_out(r[6]),
                received_at=self._dt(r[7]),
                epoch=str(r[8]),
            )
            for r in rows
        ]

    def count_events(
        self,
        site: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        types: Iterable[str] | None = None,
    ) -> int:
        """How many events match (same filters as ``events``)."""
        where, params = self._event_filter(site, since, until, types)
        with self._tx() as cur:
            cur.execute(self._sql("SELECT COUNT(*) FROM events" + where), params)
            return int(cur.fetchone()[0])

    def seqs(self, site: str, epoch: str | None = None) -> list[int]:
        """Stored sequence numbers of a site, ascending (to check for gaps and duplicates): of one epoch when
        given, else of every epoch (a number then appears once per epoch that has it)."""
        sql, params = "SELECT seq FROM events WHERE site = ?", [site]
        if epoch is not None:
            sql += " AND epoch = ?"
            params.append(epoch)
        with self._tx() as cur:
            cur.execute(self._sql(sql + " ORDER BY seq"), params)
            return [int(r[0]) for r in cur.fetchall()]

    def epochs(self, site: str) -> list[str]:
        """The epochs (outbox files) a site's events came from, in the order their first event arrived."""
        with self._tx() as cur:
            cur.execute(
                self._sql("SELECT epoch FROM events WHERE site = ? GROUP BY epoch ORDER BY MIN(received_at), epoch"),
                [site],
            )
            return [str(r[0]) for r in cur.fetchall()]

    def _event_filter(
        self, site: str | None, since: datetime | None, until: datetime | None, types: Iterable[str] | None
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if site is not None:
            clauses.append("site = ?")
            params.append(site)
        if since is not None:
            clauses.append("at >= ?")
            params.append(self._ts(since))
        if until is not None:
            clauses.append("at < ?")
            params.append(self._ts(until))
        if types is not None:
            wanted = list(types)
            if not wanted:
                return " WHERE 1 = 0", []
            clauses.append("type IN (" + ", ".join("?" * len(wanted)) + ")")
            params += wanted
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
