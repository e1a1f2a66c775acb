"""Citizen feedback, pure: the one-stop satisfaction scale, criteria, validation and satisfaction KPIs.

The scale is the four-point one of the one-stop centres (Rất hài lòng / Hài lòng / Bình thường /
Không hài lòng), with the codes of ``motcua.contract.feedback.Rating``. Satisfaction is the share of
"very satisfied" + "satisfied" over all ratings (the province's target: at least 95 % by 2025).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent, FeedbackSubmitted
from motcua.contract.feedback import DEFAULT_CRITERIA, SATISFIED, SCALE, Criterion, Rating, ScaleOption, parse_rating
from motcua.contract.feedback import SENTIMENT_LABELS as LABELS
from queue_server.core.errors import DomainError, InvalidTransition

__all__ = [
    "COMMENT_MAX",
    "DEFAULT_CRITERIA",
    "SATISFIED",
    "SCALE",
    "TARGET_PCT",
    "Criterion",
    "FeedbackInput",
    "FeedbackPolicy",
    "ScaleOption",
    "Sentiment",
    "check_eligible",
    "clean_comment",
    "compute_feedback_kpis",
    "feedback_event_data",
    "is_recently_served",
    "normalize_number",
    "satisfaction_pct",
    "validate_feedback",
]

COMMENT_MAX: Final = 1000
TARGET_PCT: Final = 95.0  # Decision 717/QĐ-UBND: citizen satisfaction ≥ 95 % by 2025
LANGS: Final = ("vi", "en")




@dataclass(frozen=True)
class FeedbackPolicy:
    """Configurable rules of feedback capture."""

    criteria: tuple[Criterion, ...] = DEFAULT_CRITERIA
    window: timedelta = timedelta(hours=24)  # besides the same service day, accepted this long after service
    last_served: timedelta = timedelta(minutes=5)  # the counter tablet offers a ticket this long after service
    comment_max: int = COMMENT_MAX

    def criterion_codes(self) -> tuple[str, ...]:
        """Codes of the configured criteria, in display order."""
        return tuple(c.code for c in self.criteria)


@dataclass(frozen=True)
class FeedbackInput:
    """A validated feedback: overall rating, per-criterion ratings, the cleaned comment."""

    rating: Rating
    ratings: tuple[tuple[str, Rating], ...]
    comment: str | None
    lang: str

    def ratings_dict(self) -> dict[str, str]:
        """Per-criterion ratings as ``{criterion: code}``."""
        return {code: rating.value for code, rating in self.ratings}


def _invalid(code: str, vi: str, en: str) -> DomainError:
    return DomainError(code, vi, en, status=422)


_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_comment(text: str | None) -> str | None:
    """NFC, control characters dropped, blank lines trimmed; None when nothing is left."""
    if text is None:
        return None
    cleaned = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return cleaned or None


def _rating(value: str, where_vi: str, where_en: str) -> Rating:
    try:
        return parse_rating(value)
    except ValueError:
        codes = ", ".join(o.rating.value for o in SCALE)
        raise _invalid(
            "invalid_rating",
            f"Mức đánh giá {where_vi} không hợp lệ; dùng một trong: {codes}.",
            f"Invalid rating for {where_en}; use one of: {codes}.",
        ) from None


def validate_feedback(
    rating: str,
    ratings: Mapping[str, str],
    comment: str | None,
    lang: str,
    policy: FeedbackPolicy,
) -> FeedbackInput:
    """The validated feedback, or a 422 ``DomainError`` naming the first problem."""
    overall = _rating(rating, "chung", "the visit")
    known = policy.criterion_codes()
    unknown = sorted(set(ratings) - set(known))
    if unknown:
        raise _invalid(
            "unknown_criterion",
            f"Tiêu chí không có: {', '.join(unknown)}; các tiêu chí: {', '.join(known)}.",
            f"Unknown criteria: {', '.join(unknown)}; the criteria are: {', '.join(known)}.",
        )
    names = {c.code: c for c in policy.criteria}
    parsed = tuple(
        (code, _rating(ratings[code], f"'{names[code].name_vi}'", f"'{names[code].name_en}'"))
        for code in known
        if code in ratings
    )
    text = clean_comment(comment)
    if text is not None and len(text) > policy.comment_max:
        raise _invalid(
            "comment_too_long",
            f"Góp ý dài quá {policy.comment_max} ký tự.",
            f"The comment is longer than {policy.comment_max} characters.",
        )
    if lang not in LANGS:
        raise _invalid("invalid_lang", "Ngôn ngữ phải là vi hoặc en.", "The language must be vi or en.")
    return FeedbackInput(overall, parsed, text, lang)


_NUMBER: Final = re.compile(r"^([A-Z]{1,2})0*(\d{1,4})$")


def normalize_number(text: str) -> str | None:
    """A ticket number as typed (``a12``, ``A-012``, `` A 012 ``) in its printed form ``A012``; None if not one."""
    compact = re.sub(r"[\s\-_.]", "", unicodedata.normalize("NFC", text)).upper()
    match = _NUMBER.match(compact)
    if match is None or int(match.group(2)) == 0:
        return None
    return f"{match.group(1)}{int(match.group(2)):03d}"


def check_eligible(
    *,
    number: str,
    status: str,
    finished_at: datetime | None,
    ticket_day: str,
    today: str,
    now: datetime,
    policy: FeedbackPolicy,
) -> None:
    """Raise a 409 unless the ticket was served (done) today or within ``policy.window``."""
    if status != "done" or finished_at is None:
        raise InvalidTransition(
            "ticket_not_served",
            f"Vé {number} chưa được phục vụ xong nên chưa thể đánh giá.",
            f"Ticket {number} has not been served yet, so it cannot be rated.",
        )
    if ticket_day != today and now - finished_at > policy.window:
        raise InvalidTransition(
            "feedback_window_closed",
            f"Đã quá thời hạn đánh giá cho vé {number}.",
            f"The time to rate ticket {number} has passed.",
        )


def is_recently_served(finished_at: datetime | None, now: datetime, policy: FeedbackPolicy) -> bool:
    """Whether a ticket finished recently enough for the counter's tablet to offer it."""
    return finished_at is not None and timedelta(0) <= now - finished_at <= policy.last_served


def feedback_event_data(
    *,
    feedback_id: str,
    ticket: Mapping[str, Any],
    feedback: FeedbackInput,
    day: str,
) -> FeedbackSubmitted:
    """The payload of a ``feedback.submitted`` event (the comment is redacted by the edge agent upstream)."""
    return FeedbackSubmitted(
        feedback_id=feedback_id,
        ticket_id=ticket["id"],
        number=ticket["number"],
        service=ticket["service"],
        counter_id=ticket.get("counter_id"),
        staff_id=ticket.get("staff_id"),
        day=day,
        ticket_day=ticket.get("day"),
        rating=feedback.rating.value,
        ratings=feedback.ratings_dict(),
        comment=feedback.comment,
        lang=feedback.lang,
    )


# -- KPIs


@dataclass(frozen=True)
class Sentiment:
    """The stored sentiment of one feedback's comment."""

    label: str
    score: float
    topics: tuple[str, ...] = ()
    rating_mismatch: bool = False


def satisfaction_pct(ratings: Iterable[str | Rating]) -> float | None:
    """Percentage of "very satisfied" + "satisfied" among ``ratings``; None when there are none."""
    parsed = [parse_rating(r) for r in ratings]
    if not parsed:
        return None
    return round(100.0 * sum(1 for r in parsed if r in SATISFIED) / len(parsed), 1)


def _distribution(ratings: Sequence[Rating]) -> dict[str, int]:
    counts = Counter(ratings)
    return {o.rating.value: counts.get(o.rating, 0) for o in SCALE}


def _mean_points(ratings: Sequence[Rating]) -> float | None:
    if not ratings:
        return None
    points = {o.rating: o.points for o in SCALE}
    return round(sum(points[r] for r in ratings) / len(ratings), 2)


@dataclass
class _Item:
    feedback_id: str
    rating: Rating
    ratings: dict[str, Rating]
    counter_id: str | None
    service: str
    staff_id: str | None
    day: str
    has_comment: bool
    sentiment: Sentiment | None = None


@dataclass
class _Group:
    items: list[_Item] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        ratings = [i.rating for i in self.items]
        return {
            "responses": len(ratings),
            "satisfaction_pct": satisfaction_pct(ratings),
            "mean_points": _mean_points(ratings),
            "ratings": _distribution(ratings),
            "sentiment": _sentiment_summary(self.items),
        }


def _sentiment_summary(items: Sequence[_Item]) -> dict[str, Any]:
    scored = [i.sentiment for i in items if i.sentiment is not None]
    counts = Counter(s.label for s in scored)
    return {
        "comments": sum(1 for i in items if i.has_comment),
        "scored": len(scored),
        **{label: counts.get(label, 0) for label in LABELS},
        "negative_pct": round(100.0 * counts.get("negative", 0) / len(scored), 1) if scored else None,
        "flagged": sum(1 for s in scored if s.rating_mismatch),
    }


def _items(events: Iterable[DomainEvent], sentiments: Mapping[str, Sentiment]) -> list[_Item]:
    seen: dict[str, _Item] = {}
    for event in events:
        if event.type != ev.FEEDBACK_SUBMITTED:
            continue
        data = event.data
        feedback_id = str(data.get("feedback_id", ""))
        if not feedback_id or feedback_id in seen:
            continue  # an event delivered twice counts once
        try:
            rating = parse_rating(str(data.get("rating", "")))
        except ValueError:
            continue
        ratings: dict[str, Rating] = {}
        raw = data.get("ratings") or {}
        if isinstance(raw, Mapping):
            for code, value in raw.items():
                try:
                    ratings[str(code)] = parse_rating(str(value))
                except ValueError:
                    continue
        seen[feedback_id] = _Item(
            feedback_id=feedback_id,
            rating=rating,
            ratings=ratings,
            counter_id=data.get("counter_id"),
            service=str(data.get("service", "")),
            staff_id=data.get("staff_id"),
            day=str(data.get("day") or event.at.date().isoformat()),
            # a comment blanked after the retention period still counts as one written
            has_comment=bool(data.get("comment")) or bool(data.get("comment_purged_at")),
            sentiment=sentiments.get(feedback_id),
        )
    return list(seen.values())


def compute_feedback_kpis(
    events: Iterable[DomainEvent],
    sentiments: Mapping[str, Sentiment] | None = None,
    *,
    criteria: Sequence[Criterion] = DEFAULT_CRITERIA,
    target_pct: float = TARGET_PCT,
) -> dict[str, Any]:
    """Feedback KPIs of a set of events (``feedback.submitted`` ones count) and the stored sentiment.

    Satisfaction overall, per criterion, per counter / service / staff member / day; comment sentiment
    the same ways; the negative share per topic; how many comments a manager should review (flagged).
    """
    items = _items(events, sentiments or {})
    overall = _Group(items).report()
    by: dict[str, dict[str, _Group]] = {"counter": defaultdict(_Group), "service": defaultdict(_Group)}
    by["staff"] = defaultdict(_Group)
    by["day"] = defaultdict(_Group)
    for item in items:
        if item.counter_id:
            by["counter"][item.counter_id].items.append(item)
        if item.staff_id:
            by["staff"][item.staff_id].items.append(item)
        by["service"][item.service].items.append(item)
        by["day"][item.day].items.append(item)
    codes = [c.code for c in criteria]
    codes += sorted({code for i in items for code in i.ratings} - set(codes))
    by_criterion = {}
    for code in codes:
        rated = [i.ratings[code] for i in items if code in i.ratings]
        by_criterion[code] = {
            "responses": len(rated),
            "satisfaction_pct": satisfaction_pct(rated),
            "mean_points": _mean_points(rated),
            "ratings": _distribution(rated),
        }
    topics: dict[str, list[Sentiment]] = defaultdict(list)
    for item in items:
        if item.sentiment is not None:
            for topic in item.sentiment.topics:
                topics[topic].append(item.sentiment)
    pct = overall["satisfaction_pct"]
    return {
        "responses": overall["responses"],
        "satisfaction_pct": pct,
        "target_pct": target_pct,
        "meets_target": None if pct is None else pct >= target_pct,
        "mean_points": overall["mean_points"],
        "ratings": overall["ratings"],
        "by_criterion": by_criterion,
        "sentiment": overall["sentiment"],
        "negative_share_by_topic": {
            topic: {
                "mentions": len(group),
                "negative": sum(1 for s in group if s.label == "negative"),
                "negative_pct": round(100.0 * sum(1 for s in group if s.label == "negative") / len(group), 1),
            }
            for topic, group in sorted(topics.items())
        },
        "flagged_for_review": overall["sentiment"]["flagged"],
        **{f"by_{name}": {key: g.report() for key, g in sorted(groups.items())} for name, groups in by.items()},
    }
