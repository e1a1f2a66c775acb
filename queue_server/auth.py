"""Bearer tokens with roles: kiosk, counter (bound to one counter), display, feedback (tablets), agent, admin."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from queue_server.store.db import Database

ROLES = ("kiosk", "counter", "display", "feedback", "agent", "admin")  # agent: the site's edge agent


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's role and, for counter tokens, its counter."""

    token_id: str
    role: str
    counter_id: str | None
    label: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: Database, role: str, *, counter_id: str | None = None, label: str = "") -> str:
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
            "INSERT INTO tokens (id, token_hash, role, counter_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (secrets.token_hex(6), _hash(token), role, counter_id, label, datetime.now(UTC).isoformat()),
        )
    forget_cached_tokens()
    return token


CACHE_SECONDS = 5.0
_cache: dict[str, tuple[float, Principal | None]] = {}
_cache_lock = threading.Lock()


def forget_cached_tokens() -> None:
    """Drop every cached token lookup (after a token is created or revoked in this process)."""
    with _cache_lock:
        _cache.clear()


def authenticate(db: Database, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token, else None.

    Lookups are cached for a few seconds; a revocation through this process takes effect at once, one
    made by another process (the CLI) within ``CACHE_SECONDS``.
    """
    digest = _hash(token)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(digest)
    if hit is not None and hit[0] > now:
        return hit[1]
    rows = db.read(
        "SELECT id, role, counter_id, label FROM tokens WHERE token_hash = ? AND revoked_at IS NULL", (digest,)
    )
    principal = None
    if rows:
        row = rows[0]
        principal = Principal(str(row["id"]), str(row["role"]), row["counter_id"], str(row["label"]))  # type: ignore[arg-type]
    with _cache_lock:
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[digest] = (now + CACHE_SECONDS, principal)
    return principal


def revoke_tokens(db: Database, *, label: str) -> int:
    """Revoke every token with ``label``; returns how many."""
    with db.transaction() as conn:
        cursor = conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE label = ? AND revoked_at IS NULL",
            (datetime.now(UTC).isoformat(), label),
        )
        count = cursor.rowcount
    forget_cached_tokens()
    return count


def revoke_token(db: Database, token_id: str) -> bool:
    """Revoke one token by id; False when there is no such active token."""
    with db.transaction() as conn:
        cursor = conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (datetime.now(UTC).isoformat(), token_id),
        )
        revoked = cursor.rowcount == 1
    forget_cached_tokens()
    return revoked


def list_tokens(db: Database) -> list[dict[str, object]]:
    """Tokens without their secrets."""
    return [
        dict(r)
        for r in db.query("SELECT id, role, counter_id, label, created_at, revoked_at FROM tokens ORDER BY created_at")
    ]
