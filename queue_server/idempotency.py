"""Idempotent requests: a retry with the same Idempotency-Key gets the stored response back.

A use case that creates something (a ticket, a dossier, a feedback) asks ``replay`` first, inside its own
write transaction, and ``remember``s its response in that same transaction: a kiosk that retries after a
lost response gets the same ticket, never a second one, and the same key with another body is refused.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from queue_server.core.errors import DomainError
from queue_server.store import repo


class IdempotencyConflict(DomainError):
    """The same Idempotency-Key was sent with a different request body."""

    status = 422


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    """One request's identity for replays: the sender's scope, its Idempotency-Key and its body's hash."""

    scope: str
    key: str
    request_hash: str

    def replay(self, conn: sqlite3.Connection) -> dict[str, Any] | None:
        """The response stored for this key, or None when it is new; 422 when the key came with another body."""
        previous = repo.find_idempotent(conn, self.scope, self.key)
        if previous is None:
            return None
        stored_hash, response = previous
        if stored_hash != self.request_hash:
            raise IdempotencyConflict(
                "idempotency_key_reused",
                "Khoá Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                "This Idempotency-Key was already used with a different request body.",
            )
        return response

    def remember(self, conn: sqlite3.Connection, response: dict[str, Any], now: datetime) -> None:
        """Store the response, in the transaction that made it, for the retries to come."""
        repo.save_idempotent(conn, self.scope, self.key, self.request_hash, response, now)
