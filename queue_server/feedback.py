"""Citizen feedback use cases: capture after service, the counter tablet's "last served", sentiment, KPIs.

A feedback is stored in the ``feedback`` table and appended as a ``feedback.submitted`` event in the same
transaction. The free comment is the only thing a citizen types; it stays on the site server (table and
event log), is never logged, and is redacted by the edge agent before anything leaves the site.

Sentiment arrives from the site's edge agent (``attach_sentiment``). If none arrives within
``self_score_after_s``, the server scores the comment itself with the shipped ONNX model on a worker
thread (never on the event loop).
"""

from __future__ import annotations

import heapq
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from edge_agent.core.sentiment import LABELS, SentimentResult, rating_mismatch
from queue_server.core import events as ev
from queue_server.core.errors import DomainError, InvalidTransition, NotFound
from queue_server.core.events import DomainEvent
from queue_server.core.feedback import (
    DEFAULT_CRITERIA,
    SCALE,
    Criterion,
    FeedbackPolicy,
    Sentiment,
    check_eligible,
    compute_feedback_kpis,
    feedback_event_data,
    is_recently_served,
    normalize_number,
    validate_feedback,
)
from queue_server.store import repo

if TYPE_CHECKING:
    from queue_server.service import QueueService

logger = logging.getLogger(__name__)


class CriterionSetting(BaseModel):
    """A configured criterion."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name_vi: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)


class FeedbackSettings(BaseSettings):
    """Feedback capture settings, from MOTCUA_FEEDBACK_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_FEEDBACK_", extra="ignore")

    criteria: list[CriterionSetting] = Field(
        default_factory=lambda: [
            CriterionSetting(code=c.code, name_vi=c.name_vi, name_en=c.name_en) for c in DEFAULT_CRITERIA
        ],
        description='Rated criteria, JSON: [{"code": "staff_attitude", "name_vi": "Thái độ cán bộ", "name_en": ...}].',
    )
    window_hours: float = Field(
        24.0,
        ge=0,
        le=24 * 30,
        description="Besides the same service day, feedback is accepted this long after service.",
    )
    last_served_min: float = Field(
        5.0, gt=0, le=120, description="The counter tablet offers the ticket just served for this many minutes."
    )
    self_score: bool = Field(
        True, description="Score comments on the server (ONNX) when no edge agent attached a score in time."
    )
    self_score_after_s: float = Field(
        30.0, ge=0, le=86400, description="Seconds to wait for the edge agent's score before scoring on the server."
    )

    def policy(self) -> FeedbackPolicy:
        """The pure core's view of the settings."""
        return FeedbackPolicy(
            criteria=tuple(Criterion(c.code, c.name_vi, c.name_en) for c in self.criteria),
            window=timedelta(hours=self.window_hours),
            last_served=timedelta(minutes=self.last_served_min),
        )


class Scorer(Protocol):
    """What the background scorer needs of ``edge_agent.sentiment.scorer.SentimentScorer``."""

    def score(self, text: str) -> SentimentResult: ...


def _default_scorer() -> Scorer:
    from edge_agent.sentiment.scorer import SentimentScorer

    return SentimentScorer()


def new_feedback_id() -> str:
    """An opaque feedback id."""
    return f"fb_{secrets.token_urlsafe(9)}"


def _json(value: str | None, default: Any) -> Any:
    return json.loads(value) if value else default


def _public(row: Mapping[str, Any], *, with_comment: bool) -> dict[str, Any]:
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


def _rows(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def load_sentiments(conn: Any, day: str) -> dict[str, Sentiment]:
    """Stored sentiment of the feedback of one service day, by feedback id."""
    rows = _rows(
        conn,
        "SELECT id, sentiment_label, sentiment_score, topics, rating_mismatch FROM feedback"
        " WHERE day = ? AND scored_at IS NOT NULL",
        (day,),
    )
    return {
        r["id"]: Sentiment(
            r["sentiment_label"], float(r["sentiment_score"]), tuple(_json(r["topics"], [])), bool(r["rating_mismatch"])
        )
        for r in rows
    }


@dataclass
class FeedbackDesk:
    """Feedback use cases over the queue service's database."""

    service: QueueService
    policy: FeedbackPolicy = field(default_factory=FeedbackPolicy)
    self_score: bool = False
    self_score_after_s: float = 30.0
    scorer_factory: Callable[[], Scorer] = _default_scorer
    _worker: SelfScorer | None = field(default=None, repr=False)

    # -- capture
    def _find_ticket(self, conn: Any, ticket_id: str | None, number: str | None, day: str | None) -> dict[str, Any]:
        if ticket_id:
            rows = _rows(conn, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
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
        rows = _rows(
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
        with self.service.db.transaction() as conn:
            previous = repo.find_idempotent(conn, f"feedback:{scope}", idempotency_key)
            if previous is not None:
                if previous[0] != request_hash:
                    raise DomainError(
                        "idempotency_key_reused",
                        "Khoá Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                        "This Idempotency-Key was already used with a different request body.",
                        status=422,
                    )
                return previous[1], True
            ticket = self._find_ticket(conn, ticket_id, number, day)
            if _rows(conn, "SELECT 1 FROM feedback WHERE ticket_id = ?", (ticket["id"],)):
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
            seq = repo.append_event(conn, DomainEvent(ev.FEEDBACK_SUBMITTED, now, data), today)
            row = _rows(conn, "SELECT * FROM feedback WHERE id = ?", (feedback_id,))[0]
            response = _public(row, with_comment=False)
            repo.save_idempotent(conn, f"feedback:{scope}", idempotency_key, request_hash, response, now)
        self.service._notify(seq)
        logger.info("feedback %s stored for ticket %s (%s)", feedback_id, ticket["number"], feedback.rating.value)
        if feedback.comment and self.self_score:
            self._self_scorer().schedule(feedback_id)
        return response, False

    def last_served(self, counter_id: str) -> dict[str, Any]:
        """The ticket just finished at a counter, if recent and not yet rated (what the counter tablet shows)."""
        with self.service.db.transaction() as conn:
            counter = repo.load_counter(conn, counter_id)
            if counter is None:
                raise NotFound("unknown_counter", f"Không có quầy '{counter_id}'.", f"No counter '{counter_id}'.")
            rows = _rows(
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
        if label not in LABELS:
            raise DomainError("invalid_label", "Nhãn cảm xúc không hợp lệ.", "Invalid sentiment label.", status=422)
        with self.service.db.transaction() as conn:
            rows = _rows(conn, "SELECT * FROM feedback WHERE id = ?", (feedback_id,))
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
            row = _rows(conn, "SELECT * FROM feedback WHERE id = ?", (feedback_id,))[0]
        return _public(row, with_comment=False)

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
        return {"day": the_day, "items": [_public(r, with_comment=True) for r in rows]}

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
            rows = _rows(
                conn,
                "SELECT id, day FROM feedback WHERE comment IS NOT NULL AND created_at <= ?",
                (cutoff,),
            )
            if not rows:
                return 0
            stamp = moment.isoformat()
            conn.executemany(
                "UPDATE feedback SET comment = NULL, comment_purged_at = ? WHERE id = ?",
                [(stamp, r["id"]) for r in rows],
            )
            by_day: dict[str, set[str]] = {}
            for r in rows:
                by_day.setdefault(str(r["day"]), set()).add(str(r["id"]))
            for day, ids in by_day.items():  # the day index finds the events; the comment may be in each copy
                events = _rows(
                    conn, "SELECT seq, data FROM events WHERE day = ? AND type = ?", (day, ev.FEEDBACK_SUBMITTED)
                )
                for event in events:
                    data = json.loads(event["data"])
                    if data.get("feedback_id") in ids and data.get("comment") is not None:
                        data["comment"] = None
                        data["comment_purged_at"] = stamp
                        conn.execute(
                            "UPDATE events SET data = ? WHERE seq = ?",
                            (json.dumps(data, ensure_ascii=False, default=str), event["seq"]),
                        )
        return len(rows)

    # -- background scoring
    def _self_scorer(self) -> SelfScorer:
        if self._worker is None:
            self._worker = SelfScorer(self, self.self_score_after_s)
        return self._worker

    def start(self) -> None:
        """Resume scoring of comments left unscored (e.g. by a restart), when self-scoring is on."""
        if not self.self_score:
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


class SelfScorer:
    """One worker thread: after a grace period, scores comments the edge agent has not scored."""

    def __init__(self, desk: FeedbackDesk, delay_s: float) -> None:
        self.desk = desk
        self.delay_s = delay_s
        self._due: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        self._stopped = False
        self._scorer: Scorer | None = None
        self._failed = False
        self.scored = 0
        self._thread = threading.Thread(target=self._run, name="feedback-self-scorer", daemon=True)
        self._thread.start()

    def schedule(self, feedback_id: str) -> None:
        """Score ``feedback_id`` after the grace period unless an agent scored it by then."""
        with self._cond:
            heapq.heappush(self._due, (time.monotonic() + self.delay_s, feedback_id))
            self._cond.notify()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait for it."""
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout)

    def _next(self) -> str | None:
        with self._cond:
            while not self._stopped:
                if self._due and self._due[0][0] <= time.monotonic():
                    return heapq.heappop(self._due)[1]
                wait = self._due[0][0] - time.monotonic() if self._due else None
                self._cond.wait(wait)
            return None

    def _run(self) -> None:
        while (feedback_id := self._next()) is not None:
            try:
                self._score(feedback_id)
            except Exception as exc:  # never the comment: only the exception type
                logger.warning("scoring feedback %s on the server failed: %s", feedback_id, type(exc).__name__)

    def _score(self, feedback_id: str) -> None:
        found = self.desk.comment_of(feedback_id)
        if found is None or self._failed:
            return
        if self._scorer is None:
            try:
                self._scorer = self.desk.scorer_factory()
            except Exception as exc:
                self._failed = True  # warn once, then leave scoring to the edge agent
                logger.warning("no sentiment model on the server (%s); comments wait for the agent", type(exc).__name__)
                return
        comment, _rating = found
        result = self._scorer.score(comment)
        if self.desk.is_scored(feedback_id):
            return  # the agent answered while we were scoring: its score wins
        self.desk.attach_sentiment(
            feedback_id,
            label=result.label,
            score=result.score,
            probabilities=dict(result.probabilities),
            topics=tuple(result.topics),
            scored_by="server",
        )
        self.scored += 1
        logger.info("feedback %s scored on the server: %s", feedback_id, result.label)
