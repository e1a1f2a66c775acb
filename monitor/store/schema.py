"""The two SQL dialects, the DDL of every table, and the in-place upgrades of older databases.

The dialects differ only in column types (``TEXT`` ISO-8601 UTC timestamps and JSON text on SQLite;
``TIMESTAMPTZ`` and ``JSONB`` on PostgreSQL), the placeholder style and the id column of ``alerts``.

``schema()`` is idempotent DDL for a new database; a database made by an older version is upgraded in
place when opened, by the steps of ``UPGRADES`` (each detects whether it is needed and runs in the one
transaction that opening the store is), before ``schema()`` runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
            heartbeat INTEGER NOT NULL DEFAULT 0,
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
        *auth_tables(d),
    ]


def auth_tables(d: Dialect) -> list[str]:
    """The DDL of the accounts, sessions, API tokens, sign-in failures and the audit log (idempotent)."""
    ts, js = d.timestamp, d.json
    return [
        f"""CREATE TABLE IF NOT EXISTS monitor_users (
            username TEXT PRIMARY KEY,
            display_name TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('operator', 'site_manager', 'viewer')),
            sites TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at {ts} NOT NULL,
            created_by TEXT NOT NULL DEFAULT '')""",
        f"""CREATE TABLE IF NOT EXISTS login_failures (
            username TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            last_failure_at {ts} NOT NULL,
            locked_until {ts})""",
        f"""CREATE TABLE IF NOT EXISTS monitor_sessions (
            session_hash TEXT PRIMARY KEY,
            session_id TEXT NOT NULL UNIQUE,
            username TEXT NOT NULL,
            csrf_token TEXT NOT NULL,
            created_at {ts} NOT NULL,
            last_seen {ts} NOT NULL,
            expires_at {ts} NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS monitor_sessions_username ON monitor_sessions (username)",
        f"""CREATE TABLE IF NOT EXISTS api_tokens (
            token_id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('operator', 'site_manager', 'viewer')),
            sites TEXT,
            created_by TEXT NOT NULL,
            created_at {ts} NOT NULL,
            expires_at {ts},
            revoked_at {ts},
            last_used_at {ts})""",
        f"""CREATE TABLE IF NOT EXISTS audit_log (
            id {d.id_column},
            at {ts} NOT NULL,
            action TEXT NOT NULL,
            ok INTEGER NOT NULL,
            actor TEXT NOT NULL,
            actor_kind TEXT NOT NULL,
            site TEXT,
            ip TEXT,
            detail {js} NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at)",
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


def _upgrade_devices_heartbeat(cur: Any, d: Dialect) -> bool:
    """Add ``devices.heartbeat``: 1 once a device has sent a ``device.health`` sample (stored rows: 0, and
    the next sample of a heartbeating device sets it)."""
    columns = _columns(cur, d, "devices")
    if not columns or "heartbeat" in columns:
        return False
    cur.execute("ALTER TABLE devices ADD COLUMN heartbeat INTEGER NOT NULL DEFAULT 0")
    return True


def _upgrade_auth_tables(cur: Any, d: Dialect) -> bool:
    """Add the accounts, sessions, API tokens and audit log to a store made before the monitor required
    login (its reads then answer only signed-in people and tokens: create the first operator with
    ``motcua monitor create-user``). A new database gets them from ``schema()``."""
    if not _columns(cur, d, "events") or _columns(cur, d, "monitor_users"):
        return False
    for statement in auth_tables(d):
        cur.execute(statement)
    return True


Upgrade = Callable[[Any, Dialect], bool]

# In-place upgrades of databases made by older versions, in order; each returns whether it changed anything.
UPGRADES: tuple[tuple[str, Upgrade], ...] = (
    ("events_epoch", _upgrade_events_epoch),
    ("devices_heartbeat", _upgrade_devices_heartbeat),
    ("auth_tables", _upgrade_auth_tables),
)
