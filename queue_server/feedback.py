"""Citizen feedback use cases: capture after service, the counter tablet's "last served", sentiment, KPIs.

A feedback is stored in the ``feedback`` table and appended as a ``feedback.submitted`` event in the same
transaction. The free comment is the only thing a citizen types; it stays on the site server (table and
event log), is never logged, and is redacted by the edge agent before anything leaves the site.

Sentiment arrives from the site's edge agent (``attach_sentiment``). If none arrives within
``self_score_after_s`` and the desk was given a ``scorer_factory`` (``queue_server.scoring``), the server
scores the comment itself on a worker thread (never on the event loop). Rows are read and written by
``queue_server.store.feedback_repo``.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent
from motcua.contract.feedback import SENTIMENT_LABELS, SentimentResult, rating_mismatch
from queue_server.core.errors import DomainError, InvalidTransition, NotFound
from queue_server.core.feedback import (
    SCALE,
    FeedbackPolicy,
    check_eligible,
    compute_feedback_kpis,
    feedback_event_data,
    is_recently_served,
    normalize_number,
    validate_feedback,
)
from queue_server.idempotency import IdempotentRequest
from queue_server.scoring import Scorer, ScorerFactory, SelfScorer
from queue_server.service import QueueService
from queue_server.settings import CriterionSetting, FeedbackSettings
from queue_server.store import feedback_repo, repo
from queue_server.store.feedback_repo import load_sentiments

__all__ = [
    "CriterionSetting",
    "FeedbackDesk",
    "FeedbackSettings",
    "Scorer",
    "SelfScorer",
    "load_sentiments",
    "new_feedback_id",
]

logger = logging.getLogger(__name__)


def new_feedback_id() -> str:
    """An opaque feedback id."""
    return f"fb_{secrets.token_urlsafe(9)}"


@dataclass
class FeedbackDesk:
    """Feedback use cases over the queue service's database."""

    service: QueueService
    policy: FeedbackPolicy = field(default_factory=FeedbackPolicy)
    self_score: bool = False
    self_score_after_s: float = 30.0
    scorer_factory: ScorerFactory | None = None
    _worker: SelfScorer | None = field(default=None, repr=False)

    # -- capture
    def _find_ticket(self, conn: Any, ticket_id: str | None, number: str | None, day: str | None) -> dict[str, Any]:
        if ticket_id:
            rows = feedback_repo.rows(conn, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
            if not rows:
                raise NotFound("unknown_ticket", "Không tìm thấy vé.", "Ticket not found.")
            return rows[0]
        printed = normalize_number(number or "")
        if printed is None:
            raise DomainError(
                "invalid_number",
                "Số thứ tự không hợp lệ (ví dụ A012).",
                "Invalid ticket number (e.g. A012).",
                status=422,
            )
        the_day = day or self.service.today()
        # A transferred ticket keeps its number: prefer the part of the visit that was served, the latest.
        rows = feedback_repo.rows(
            conn,
            "SELECT * FROM tickets WHERE day = ? AND number = ?"
            " ORDER BY status = 'done' DESC, finished_at DESC, issued_at DESC LIMIT 1",
            (the_day, printed),
        )
        if not rows:
            raise NotFound(
                "unknown_ticket",
                f"Không tìm thấy vé số {printed} ngày {the_day}.",
                f"No ticket {printed} on {the_day}.",
            )
        return rows[0]

    def submit(
        self,
        *,
        ticket_id: str | None,
        number: str | None,
        day: str | None,
        rating: str,
        ratings: Mapping[str, str],
        comment: str | None,
        lang: str,
        idempotency_key: str,
        scope: str,
        request_hash: str,
    ) -> tuple[dict[str, Any], bool]:
        """Store one feedback for a served ticket (idempotent by key); returns it and whether it was a replay."""
        if not ticket_id and not number:
            raise DomainError(
                "missing_ticket",
                "Cần mã vé (ticket_id) hoặc số thứ tự (number).",
                "Give the ticket_id or the ticket number.",
                status=422,
            )
        feedback = validate_feedback(rating, ratings, comment, lang, self.policy)
        request = IdempotentRequest(f"feedback:{scope}", idempotency_key, request_hash)
        with self.service.db.transaction() as conn:
            previous = request.replay(conn)
            if previous is not None:
                return previous, True
            ticket = self._find_ticket(conn, ticket_id, number, day)
            if feedback_repo.rows(conn, "SELECT 1 FROM feedback WHERE ticket_id = ?", (ticket["id"],)):
                raise InvalidTransition(
                    "feedback_exists",
                    f"Vé {ticket['number']} đã được đánh giá rồi. Xin cảm ơn quý khách!",
                    f"Ticket {ticket['number']} has already been rated. Thank you!",
                )
            now = self.service.clock()
            today = self.service.today(now)
            finished = datetime.fromisoformat(ticket["finished_at"]) if ticket["finished_at"] else None
            check_eligible(
                number=ticket["number"],
                status=ticket["status"],
                finished_at=finished,
                ticket_day=ticket["day"],
                today=today,
                now=now,
                policy=self.policy,
            )
            feedback_id = new_feedback_id()
            conn.execute(
                "INSERT INTO feedback (id, ticket_id, day, ticket_day, number, service, counter_id, staff_id, rating,"
                " ratings, comment, lang, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    feedback_id,
                    ticket["id"],
                    today,
                    ticket["day"],
                    ticket["number"],
                    ticket["service"],
                    ticket["counter_id"],
                    ticket["staff_id"],
                    feedback.rating.value,
                    json.dumps(feedback.ratings_dict()),
                    feedback.comment,
                    feedback.lang,
                    now.isoformat(),
                ),
            )
            data = feedback_event_data(feedback_id=feedback_id, ticket=ticket, feedback=feedback, day=today)
            seq = self.service.commit_events(conn, [DomainEvent.of(ev.FEEDBACK_SUBMITTED, now, data)])
            row = feedback_repo.rows(conn, "SELECT * FROM feedback WHERE id = ?", (feedback_id,))[0]
            response = feedback_repo.public_feedback(row, with_comment=False)
            request.remember(conn, response, now)
        self.service.notify(seq)
        logger.info("feedback %s stored for ticket %s (%s)", feedback_id, ticket["number"], feedback.rating.value)
        if feedback.comment and self._scores_itself():
            self._self_scorer().schedule(feedback_id)
        return response, False

    def last_served(self, counter_id: str) -> dict[str, Any]:
        """The ticket just finished at a counter, if recent and not yet rated (what the counter tablet shows)."""
        with self.service.db.transaction() as conn:
            counter = repo.load_counter(conn, counter_id)
            if counter is None:
                raise NotFound("unknown_counter", f"Không có quầy '{counter_id}'.", f"No counter '{counter_id}'.")
            rows = feedback_repo.rows(
                conn,
                "SELECT t.*, f.id AS feedback_id FROM tickets t LEFT JOIN feedback f ON f.ticket_id = t.id"
                " WHERE t.counter_id = ? AND t.status = 'done' AND t.finished_at IS NOT NULL"
                " ORDER BY t.finished_at DESC LIMIT 1",
                (counter_id,),
            )
            services = repo.load_services(conn)
        now = self.service.clock()
        ticket = None
        if rows and rows[0]["feedback_id"] is None:
            row = rows[0]
            finished = datetime.fromisoformat(row["finished_at"])
            if is_recently_served(finished, now, self.policy):
                svc = services.get(row["service"])
                ticket = {
                    "id": row["id"],
                    "number": row["number"],
                    "service": row["service"],
                    "service_name_vi": svc.name_vi if svc else row["service"],
                    "service_name_en": svc.name_en if svc else row["service"],
                    "finished_at": row["finished_at"],
                    "offer_until": (finished + self.policy.last_served).isoformat(),
                }
        return {
            "counter_id": counter.id,
            "counter_name_vi": counter.name_vi,
            "counter_name_en": counter.name_en,
            "ticket": ticket,
            "criteria": [{"code": c.code, "name_vi": c.name_vi, "name_en": c.name_en} for c in self.policy.criteria],
            "scale": [{"code": o.rating.value, "label_vi": o.label_vi, "label_en": o.label_en} for o in SCALE],
        }

    # -- sentiment
    def attach_sentiment(
        self,
        feedback_id: str,
        *,
        label: str,
        score: float,
        probabilities: Mapping[str, float] | None = None,
        topics: tuple[str, ...] = (),
        mismatch: bool | None = None,
        scored_by: str,
    ) -> dict[str, Any]:
        """Store the sentiment of a feedback's comment; ``mismatch`` is computed from the rating when omitted."""
        if label not in SENTIMENT_LABELS:
            raise DomainError("invalid_label", "Nhãn cảm xúc không hợp lệ.", "Invalid sentiment label.", status=422)
        with self.service.db.transaction() as conn:
            rows = feedback_repo.rows(conn, "SELECT * FROM feedback WHERE id = ?", (feedback_id,))
            if not rows:
                raise NotFound("unknown_feedback", "Không tìm thấy đánh giá.", "Feedback not found.")
            probs = {k: float(v) for k, v in (probabilities or {label: score}).items()}
            if mismatch is None:
                result = SentimentResult(label=label, score=score, probabilities=probs, topics=topics)
                mismatch = rating_mismatch(rows[0]["rating"], result)
            conn.execute(
                "UPDATE feedback SET sentiment_label = ?, sentiment_score = ?, sentiment_probabilities = ?, topics = ?,"
                " rating_mismatch = ?, scored_at = ?, scored_by = ? WHERE id = ?",
                (
                    label,
                    score,
                    json.dumps(probs),
                    json.dumps(list(topics)),
                    int(mismatch),
                    self.service.clock().isoformat(),
                    scored_by,
                    feedback_id,
                ),
            )
            row = feedback_repo.rows(conn, "SELECT * FROM feedback WHERE id = ?", (feedback_id,))[0]
        return feedback_repo.public_feedback(row, with_comment=False)

    def is_scored(self, feedback_id: str) -> bool:
        """Whether a feedback has no comment to score or already carries a sentiment."""
        rows = self.service.db.read("SELECT comment, scored_at FROM feedback WHERE id = ?", (feedback_id,))
        return not rows or not rows[0]["comment"] or rows[0]["scored_at"] is not None

    def comment_of(self, feedback_id: str) -> tuple[str, str] | None:
        """The comment and rating of an unscored feedback (for the background scorer)."""
        rows = self.service.db.read(
            "SELECT comment, rating FROM feedback WHERE id = ? AND scored_at IS NULL AND comment IS NOT NULL",
            (feedback_id,),
        )
        return (str(rows[0]["comment"]), str(rows[0]["rating"])) if rows else None

    # -- reads
    def list_feedback(
        self, day: str | None, counter_id: str | None, flagged: bool | None, limit: int = 500
    ) -> dict[str, Any]:
        """Feedback of a day with comments and sentiment (managers); ``flagged`` = rating contradicts comment."""
        the_day = day or self.service.today()
        sql = "SELECT * FROM feedback WHERE day = ?"
        params: list[Any] = [the_day]
        if counter_id:
            sql += " AND counter_id = ?"
            params.append(counter_id)
        if flagged is True:
            sql += " AND rating_mismatch = 1"
        elif flagged is False:
            sql += " AND (rating_mismatch IS NULL OR rating_mismatch = 0)"
        sql += " ORDER BY created_at DESC LIMIT ?"
        params.append(limit)
        rows = self.service.db.read(sql, tuple(params))
        return {"day": the_day, "items": [feedback_repo.public_feedback(r, with_comment=True) for r in rows]}

    def kpis(self, day: str | None = None) -> dict[str, Any]:
        """Feedback KPIs of a service day, from the event log and the stored sentiment."""
        the_day = day or self.service.today()
        rows = self.service.db.read(
            "SELECT type, at, data FROM events WHERE day = ? AND type = ? ORDER BY seq",
            (the_day, ev.FEEDBACK_SUBMITTED),
        )
        events = [
            DomainEvent(str(r["type"]), datetime.fromisoformat(str(r["at"])), json.loads(str(r["data"]))) for r in rows
        ]
        with self.service.db.transaction() as conn:
            sentiments = load_sentiments(conn, the_day)
        report = compute_feedback_kpis(events, sentiments, criteria=self.policy.criteria)
        report["day"] = the_day
        report["site"] = self.service.site_id
        return report

    # -- retention
    def purge_comments(self, retention_days: int, now: datetime | None = None) -> int:
        """Blank the comment text of feedback older than ``retention_days``, in the table and the event log.

        The rating, per-criterion ratings and the comment's sentiment (label, score, topics) stay; the row
        and the ``feedback.submitted`` event record when the text was removed. Returns how many were blanked.
        """
        moment = now or self.service.clock()
        cutoff = (moment - timedelta(days=retention_days)).isoformat()
        with self.service.db.transaction() as conn:
            return feedback_repo.blank_comments(conn, cutoff, moment.isoformat())

    # -- background scoring
    def _scores_itself(self) -> bool:
        """Whether comments the agent leaves unscored are scored here (on, and a scorer was given)."""
        return self.self_score and self.scorer_factory is not None

    def _self_scorer(self) -> SelfScorer:
        if self._worker is None:
            self._worker = SelfScorer(self, self.self_score_after_s)
        return self._worker

    def start(self) -> None:
        """Resume scoring of comments left unscored (e.g. by a restart), when the server scores comments."""
        if not self._scores_itself():
            return
        since = (self.service.clock() - timedelta(days=2)).isoformat()
        rows = self.service.db.read(
            "SELECT id FROM feedback WHERE scored_at IS NULL AND comment IS NOT NULL AND created_at >= ?", (since,)
        )
        for row in rows:
            self._self_scorer().schedule(str(row["id"]))

    def close(self) -> None:
        """Stop the background scorer (pending comments are picked up again by ``start`` next time)."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
