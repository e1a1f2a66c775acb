"""Bearer tokens with roles: kiosk, counter (bound to one counter), display, admin."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from queue_server.store.db import Database

ROLES = ("kiosk", "counter", "display", "admin")


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
    return token


def authenticate(db: Database, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token, else None."""
    rows = db.query(
        "SELECT id, role, counter_id, label FROM tokens WHERE token_hash = ? AND revoked_at IS NULL",
        (_hash(token),),
    )
    if not rows:
        return None
    row = rows[0]
    return Principal(row["id"], row["role"], row["counter_id"], row["label"])


def revoke_tokens(db: Database, *, label: str) -> int:
    """Revoke every token with ``label``; returns how many."""
    with db.transaction() as conn:
        cursor = conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE label = ? AND revoked_at IS NULL",
            (datetime.now(UTC).isoformat(), label),
        )
        return cursor.rowcount


def revoke_token(db: Database, token_id: str) -> bool:
    """Revoke one token by id; False when there is no such active token."""
    with db.transaction() as conn:
        cursor = conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            (datetime.now(UTC).isoformat(), token_id),
        )
        return cursor.rowcount == 1


def list_tokens(db: Database) -> list[dict[str, object]]:
    """Tokens without their secrets."""
    return [
        dict(r)
        for r in db.query("SELECT id, role, counter_id, label, created_at, revoked_at FROM tokens ORDER BY created_at")
    ]
