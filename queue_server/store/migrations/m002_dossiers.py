"""Dossiers prepared at kiosks, linked to their tickets."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    # Dossiers prepared at a kiosk; ``data`` holds the citizen's form (personal data, kept on the server only
    # until ``purge_after``), never copied into the event log.
    run_statements(
        db,
        """
        CREATE TABLE dossiers (
            id TEXT PRIMARY KEY, receipt_code TEXT NOT NULL UNIQUE, procedure_code TEXT NOT NULL,
            ticket_id TEXT, service TEXT, data TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'submitted',
            created_at TEXT NOT NULL, purge_after TEXT);
        CREATE INDEX dossiers_ticket ON dossiers (ticket_id);
        ALTER TABLE tickets ADD COLUMN dossier_id TEXT;
        """,
    )
