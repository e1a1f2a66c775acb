"""Feedback comments are kept only for the retention period: when each was blanked, and an index to find them."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    # ``comment_purged_at`` set = the citizen wrote a comment, blanked (NULL) after MOTCUA_COMMENT_RETENTION_DAYS;
    # the rating and the comment's sentiment stay. The partial index holds only rows still carrying text.
    run_statements(
        db,
        """
        ALTER TABLE feedback ADD COLUMN comment_purged_at TEXT;
        CREATE INDEX feedback_comment_age ON feedback (created_at) WHERE comment IS NOT NULL
        """,
    )
