"""Citizen feedback: one row per served ticket, with its ratings, comment and comment sentiment."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    # ``comment`` is what the citizen typed: it stays in this table (and the site's event log), is never
    # logged, and the edge agent redacts it before anything leaves the site. ``ticket_id`` is UNIQUE: one
    # feedback per ticket, enforced by the database too. Sentiment columns stay NULL until scored.
    run_statements(
        db,
        """
        CREATE TABLE feedback (
            id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL UNIQUE, day TEXT NOT NULL, ticket_day TEXT NOT NULL,
            number TEXT NOT NULL, service TEXT NOT NULL, counter_id TEXT, staff_id TEXT,
            rating TEXT NOT NULL, ratings TEXT NOT NULL DEFAULT '{}', comment TEXT, lang TEXT NOT NULL DEFAULT 'vi',
            created_at TEXT NOT NULL, sentiment_label TEXT, sentiment_score REAL, sentiment_probabilities TEXT,
            topics TEXT, rating_mismatch INTEGER, scored_at TEXT, scored_by TEXT);
        CREATE INDEX feedback_day ON feedback (day, counter_id);
        CREATE INDEX feedback_unscored ON feedback (scored_at) WHERE comment IS NOT NULL;
        CREATE INDEX feedback_ticket_numbers ON tickets (day, number)
        """,
    )
