"""A dossier's life after the kiosk: status, code, due date, staff, timestamps; codes; papers; access log."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    # ``dossiers.data`` stays the personal form data (blanked by the retention purge: ``data_purged_at``);
    # the other new columns are the dossier's state (queue_server.core.dossier.Dossier). ``archive_until``:
    # a received dossier's papers and data are kept until then (the archive period), never purged earlier.
    # ``dossier_codes`` guards a dossier code with its primary key, as ``issued_numbers`` guards tickets;
    # ``dossier_sequences`` is the per-site, per-day counter (a failed receive does not give a code back).
    # ``papers``: one row per paper of a dossier (the same bytes twice is one paper: UNIQUE); the content
    # is an encrypted file named by the SHA-256 of its plaintext. ``dossier_access``: who opened a
    # dossier's personal data, when and why (append-only).
    run_statements(
        db,
        """
        ALTER TABLE dossiers ADD COLUMN code TEXT;
        ALTER TABLE dossiers ADD COLUMN channel TEXT NOT NULL DEFAULT 'kiosk';
        ALTER TABLE dossiers ADD COLUMN department TEXT;
        ALTER TABLE dossiers ADD COLUMN on_the_spot INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE dossiers ADD COLUMN ticks TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE dossiers ADD COLUMN counter_id TEXT;
        ALTER TABLE dossiers ADD COLUMN received_at TEXT;
        ALTER TABLE dossiers ADD COLUMN received_by TEXT;
        ALTER TABLE dossiers ADD COLUMN due_at TEXT;
        ALTER TABLE dossiers ADD COLUMN due_date TEXT;
        ALTER TABLE dossiers ADD COLUMN forwarded_at TEXT;
        ALTER TABLE dossiers ADD COLUMN result_ready_at TEXT;
        ALTER TABLE dossiers ADD COLUMN returned_at TEXT;
        ALTER TABLE dossiers ADD COLUMN closed_at TEXT;
        ALTER TABLE dossiers ADD COLUMN reason TEXT;
        ALTER TABLE dossiers ADD COLUMN supplements INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE dossiers ADD COLUMN history TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE dossiers ADD COLUMN updated_at TEXT;
        ALTER TABLE dossiers ADD COLUMN archive_until TEXT;
        ALTER TABLE dossiers ADD COLUMN data_purged_at TEXT;
        UPDATE dossiers SET status = 'prepared' WHERE status = 'submitted';
        UPDATE dossiers SET status = 'cancelled', reason = 'retention', data_purged_at = purge_after
            WHERE status = 'purged';
        CREATE UNIQUE INDEX dossiers_code ON dossiers (code) WHERE code IS NOT NULL;
        CREATE INDEX dossiers_status ON dossiers (status, department);
        CREATE INDEX dossiers_purge ON dossiers (purge_after) WHERE data_purged_at IS NULL;
        CREATE TABLE dossier_sequences (
            site_code TEXT NOT NULL, day TEXT NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (site_code, day));
        CREATE TABLE dossier_codes (code TEXT PRIMARY KEY, dossier_id TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE papers (
            id TEXT PRIMARY KEY, dossier_id TEXT NOT NULL REFERENCES dossiers (id), kind TEXT NOT NULL,
            sha256 TEXT NOT NULL, pages INTEGER NOT NULL, size INTEGER NOT NULL, content_type TEXT NOT NULL,
            thumbnails INTEGER NOT NULL DEFAULT 0, text_chars INTEGER NOT NULL DEFAULT 0,
            stored_path TEXT NOT NULL, is_result INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
            source_sha256 TEXT,
            UNIQUE (dossier_id, sha256));
        CREATE INDEX papers_sha ON papers (sha256);
        CREATE INDEX papers_source ON papers (dossier_id, source_sha256);
        CREATE TABLE dossier_access (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, dossier_id TEXT NOT NULL, at TEXT NOT NULL,
            token_id TEXT, role TEXT, staff_id TEXT, purpose TEXT NOT NULL, what TEXT NOT NULL);
        CREATE INDEX dossier_access_dossier ON dossier_access (dossier_id, at);
        ALTER TABLE tokens ADD COLUMN department TEXT
        """,
    )
