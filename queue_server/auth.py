"""Bearer tokens with roles: kiosk, counter (bound to one counter), display, feedback (tablets), agent, admin."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime

from queue_server.store.db import Database

# agent: the site's edge agent; department: a competent department's staff (dossiers sent to it)
ROLES = ("kiosk", "counter", "display", "feedback", "agent", "admin", "department")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's role and, for counter tokens, its counter."""

    token_id: str
    role: str
    counter_id: str | None
    label: str
    department: str | None = None  # a department token's department code (None: every department)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    db: Database, role: str, *, counter_id: str | None = None, label: str = "", department: str | None = None
) -> str:
    """Create a token and return it; only its hash is stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "counter" and not counter_id:
        raise ValueError("a counter token needs --counter")
    if counter_id is not None:
        exists = db.query("SELECT 1 FROM counters WHERE id = ?", (counter_id,))
        if not exists:
            raise ValueError(f"no counter {counter_id!r} in this site")
    token = f"mc_{secrets.token_urlsafe(32)}"
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO tokens (id, token_hash, role, counter_id, label, created_at, department)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (secrets.token_hex(6), _hash(token), role, counter_id, label, datetime.now(UTC).isoformat(), department),
        )
        _bump_tokens_version(conn)
    forget_cached_tokens()
    return token


# Lookups are cached, each entry tagged with the ``tokens_version`` counter that every token write bumps in
# its own transaction; an entry of an older version is not used, so a revocation by any process (the CLI,
# provisioning) takes effect on the next request. Reading the counter is gated by SQLite's PRAGMA
# data_version, which changes only when another connection committed: no query while nothing was written.
# The TTL is a backstop for a token row changed by hand.
CACHE_SECONDS = 5.0
TOKENS_VERSION_KEY = "tokens_version"
_cache: dict[str, tuple[float, str, Principal | None]] = {}
_cache_lock = threading.Lock()
_versions: weakref.WeakKeyDictionary[Database, tuple[int, str]] = weakref.WeakKeyDictionary()


def _bump_tokens_version(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1')"
        " ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        (TOKENS_VERSION_KEY,),
    )


def forget_cached_tokens() -> None:
    """Drop every cached token lookup."""
    with _cache_lock:
        _cache.clear()


def tokens_version(db: Database) -> str:
    """The token table's change counter as committed now (read again only after some commit)."""
    data_version = int(str(db.read("PRAGMA data_version")[0]["data_version"]))
    with _cache_lock:
        known = _versions.get(db)
    if known is not None and known[0] == data_version:
        return known[1]
    # data_version was read first: a commit it reflects is visible to this read too.
    rows = db.read("SELECT value FROM meta WHERE key = ?", (TOKENS_VERSION_KEY,))
    version = str(rows[0]["value"]) if rows else "0"
    with _cache_lock:
        _versions[db] = (data_version, version)
    return version


def authenticate(db: Database, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token, else None; a revocation anywhere counts from the next call."""
    digest = _hash(token)
    version = tokens_version(db)  # before the lookup: a revocation committed after it tags the entry stale
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(digest)
    if hit is not None and hit[0] > now and hit[1] == version:
        return hit[2]
    rows = db.read(
        "SELECT id, role, counter_id, label, department FROM tokens WHERE token_hash = ? AND revoked_at IS NULL",
        (digest,),
    )
    principal = None
    if rows:
        row = rows[0]
        principal = Principal(
            str(row["id"]), str(row["role"]), row["counter_id"], str(row["label"]), row["department"]  # type: ignore[arg-type]
        )
    with _cache_lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[digest] = (now + CACHE_SECONDS, version, principal)
    return principal


def revoke_where(
    db: Database, *, token_id: str | None = None, label: str | None = None, role: str | None = None
) -> list[str]:
    """Revoke every active token matching all the given criteria (at least one); the ids revoked."""
    clauses, params = [], []
    for column, value in (("id", token_id), ("label", label), ("role", role)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if not clauses:
        raise ValueError("name the tokens to revoke: an id, a label or a role")
    where = " AND ".join(clauses)
    with db.transaction() as conn:
        ids = [str(r[0]) for r in conn.execute(f"SELECT id FROM tokens WHERE {where} AND revoked_at IS NULL", params)]
        if ids:
            conn.execute(
                f"UPDATE tokens SET revoked_at = ? WHERE {where} AND revoked_at IS NULL",
                (datetime.now(UTC).isoformat(), *params),
            )
            _bump_tokens_version(conn)
    forget_cached_tokens()
    return ids


def revoke_tokens(db: Database, *, label: str) -> int:
    """Revoke every token with ``label``; returns how many."""
    return len(revoke_where(db, label=label))


def revoke_token(db: Database, token_id: str) -> bool:
    """Revoke one token by id; False when there is no such active token."""
    return bool(revoke_where(db, token_id=token_id))


def list_tokens(db: Database) -> list[dict[str, object]]:
    """Tokens without their secrets."""
    return [
        dict(r)
        for r in db.query("SELECT id, role, counter_id, label, created_at, revoked_at FROM tokens ORDER BY created_at")
    ]
