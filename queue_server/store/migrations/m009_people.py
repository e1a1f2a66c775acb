"""Staff accounts: the people who sign in at a counter, and the sign-in failures per username (lock-out)."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    # ``id`` is what tickets, dossiers and feedback record as ``staff_id``: it never changes, a rename changes
    # ``username``/``display_name`` only. ``services``: JSON list of the service codes the person may serve.
    # ``secret_hash``: argon2id of the PIN or password. Failures are kept per normalized username, whether or
    # not an account has it, so the answer does not tell which usernames exist.
    run_statements(
        db,
        """
        CREATE TABLE people (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            services TEXT NOT NULL DEFAULT '[]',
            secret_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE people_sign_in_failures (
            username TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            locked_until TEXT,
            last_at TEXT NOT NULL
        )
        """,
    )
