"""Rows of the ``feedback`` table ⇄ what the API and the KPIs read, and the comment-retention update.

Translates; decides nothing. The comment is the only free text a citizen types: it is returned only where
``with_comment`` asks for it, and never logged.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from motcua.contract import events as ev
from queue_server.core.feedback import Sentiment


def _json(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """The rows of a query as dicts."""
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def public_feedback(row: Mapping[str, Any], *, with_comment: bool) -> dict[str, Any]:
    """A stored feedback as the API shows it; the comment only to managers."""
    public: dict[str, Any] = {
        "id": row["id"],
        "ticket_id": row["ticket_id"],
        "number": row["number"],
        "service": row["service"],
        "counter_id": row["counter_id"],
        "staff_id": row["staff_id"],
        "day": row["day"],
        "rating": row["rating"],
        "ratings": _json(row["ratings"], {}),
        "has_comment": bool(row["comment"]) or bool(row.get("comment_purged_at")),
        "lang": row["lang"],
        "created_at": row["created_at"],
        "sentiment": None,
    }
    if with_comment:
        public["comment"] = row["comment"]  # None once blanked after the retention period
        public["comment_purged"] = bool(row.get("comment_purged_at"))
    if row.get("scored_at"):
        public["sentiment"] = {
            "label": row["sentiment_label"],
            "score": row["sentiment_score"],
            "probabilities": _json(row["sentiment_probabilities"], {}),
            "topics": _json(row["topics"], []),
            "rating_mismatch": bool(row["rating_mismatch"]),
            "scored_at": row["scored_at"],
            "scored_by": row["scored_by"],
        }
    return public


def load_sentiments(conn: sqlite3.Connection, day: str) -> dict[str, Sentiment]:
    """Stored sentiment of the feedback of one service day, by feedback id."""
    found = rows(
        conn,
        "SELECT id, sentiment_label, sentiment_score, topics, rating_mismatch FROM feedback"
        " WHERE day = ? AND scored_at IS NOT NULL",
        (day,),
    )
    return {
        r["id"]: Sentiment(
            r["sentiment_label"], float(r["sentiment_score"]), tuple(_json(r["topics"], [])), bool(r["rating_mismatch"])
        )
        for r in found
    }


def blank_comments(conn: sqlite3.Connection, created_before: str, stamp: str) -> int:
    """Blank the comments of feedback created at or before ``created_before``, in the table and the event log.

    The rating, per-criterion ratings and sentiment stay; the row and its ``feedback.submitted`` event record
    ``stamp`` as the time the text was removed. Returns how many comments were blanked.
    """
    due = rows(conn, "SELECT id, day FROM feedback WHERE comment IS NOT NULL AND created_at <= ?", (created_before,))
    if not due:
        return 0
    conn.executemany(
        "UPDATE feedback SET comment = NULL, comment_purged_at = ? WHERE id = ?", [(stamp, r["id"]) for r in due]
    )
    by_day: dict[str, set[str]] = {}
    for r in due:
        by_day.setdefault(str(r["day"]), set()).add(str(r["id"]))
    for day, ids in by_day.items():  # the day index finds the events; the comment may be in each copy
        events = rows(conn, "SELECT seq, data FROM events WHERE day = ? AND type = ?", (day, ev.FEEDBACK_SUBMITTED))
        for event in events:
            data = json.loads(event["data"])
            if data.get("feedback_id") in ids and data.get("comment") is not None:
                data["comment"] = None
                data["comment_purged_at"] = stamp
                conn.execute(
                    "UPDATE events SET data = ? WHERE seq = ?",
                    (json.dumps(data, ensure_ascii=False, default=str), event["seq"]),
                )
    return len(due)
