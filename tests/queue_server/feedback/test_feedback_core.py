"""Pure feedback logic: the scale, validation, eligibility, satisfaction maths and KPIs from events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent
from queue_server.core.errors import DomainError
from queue_server.core.feedback import (
    SCALE,
    FeedbackPolicy,
    Sentiment,
    check_eligible,
    compute_feedback_kpis,
    is_recently_served,
    normalize_number,
    satisfaction_pct,
    validate_feedback,
)

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
POLICY = FeedbackPolicy()


def submitted(fid: str, rating: str, *, counter: str = "1", service: str = "HT", staff: str = "NV01",
              ratings: dict[str, str] | None = None, comment: str | None = None, day: str = "2026-11-30") -> DomainEvent:  # fmt: skip
    return DomainEvent(
        ev.FEEDBACK_SUBMITTED,
        T0,
        {"feedback_id": fid, "ticket_id": f"t-{fid}", "number": "A001", "service": service, "counter_id": counter,
         "staff_id": staff, "day": day, "rating": rating, "ratings": ratings or {}, "comment": comment, "lang": "vi"},
    )  # fmt: skip


def test_scale_is_the_one_stop_four_point_scale_in_order() -> None:
    assert [(o.rating.value, o.label_vi) for o in SCALE] == [
        ("very_satisfied", "Rất hài lòng"), ("satisfied", "Hài lòng"),
        ("neutral", "Bình thường"), ("dissatisfied", "Không hài lòng"),
    ]  # fmt: skip


def test_satisfaction_counts_very_satisfied_and_satisfied_over_all() -> None:
    assert satisfaction_pct([]) is None
    assert satisfaction_pct(["very_satisfied", "satisfied", "neutral", "dissatisfied"]) == 50.0
    assert satisfaction_pct(["satisfied"] * 19 + ["neutral"]) == 95.0
    assert satisfaction_pct(["Rất hài lòng", "Không hài lòng", "hai long"]) == pytest.approx(66.7)


def test_validation_accepts_codes_and_vietnamese_labels_and_cleans_the_comment() -> None:
    got = validate_feedback("Hài lòng", {"waiting_time": "neutral"}, "  Tốt\x00 lắm  ", "vi", POLICY)
    assert got.rating.value == "satisfied" and got.ratings_dict() == {"waiting_time": "neutral"}
    assert got.comment == "Tốt  lắm"
    assert validate_feedback("neutral", {}, "   ", "en", POLICY).comment is None


@pytest.mark.parametrize(
    ("rating", "ratings", "comment", "lang", "code"),
    [
        ("great", {}, None, "vi", "invalid_rating"),
        ("satisfied", {"parking": "satisfied"}, None, "vi", "unknown_criterion"),
        ("satisfied", {"guidance": "meh"}, None, "vi", "invalid_rating"),
        ("satisfied", {}, "x" * 1001, "vi", "comment_too_long"),
        ("satisfied", {}, None, "fr", "invalid_lang"),
    ],
)
def test_invalid_feedback_is_a_422_with_both_languages(rating, ratings, comment, lang, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        validate_feedback(rating, ratings, comment, lang, POLICY)
    assert info.value.status == 422 and info.value.code == code
    assert info.value.message_vi and info.value.message_en


def test_a_comment_of_exactly_the_limit_is_accepted_after_nfc() -> None:
    decomposed = "e\u0301" * 1000  # 2000 code points, 1000 once composed
    assert len(validate_feedback("neutral", {}, decomposed, "vi", POLICY).comment or "") == 1000


@pytest.mark.parametrize(
    ("typed", "printed"),
    [("A012", "A012"), ("a12", "A012"), (" b-7 ", "B007"), ("C1234", "C1234"), ("A0", None), ("12", None), ("", None)],
)
def test_numbers_are_normalised_as_printed_on_the_slip(typed: str, printed: str | None) -> None:
    assert normalize_number(typed) == printed


def test_only_served_tickets_within_the_window_are_eligible() -> None:
    common = {"number": "A001", "today": "2026-11-30", "now": T0, "policy": POLICY}
    check_eligible(status="done", finished_at=T0 - timedelta(minutes=5), ticket_day="2026-11-30", **common)  # type: ignore[arg-type]
    check_eligible(status="done", finished_at=T0 - timedelta(hours=20), ticket_day="2026-11-29", **common)  # type: ignore[arg-type]
    for status in ("waiting", "called", "serving", "no_show", "cancelled", "transferred"):
        with pytest.raises(DomainError) as info:
            check_eligible(status=status, finished_at=None, ticket_day="2026-11-30", **common)  # type: ignore[arg-type]
        assert info.value.status == 409 and info.value.code == "ticket_not_served"
    with pytest.raises(DomainError) as info:
        check_eligible(status="done", finished_at=T0 - timedelta(hours=30), ticket_day="2026-11-29", **common)  # type: ignore[arg-type]
    assert info.value.code == "feedback_window_closed"


def test_the_tablet_offers_a_ticket_only_for_a_few_minutes() -> None:
    assert is_recently_served(T0 - timedelta(minutes=4), T0, POLICY)
    assert not is_recently_served(T0 - timedelta(minutes=6), T0, POLICY)
    assert not is_recently_served(None, T0, POLICY)


def test_kpis_overall_per_criterion_counter_service_and_day() -> None:
    events = [
        submitted("f1", "very_satisfied", ratings={"staff_attitude": "very_satisfied", "waiting_time": "dissatisfied"}),
        submitted("f2", "satisfied", ratings={"waiting_time": "satisfied"}),
        submitted("f3", "neutral", counter="2", service="CT", staff="NV02"),
        submitted("f4", "dissatisfied", counter="2", service="CT", staff="NV02", day="2026-12-01"),
        submitted("f1", "very_satisfied"),  # delivered twice: counts once
        DomainEvent(ev.TICKET_DONE, T0, {"ticket_id": "x"}),
    ]
    report = compute_feedback_kpis(events)
    assert report["responses"] == 4 and report["satisfaction_pct"] == 50.0
    assert report["meets_target"] is False and report["target_pct"] == 95.0
    assert report["ratings"] == {"very_satisfied": 1, "satisfied": 1, "neutral": 1, "dissatisfied": 1}
    assert report["mean_points"] == 2.5
    assert report["by_criterion"]["waiting_time"]["responses"] == 2
    assert report["by_criterion"]["waiting_time"]["satisfaction_pct"] == 50.0
    assert report["by_criterion"]["staff_attitude"]["satisfaction_pct"] == 100.0
    assert report["by_criterion"]["facilities"]["satisfaction_pct"] is None
    assert (
        report["by_counter"]["1"]["satisfaction_pct"] == 100.0 and report["by_counter"]["2"]["satisfaction_pct"] == 0.0
    )
    assert set(report["by_service"]) == {"HT", "CT"} and set(report["by_staff"]) == {"NV01", "NV02"}
    assert report["by_day"]["2026-12-01"]["responses"] == 1


def test_kpis_sentiment_topics_and_flagged_from_stored_scores() -> None:
    events = [
        submitted("f1", "satisfied", comment="chờ lâu quá"),
        submitted("f2", "satisfied", comment="cán bộ nhiệt tình"),
        submitted("f3", "dissatisfied", comment="chờ mãi, cán bộ cáu gắt", counter="2"),
        submitted("f4", "neutral", comment="bình thường"),
    ]
    sentiments = {
        "f1": Sentiment("negative", 0.91, ("waiting_time",), rating_mismatch=True),
        "f2": Sentiment("positive", 0.88, ("staff_attitude",)),
        "f3": Sentiment("negative", 0.95, ("waiting_time", "staff_attitude")),
    }
    report = compute_feedback_kpis(events, sentiments)
    assert report["sentiment"] == {
        "comments": 4, "scored": 3, "negative": 2, "neutral": 0, "positive": 1, "negative_pct": 66.7, "flagged": 1,
    }  # fmt: skip
    assert report["flagged_for_review"] == 1
    assert report["negative_share_by_topic"] == {
        "staff_attitude": {"mentions": 2, "negative": 1, "negative_pct": 50.0},
        "waiting_time": {"mentions": 2, "negative": 2, "negative_pct": 100.0},
    }
    assert report["by_counter"]["2"]["sentiment"]["negative"] == 1


def test_kpis_of_no_feedback_are_empty_not_errors() -> None:
    report = compute_feedback_kpis([])
    assert report["responses"] == 0 and report["satisfaction_pct"] is None and report["meets_target"] is None
    assert report["sentiment"]["negative_pct"] is None and report["by_counter"] == {}
