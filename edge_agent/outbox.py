"""The agent's durable store: inbox of site events, outbox of uplink events, today's events for KPIs.

One SQLite file (WAL, ``synchronous=FULL``: every commit is fsync'd before we acknowledge anything).

* ``inbox``: site events as received from the site's ``events`` topic, keyed by ``source_seq``; a
  message is stored here before its MQTT PUBACK goes out, and deduplicated by ``source_seq``.
* ``outbox``: uplink events with the per-site ``seq`` (``AUTOINCREMENT``: never reused, only grows);
  a row is deleted only when the monitor has acknowledged it, or evicted by the limits (reported by an
  ``outbox.overflow`` event).
* ``day_events``: today's ticket events, for the KPI snapshots.
* ``meta``: ``epoch``, a random id created with the file (the ``seq`` numbers are unique only within
  it: a new file starts again at 1, under a new epoch), and ``last_source_seq``.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from edge_agent.core.outbox_policy import OutboxLimits, OutboxRow, plan_eviction
from motcua.contract.mqtt import EventEnvelope
from motcua.contract.uplink import LEGACY_EPOCH, UplinkEvent

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    source_seq INTEGER,
    data TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_kind ON outbox (kind, seq);
CREATE TABLE IF NOT EXISTS inbox (
    source_seq INTEGER PRIMARY KEY,
    envelope TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS day_events (
    source_seq INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS day_events_day ON day_events (day);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

LAST_SOURCE_SEQ = "last_source_seq"
EPOCH = "epoch"


def new_epoch() -> str:
    """A fresh outbox epoch: 32 random hex digits."""
    return uuid.uuid4().hex


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NewEvent:
    """An event to put in the outbox."""

    kind: str
    type: str
    at: datetime
    data: dict[str, Any]
    source_seq: int | None = None


@dataclass(frozen=True)
class OutboxStats:
    """Size of the outbox."""

    events: int
    business: int
    health: int
    bytes: int
    inbox: int
    oldest_seq: int | None
    last_source_seq: int
    epoch: str


class Outbox:
    """The durable queues of one site's agent; thread-safe."""

    def __init__(
        self,
        path: Path,
        site: str,
        *,
        limits: OutboxLimits | None = None,
        clock: Callable[[], datetime] = _now,
        on_overflow: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.path = path
        self.site = site
        self.limits = limits or OutboxLimits()
        self.clock = clock
        self.on_overflow = on_overflow
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._lock = threading.RLock()
        self.epoch = self._create()
        self._count, self._bytes = self._totals()

    def _create(self) -> str:
        """Create the tables if needed, in one transaction with the epoch; returns the epoch."""
        with self._tx() as conn:
            existed = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'").fetchone()
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            epoch = self._meta(conn, EPOCH, default="-")
            if epoch == "-":
                # A file made before epochs keeps numbering in the one epoch the monitor knows it by.
                epoch = LEGACY_EPOCH if existed else new_epoch()
                self._set_meta(conn, EPOCH, epoch)
        return epoch

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                with suppress(sqlite3.Error):  # (no table yet when creating the file failed)
                    self._count, self._bytes = self._totals()
                raise

    def _totals(self) -> tuple[int, int]:
        row = self._conn.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM outbox").fetchone()
        return int(row[0]), int(row[1])

    def _meta(self, conn: sqlite3.Connection, key: str, default: str = "0") -> str:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # inbox
    def last_source_seq(self) -> int:
        """Highest site event sequence processed into the outbox."""
        with self._lock:
            return int(self._meta(self._conn, LAST_SOURCE_SEQ))

    def receive(self, envelope: EventEnvelope) -> bool:
        """Store a site event in the inbox (before its PUBACK); False when it is a duplicate."""
        with self._tx() as conn:
            if envelope.seq <= int(self._meta(conn, LAST_SOURCE_SEQ)):
                return False
            cur = conn.execute(
                "INSERT INTO inbox (source_seq, envelope) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (envelope.seq, envelope.model_dump_json()),
            )
            return cur.rowcount > 0

    def receive_many(self, envelopes: Iterable[EventEnvelope]) -> int:
        """Store site events (a page of the replayed log) in the inbox in one transaction; returns how many
        were new (not processed yet, not already waiting)."""
        stored = 0
        with self._tx() as conn:
            last = int(self._meta(conn, LAST_SOURCE_SEQ))
            for envelope in envelopes:
                if envelope.seq <= last:
                    continue
                cur = conn.execute(
                    "INSERT INTO inbox (source_seq, envelope) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (envelope.seq, envelope.model_dump_json()),
                )
                stored += cur.rowcount
        return stored

    def inbox(self, limit: int = 200) -> list[EventEnvelope]:
        """Site events waiting to be processed, in source order."""
        with self._lock:
            rows = self._conn.execute("SELECT envelope FROM inbox ORDER BY source_seq LIMIT ?", (limit,)).fetchall()
        return [EventEnvelope.model_validate_json(r[0]) for r in rows]

    def process(self, envelope: EventEnvelope, event: NewEvent | None, *, day: str | None = None) -> int | None:
        """Move a site event from the inbox to the outbox (as ``event``; None skips it) in one transaction."""
        seq: int | None = None
        with self._tx() as conn:
            conn.execute("DELETE FROM inbox WHERE source_seq = ?", (envelope.seq,))
            if envelope.seq <= int(self._meta(conn, LAST_SOURCE_SEQ)):
                return None
            self._set_meta(conn, LAST_SOURCE_SEQ, str(envelope.seq))
            if event is not None:
                seq = self._insert(conn, event)
            if day is not None and envelope.type.startswith("ticket."):
                conn.execute(
                    "INSERT INTO day_events (source_seq, day, type, at, data) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    (envelope.seq, day, envelope.type, envelope.at.isoformat(), json.dumps(envelope.data)),
                )
        self._enforce_limits()
        return seq

    # outbox
    def _insert(self, conn: sqlite3.Connection, event: NewEvent) -> int:
        data = json.dumps(event.data, ensure_ascii=False, separators=(",", ":"), default=str)
        size = len(data.encode("utf-8")) + 96
        cur = conn.execute(
            "INSERT INTO outbox (kind, type, at, source_seq, data, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (event.kind, event.type, event.at.isoformat(), event.source_seq, data, size, self.clock().isoformat()),
        )
        self._count += 1
        self._bytes += size
        return int(cur.lastrowid or 0)

    def append(self, event: NewEvent) -> int:
        """Put an event in the outbox; returns its sequence number."""
        with self._tx() as conn:
            seq = self._insert(conn, event)
        self._enforce_limits()
        return seq

    def peek(self, limit: int) -> list[UplinkEvent]:
        """The oldest ``limit`` events, in sequence order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT seq, kind, type, at, source_seq, data FROM outbox ORDER BY seq LIMIT ?", (limit,)
            ).fetchall()
        return [
            UplinkEvent(
                site=self.site,
                epoch=self.epoch,
                seq=int(r[0]),
                kind=r[1],
                type=r[2],
                at=datetime.fromisoformat(r[3]),
                source_seq=r[4],
                data=json.loads(r[5]),
            )
            for r in rows
        ]

    def ack(self, seqs: Iterable[int]) -> int:
        """Delete acknowledged events; returns how many were still here."""
        wanted = list(seqs)
        if not wanted:
            return 0
        removed = 0
        with self._tx() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                row = conn.execute(
                    f"SELECT COUNT(*), COALESCE(SUM(size), 0) FROM outbox WHERE seq IN ({marks})", chunk
                ).fetchone()
                conn.execute(f"DELETE FROM outbox WHERE seq IN ({marks})", chunk)
                removed += int(row[0])
                self._count -= int(row[0])
                self._bytes -= int(row[1])
        return removed

    def count_type(self, event_type: str) -> int:
        """How many events of a type wait in the outbox."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM outbox WHERE type = ?", (event_type,)).fetchone()[0])

    def stats(self) -> OutboxStats:
        """Counts and sizes."""
        with self._lock:
            kinds = dict(self._conn.execute("SELECT kind, COUNT(*) FROM outbox GROUP BY kind").fetchall())
            inbox = int(self._conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])
            oldest = self._conn.execute("SELECT MIN(seq) FROM outbox").fetchone()[0]
            last = int(self._meta(self._conn, LAST_SOURCE_SEQ))
        return OutboxStats(
            events=self._count,
            business=int(kinds.get("business", 0)),
            health=int(kinds.get("health", 0)),
            bytes=self._bytes,
            inbox=inbox,
            oldest_seq=None if oldest is None else int(oldest),
            last_source_seq=last,
            epoch=self.epoch,
        )

    def _over_limits(self) -> bool:
        if self._count > self.limits.max_events or self._bytes > self.limits.max_bytes:
            return True
        with self._lock:
            row = self._conn.execute("SELECT created_at FROM outbox ORDER BY seq LIMIT 1").fetchone()
        return row is not None and datetime.fromisoformat(row[0]) < self.clock() - self.limits.max_age

    def _enforce_limits(self) -> None:
        if not self._over_limits():
            return
        with self._tx() as conn:
            rows = [
                OutboxRow(int(r[0]), r[1], int(r[2]), datetime.fromisoformat(r[3]))
                for r in conn.execute("SELECT seq, kind, size, created_at FROM outbox ORDER BY seq").fetchall()
            ]
            eviction = plan_eviction(rows, self.limits, self.clock())
            if not eviction:
                return
            dropped = [*eviction.health, *eviction.business]
            by_type: dict[str, int] = {}
            for start in range(0, len(dropped), 500):
                chunk = dropped[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for event_type, n in conn.execute(
                    f"SELECT type, COUNT(*) FROM outbox WHERE seq IN ({marks}) GROUP BY type", chunk
                ).fetchall():
                    by_type[event_type] = by_type.get(event_type, 0) + int(n)
                conn.execute(f"DELETE FROM outbox WHERE seq IN ({marks})", chunk)
            self._count, self._bytes = self._totals()
            report: dict[str, Any] = {
                "dropped_business": len(eviction.business),
                "dropped_health": len(eviction.health),
                "first_seq": min(dropped),
                "last_seq": max(dropped),
                "by_type": by_type,
                "reason": "limits",
                "max_events": self.limits.max_events,
                "max_bytes": self.limits.max_bytes,
                "max_age_s": int(self.limits.max_age.total_seconds()),
            }
            if eviction.business:
                # Business events are never dropped silently: the report is itself a business event.
                self._insert(conn, NewEvent("business", "outbox.overflow", self.clock(), report))
        if self.on_overflow is not None:
            self.on_overflow(report)

    # today's events (KPI snapshots)
    def day_events(self, day: str) -> list[tuple[str, datetime, dict[str, Any]]]:
        """(type, at, data) of the ticket events of ``day``, in source order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT type, at, data FROM day_events WHERE day = ? ORDER BY source_seq", (day,)
            ).fetchall()
        return [(r[0], datetime.fromisoformat(r[1]), json.loads(r[2])) for r in rows]

    def prune_days(self, keep_day: str) -> None:
        """Forget the ticket events of days other than ``keep_day``."""
        with self._tx() as conn:
            conn.execute("DELETE FROM day_events WHERE day <> ?", (keep_day,))
