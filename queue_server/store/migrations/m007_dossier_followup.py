"""Dossier follow-up: the kinds a supplement request asked for, and when a dossier was flagged overdue."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    # ``requested_kinds``: JSON list of paper kinds of the open supplement request (cleared when supplemented).
    # ``overdue_at``: when the server noticed the dossier past its due time without a result and wrote the
    # ``dossier.overdue`` event (once per dossier, so the monitor raises one alert).
    run_statements(
        db,
        """
        ALTER TABLE dossiers ADD COLUMN requested_kinds TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE dossiers ADD COLUMN overdue_at TEXT;
        CREATE INDEX dossiers_due ON dossiers (due_at) WHERE overdue_at IS NULL AND due_at IS NOT NULL
        """,
    )
