"""The tablet's view-model without a window: offers, ratings, Telex comment, submit, reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kiosk_ui.core.feedback_flow import FeedbackFlow

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
SERVED = {"counter_name_vi": "Quầy 3", "counter_name_en": "Counter 3",
          "ticket": {"id": "t1", "number": "A012", "service_name_vi": "Hộ tịch", "service_name_en": "Civil status"}}  # fmt: skip


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_idle_tablet_offers_the_ticket_just_served_in_vietnamese_first() -> None:
    flow = FeedbackFlow("3")
    changes: list[str] = []
    flow.observe(lambda: changes.append(flow.screen))
    flow.on_last_served({"ticket": None}, at(0))
    assert flow.screen == "idle"
    flow.on_last_served(SERVED, at(1))
    texts = flow.texts()
    assert texts["screen"] == "rate" and texts["served"] == "Quý khách vừa được phục vụ với số A012 — xin đánh giá"
    assert texts["counter"] == "Quầy 3" and changes == ["idle", "rate"]
    flow.on_last_served(None, at(2))
    assert flow.texts()["offline"] == "Mất kết nối máy chủ, xin thử lại" and flow.screen == "rate"


def test_rating_with_a_telex_comment_builds_the_request_with_one_key_per_visit() -> None:
    flow = FeedbackFlow("3")
    flow.on_last_served(SERVED, at(0))
    assert flow.begin_submit(at(1), lambda: "k") is None and flow.texts()["error"] == "Xin chọn một mức đánh giá"
    flow.choose("very_satisfied", at(2))
    flow.choose_criterion("guidance", "satisfied", at(3))
    flow.choose_criterion("waiting_time", "neutral", at(3))
    flow.choose_criterion("waiting_time", "neutral", at(3))  # the same face again clears it
    flow.choose_criterion("parking", "neutral", at(3))  # unknown: ignored
    flow.open_comment(at(4))
    for key in "Raats toots":
        flow.key("space" if key == " " else key, at(5))
    assert flow.texts()["comment"] == "Rất tốt"
    flow.close_comment(at(6))
    keys = iter(["key-1", "key-2"])
    first = flow.begin_submit(at(7), lambda: next(keys))
    assert first is not None and first.idempotency_key == "key-1"
    assert first.body == {"ticket_id": "t1", "rating": "very_satisfied", "ratings": {"guidance": "satisfied"},
                          "comment": "Rất tốt", "lang": "vi"}  # fmt: skip
    flow.submit_failed("Mất kết nối", "Offline", at(8), retryable=True)
    again = flow.begin_submit(at(9), lambda: next(keys))
    assert again is not None and again.idempotency_key == "key-1"  # a retry never makes a second feedback


def test_after_submit_nothing_is_kept_and_the_ticket_is_not_offered_again() -> None:
    flow = FeedbackFlow("3", thanks_for=timedelta(seconds=5))
    flow.on_last_served(SERVED, at(0))
    flow.toggle_lang(at(1))
    flow.choose("neutral", at(1))
    flow.open_comment(at(1))
    flow.key("x", at(1))
    flow.begin_submit(at(2), lambda: "k")
    flow.submitted(at(3))
    texts = flow.texts()
    assert texts["screen"] == "thanks" and texts["thanks_title"] == "Thank you!"
    assert texts["comment"] == "" and texts["rating"] is None and flow.ticket is None
    flow.tick(at(7))
    assert flow.screen == "thanks"
    flow.tick(at(8))
    assert flow.screen == "idle" and flow.lang == "vi"
    flow.on_last_served(SERVED, at(9))
    assert flow.screen == "idle"


def test_an_abandoned_rating_resets_after_the_idle_timeout() -> None:
    flow = FeedbackFlow("3", idle_timeout=timedelta(seconds=30))
    flow.on_last_served(SERVED, at(0))
    flow.choose("dissatisfied", at(20))
    flow.tick(at(49))
    assert flow.screen == "rate"
    flow.tick(at(50))
    assert flow.screen == "idle" and flow.rating is None
    flow.on_last_served(SERVED, at(51))
    assert flow.screen == "idle"  # the citizen walked away: not offered again


def test_comment_stops_at_1000_characters_but_backspace_still_works() -> None:
    flow = FeedbackFlow("3", keyboard_mode="plain")
    flow.on_last_served(SERVED, at(0))
    flow.open_comment(at(0))
    for _ in range(1005):
        flow.key("a", at(1))
    assert len(flow.texts()["comment"]) == 1000
    flow.key("backspace", at(2))
    assert len(flow.texts()["comment"]) == 999


def test_server_criteria_replace_the_defaults_and_english_switch() -> None:
    flow = FeedbackFlow("3")
    flow.on_last_served(
        {**SERVED, "criteria": [{"code": "guidance", "name_vi": "Hướng dẫn", "name_en": "Guidance"}]}, at(0)
    )
    flow.toggle_lang(at(1))
    texts = flow.texts()
    assert texts["criteria"] == [("guidance", "Guidance")] and texts["served"].startswith("You were just served")
    assert [label for _c, label in texts["scale"]] == ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied"]
