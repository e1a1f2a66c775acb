"""One storage class over a DB-API connection: the same tables and queries on SQLite and PostgreSQL.

The two dialects differ only in column types (``TEXT`` ISO-8601 UTC timestamps and JSON text on
SQLite; ``TIMESTAMPTZ`` and ``JSONB`` on PostgreSQL), the placeholder style and the id column of
``alerts``. Every write is one transaction; every method is thread-safe (one lock per store).

Schema changes: ``schema()`` is idempotent DDL for a new database; a database made by an older version
is upgraded in place when opened, by the steps of ``UPGRADES`` (each detects whether it is needed and
runs in the one transaction that opening the store is), before ``schema()`` runs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from motcua.contract.uplink import LEGACY_EPOCH, Alert, UplinkAck, UplinkBatch, UplinkEvent

logger = logging.getLogger(__name__)

# Rows per multi-row INSERT: 500 rows x 9 columns stays far below SQLite's 32,766 variables.
CHUNK = 500
DEVICE_EVENT_TYPES = ("device.health", "device.status")


def _redact_url(url: str) -> str:
    """``url`` without a password (for logs)."""
    scheme, sep, rest = url.partition("://")
    if "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}@{host}"


def utc_now() -> datetime:
    """The current time in UTC (the default clock of a store)."""
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True)
class StoredEvent:
    """A row of ``events``: an uplinked site event and when the monitor received it."""

    site: str
    seq: int
    kind: str
    type: str
    at: datetime
    source_seq: int | None
    data: dict[str, Any]
    received_at: datetime
    epoch: str = LEGACY_EPOCH

    def to_uplink(self) -> UplinkEvent:
        """The wire form of this event."""
        return UplinkEvent(
            site=self.site,
            epoch=self.epoch,
            seq=self.seq,
            kind=self.kind,
            type=self.type,
            at=self.at,
            source_seq=self.source_seq,
            data=self.data,
        )


@dataclass(frozen=True)
class SiteRow:
    """A row of ``sites``."""

    site: str
    name: str | None
    level: str | None
    one_stop_staff: int | None
    last_seen: datetime | None


@dataclass(frozen=True)
class DeviceRow:
    """A row of ``devices``: the newest status the monitor has of one device."""

    site: str
    device_id: str
    role: str
    state: str
    version: str
    last_seen: datetime
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertRow:
    """A row of ``alerts``."""

    id: int
    site: str
    kind: str
    severity: str
    message_vi: str
    message_en: str
    at: datetime
    data: dict[str, Any]
    resolved_at: datetime | None

    def to_alert(self) -> Alert:
        """The wire form published on ``topic_alerts()``."""
        return Alert(
            site=self.site,
            kind=self.kind,
            severity=self.severity,
            message_vi=self.message_vi,
            message_en=self.message_en,
            at=self.at,
            data={
                **self.data,
                "alert_id": self.id,
                "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            },
        )


@dataclass(frozen=True)
class Dialect:
    """What differs between SQLite and PostgreSQL."""

    name: str
    timestamp: str
    json: str
    id_column: str
    placeholder: str
    json_param: str  # SQL around a JSON text parameter, e.g. "%s::jsonb"


SQLITE = Dialect("sqlite", "TEXT", "TEXT", "INTEGER PRIMARY KEY AUTOINCREMENT", "?", "?")
POSTGRES = Dialect("postgresql", "TIMESTAMPTZ", "JSONB", "BIGSERIAL PRIMARY KEY", "%s", "%s::jsonb")


def _events_table(d: Dialect, name: str = "events") -> str:
    # The key is the set (site, epoch, seq); seq before epoch so that "a site's events above seq N"
    # (the dashboard's incremental reads, ``seqs``) stays a range scan of the primary key.
    return f"""CREATE TABLE IF NOT EXISTS {name} (
            site TEXT NOT NULL,
            epoch TEXT NOT NULL DEFAULT '',
            seq BIGINT NOT NULL,
            kind TEXT NOT NULL,
            type TEXT NOT NULL,
            at {d.timestamp} NOT NULL,
            source_seq BIGINT,
            data {d.json} NOT NULL,
            received_at {d.timestamp} NOT NULL,
            PRIMARY KEY (site, seq, epoch))"""


def schema(d: Dialect) -> list[str]:
    """The DDL of every table and index (idempotent)."""
    ts, js = d.timestamp, d.json
    return [
        _events_table(d),
        "CREATE INDEX IF NOT EXISTS events_at ON events (at)",
        "CREATE INDEX IF NOT EXISTS events_site_type_at ON events (site, type, at)",
        f"""CREATE TABLE IF NOT EXISTS sites (
            site TEXT PRIMARY KEY,
            name TEXT,
            level TEXT CHECK (level IS NULL OR level IN ('province', 'district', 'commune')),
            one_stop_staff INTEGER,
            last_seen {ts})""",
        f"""CREATE TABLE IF NOT EXISTS devices (
            site TEXT NOT NULL,
            device_id TEXT NOT NULL,
            role TEXT NOT NULL,
            state TEXT NOT NULL,
            version TEXT NOT NULL,
            last_seen {ts} NOT NULL,
            details {js} NOT NULL,
            PRIMARY KEY (site, device_id))""",
        f"""CREATE TABLE IF NOT EXISTS alerts (
            id {d.id_column},
            site TEXT NOT NULL,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            message_vi TEXT NOT NULL,
            message_en TEXT NOT NULL,
            at {ts} NOT NULL,
            data {js} NOT NULL,
            resolved_at {ts})""",
        "CREATE INDEX IF NOT EXISTS alerts_site_at ON alerts (site, at)",
        f"""CREATE TABLE IF NOT EXISTS site_tokens (
            token_hash TEXT PRIMARY KEY,
            site TEXT NOT NULL,
            created_at {ts} NOT NULL)""",
    ]


def _columns(cur: Any, d: Dialect, table: str) -> set[str]:
    """The column names of ``table`` (empty when it does not exist)."""
    if d is SQLITE:
        cur.execute(f"PRAGMA table_info({table})")
        return {str(r[1]) for r in cur.fetchall()}
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s",
        [table],
    )
    return {str(r[0]) for r in cur.fetchall()}


def _upgrade_events_epoch(cur: Any, d: Dialect) -> bool:
    """Key ``events`` by (site, epoch, seq) instead of (site, seq); stored rows keep epoch ``""``."""
    columns = _columns(cur, d, "events")
    if not columns or "epoch" in columns:
        return False
    if d is SQLITE:
        # SQLite cannot change a primary key in place: copy into a table of the new layout, swap.
        names = "site, seq, kind, type, at, source_seq, data, received_at"
        cur.execute("DROP TABLE IF EXISTS events_upgrade")
        cur.execute(_events_table(d, "events_upgrade"))
        cur.execute(f"INSERT INTO events_upgrade (epoch, {names}) SELECT '', {names} FROM events")
        cur.execute("DROP TABLE events")  # its indexes go with it; schema() creates them again
        cur.execute("ALTER TABLE events_upgrade RENAME TO events")
        return True
    cur.execute("ALTER TABLE events ADD COLUMN epoch TEXT NOT NULL DEFAULT ''")
    cur.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p'")
    for (name,) in cur.fetchall():
        cur.execute(f'ALTER TABLE events DROP CONSTRAINT "{name}"')
    cur.execute("ALTER TABLE events ADD PRIMARY KEY (site, seq, epoch)")
    return True


# In-place upgrades of databases made by older versions, in order; each returns whether it changed anything.
UPGRADES: tuple[tuple[str, Callable[[Any, Dialect], bool]], ...] = (("events_epoch", _upgrade_events_epoch),)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    """The monitor's tables behind a small read/write interface (see ``monitor/store/README.md``)."""

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
            logger.info("monitor store %s upgraded in place: %s", _redact_url(url), name)

    # plumbing
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
        value = _utc(value)
        return value.isoformat(timespec="microseconds") if self.dialect is SQLITE else value

    @staticmethod
    def _dt(value: Any) -> datetime:
        if isinstance(value, datetime):
            return _utc(value)
        return _utc(datetime.fromisoformat(str(value)))

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

    # ingest
    def ingest(self, batch: UplinkBatch) -> UplinkAck:
        """Store the batch's events once per (site, epoch, seq) and acknowledge all of them (new or known)."""
        return self.ingest_new(batch)[0]

    def ingest_new(self, batch: UplinkBatch) -> tuple[UplinkAck, list[UplinkEvent]]:
        """Like ``ingest``, also returning the events that were new (for the alert rules)."""
        received = self._ts(self.clock())
        events = [e for e in batch.events if e.site == batch.site]
        ph = self.dialect.placeholder
        row_sql = f"({ph}, {ph}, {ph}, {ph}, {ph}, {ph}, {ph}, {self.dialect.json_param}, {ph})"
        new_keys: set[tuple[str, int]] = set()
        with self._tx() as cur:
            for start in range(0, len(events), CHUNK):
                chunk = events[start : start + CHUNK]
                params: list[Any] = []
                for e in chunk:
                    params += [
                        e.site,
                        e.epoch,
                        e.seq,
                        e.kind,
                        e.type,
                        self._ts(e.at),
                        e.source_seq,
                        self._json_in(e.data),
                        received,
                    ]
                cur.execute(
                    "INSERT INTO events (site, epoch, seq, kind, type, at, source_seq, data, received_at) VALUES "
                    + ", ".join([row_sql] * len(chunk))
                    + " ON CONFLICT (site, seq, epoch) DO NOTHING RETURNING epoch, seq",
                    params,
                )
                new_keys.update((str(row[0]), int(row[1])) for row in cur.fetchall())
            new = [e for e in events if (e.epoch, e.seq) in new_keys]
            self._upsert_devices(cur, [e for e in new if e.type in DEVICE_EVENT_TYPES])
            if events:
                cur.execute(
                    self._sql(
                        "INSERT INTO sites (site, last_seen) VALUES (?, ?) "
                        "ON CONFLICT (site) DO UPDATE SET last_seen = excluded.last_seen"
                    ),
                    [batch.site, received],
                )
        return UplinkAck(site=batch.site, epoch=batch.epoch, acked=[e.seq for e in events]), new

    def _upsert_devices(self, cur: Any, events: Sequence[UplinkEvent]) -> None:
        newest: dict[str, UplinkEvent] = {}
        for e in events:
            device_id = str(e.data.get("device_id") or "")
            if device_id and (device_id not in newest or newest[device_id].at <= e.at):
                newest[device_id] = e
        for device_id, e in newest.items():
            cur.execute(
                self._sql(
                    "INSERT INTO devices (site, device_id, role, state, version, last_seen, details) "
                    f"VALUES (?, ?, ?, ?, ?, ?, {self.dialect.json_param}) "
                    "ON CONFLICT (site, device_id) DO UPDATE SET role = excluded.role, state = excluded.state, "
                    "version = excluded.version, last_seen = excluded.last_seen, details = excluded.details "
                    "WHERE devices.last_seen <= excluded.last_seen"
                ),
                [
                    e.site,
                    device_id,
                    str(e.data.get("role") or ""),
                    str(e.data.get("state") or "online"),
                    str(e.data.get("version") or ""),
                    self._ts(e.at),
                    self._json_in(dict(e.data.get("details") or {})),
                ],
            )

    # reads
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

    def sites(self) -> list[SiteRow]:
        """Every site known (declared with ``upsert_site`` or seen on the uplink)."""
        with self._tx() as cur:
            cur.execute("SELECT site, name, level, one_stop_staff, last_seen FROM sites ORDER BY site")
            rows = cur.fetchall()
        return [
            SiteRow(r[0], r[1], r[2], None if r[3] is None else int(r[3]), None if r[4] is None else self._dt(r[4]))
            for r in rows
        ]

    def upsert_site(
        self, site: str, *, name: str | None = None, level: str | None = None, one_stop_staff: int | None = None
    ) -> None:
        """Declare a site or update its name, level and staff; ``None`` keeps the stored value."""
        if level is not None and level not in ("province", "district", "commune"):
            raise ValueError(f"level must be province, district or commune, not {level!r}")
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO sites (site, name, level, one_stop_staff) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (site) DO UPDATE SET name = COALESCE(excluded.name, sites.name), "
                    "level = COALESCE(excluded.level, sites.level), "
                    "one_stop_staff = COALESCE(excluded.one_stop_staff, sites.one_stop_staff)"
                ),
                [site, name, level, one_stop_staff],
            )

    def devices(self, site: str | None = None) -> list[DeviceRow]:
        """The newest status of every device (of one site when given)."""
        sql = "SELECT site, device_id, role, state, version, last_seen, details FROM devices"
        params: list[Any] = []
        if site is not None:
            sql += " WHERE site = ?"
            params.append(site)
        with self._tx() as cur:
            cur.execute(self._sql(sql + " ORDER BY site, device_id"), params)
            rows = cur.fetchall()
        return [DeviceRow(r[0], r[1], r[2], r[3], r[4], self._dt(r[5]), self._json_out(r[6])) for r in rows]

    # alerts
    def add_alert(self, alert: Alert) -> int:
        """Store an alert; returns its id."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO alerts (site, kind, severity, message_vi, message_en, at, data) "
                    f"VALUES (?, ?, ?, ?, ?, ?, {self.dialect.json_param}) RETURNING id"
                ),
                [
                    alert.site,
                    alert.kind,
                    alert.severity,
                    alert.message_vi,
                    alert.message_en,
                    self._ts(alert.at),
                    self._json_in(alert.data),
                ],
            )
            return int(cur.fetchone()[0])

    def resolve_alert(self, alert_id: int, at: datetime) -> None:
        """Mark an alert resolved at ``at`` (no-op when already resolved)."""
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE alerts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL"),
                [self._ts(at), alert_id],
            )

    def alerts(
        self, site: str | None = None, *, since: datetime | None = None, open_only: bool = False
    ) -> list[AlertRow]:
        """Alerts, oldest first; ``open_only`` keeps the unresolved ones."""
        clauses: list[str] = []
        params: list[Any] = []
        if site is not None:
            clauses.append("site = ?")
            params.append(site)
        if since is not None:
            clauses.append("at >= ?")
            params.append(self._ts(since))
        if open_only:
            clauses.append("resolved_at IS NULL")
        sql = "SELECT id, site, kind, severity, message_vi, message_en, at, data, resolved_at FROM alerts"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        with self._tx() as cur:
            cur.execute(self._sql(sql + " ORDER BY at, id"), params)
            rows = cur.fetchall()
        return [
            AlertRow(
                int(r[0]),
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                self._dt(r[6]),
                self._json_out(r[7]),
                None if r[8] is None else self._dt(r[8]),
            )
            for r in rows
        ]

    # site tokens (HTTPS ingest)
    def create_site_token(self, site: str) -> str:
        """A new bearer token for a site's agent; only its hash is stored."""
        token = secrets.token_urlsafe(32)
        with self._tx() as cur:
            cur.execute(
                self._sql("INSERT INTO site_tokens (token_hash, site, created_at) VALUES (?, ?, ?)"),
                [_hash_token(token), site, self._ts(self.clock())],
            )
        return token

    def site_for_token(self, token: str) -> str | None:
        """The site a bearer token belongs to, or None."""
        with self._tx() as cur:
            cur.execute(self._sql("SELECT site FROM site_tokens WHERE token_hash = ?"), [_hash_token(token)])
            row = cur.fetchone()
        return None if row is None else str(row[0])


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
