"""Results back to the citizen: the notification channel chosen at intake, the follow token, the outbox."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    # ``notify_channel`` (sms|email|zalo|none) and ``notify_address`` (a phone number, an e-mail address or a
    # Zalo user id: personal data, blanked by the retention purge with ``data``). ``follow_token_hash``:
    # SHA-256 of the random token in the slip's QR (``/d/{code}?t=``); the token itself is never stored.
    # ``notify_outbox``: one row per (dossier, event) — the primary key is the idempotency key — written in
    # the transaction of the dossier's transition; the sender marks it sent after the provider's 2xx. The
    # row holds no address and no name: the address is read from the dossier when sending.
    run_statements(
        db,
        """
        ALTER TABLE dossiers ADD COLUMN notify_channel TEXT NOT NULL DEFAULT 'none';
        ALTER TABLE dossiers ADD COLUMN notify_address TEXT;
        ALTER TABLE dossiers ADD COLUMN follow_token_hash TEXT;
        CREATE TABLE notify_outbox (
            key TEXT PRIMARY KEY, dossier_id TEXT NOT NULL, event_type TEXT NOT NULL, channel TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
            next_at TEXT NOT NULL, created_at TEXT NOT NULL, sent_at TEXT, last_error TEXT);
        CREATE INDEX notify_outbox_due ON notify_outbox (next_at) WHERE status = 'pending'
        """,
    )
