"""Announcement text and the announcement queue (pure, clock passed in)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_ui.core.announce import (
    DEFAULT_TEMPLATES,
    AnnouncementQueue,
    CallInfo,
    SpeechOptions,
    Verdict,
    announcement_segments,
    announcement_text,
    validate_template,
)

T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def call(seq: int, number: str = "B012", counter: str = "5", *, at: datetime = T0, recall: int = 0) -> CallInfo:
    return CallInfo(seq, number, counter, f"Quầy {counter}", "Hộ tịch", recall, at)


def test_vietnamese_announcement_reads_digits_and_counter_number() -> None:
    assert announcement_text(call(1), DEFAULT_TEMPLATES["vi"], lang="vi") == (
        "Mời công dân có số thứ tự bê không một hai đến quầy số năm"
    )
    assert announcement_segments(call(1), DEFAULT_TEMPLATES["vi"], lang="vi") == [
        "Mời công dân có số thứ tự", "bê", "không một hai", "đến quầy số", "năm",
    ]  # fmt: skip


def test_whole_number_mode_and_configured_counter_names() -> None:
    options = SpeechOptions(mode="whole", counter_names={"12": "mười hai A"})
    text = announcement_text(call(1, "C105", "12"), DEFAULT_TEMPLATES["vi"], lang="vi", options=options)
    assert text == "Mời công dân có số thứ tự xê một trăm linh năm đến quầy số mười hai A"


def test_english_announcement() -> None:
    assert announcement_text(call(1), DEFAULT_TEMPLATES["en"], lang="en") == (
        "Ticket number bee zero one two, please go to counter 5"
    )


def test_unknown_template_field_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        validate_template("Mời {so_phieu}")


def test_two_quick_calls_are_spoken_in_order_one_at_a_time() -> None:
    queue = AnnouncementQueue()
    assert queue.offer(call(1, "A001"), T0) is Verdict.ANNOUNCE
    assert queue.offer(call(2, "A002"), T0) is Verdict.ANNOUNCE
    first = queue.start_next()
    assert first is not None and first.call.number == "A001"
    assert queue.start_next() is None  # never overlapping
    queue.finish(first)
    second = queue.start_next()
    assert second is not None and second.call.number == "A002"


def test_duplicate_seq_is_not_announced_twice_but_a_recall_is() -> None:
    queue = AnnouncementQueue()
    assert queue.offer(call(7), T0) is Verdict.ANNOUNCE
    assert queue.offer(call(7), T0) is Verdict.DUPLICATE
    assert queue.offer(call(6, at=T0 - timedelta(seconds=5)), T0) is Verdict.DUPLICATE
    assert queue.offer(call(8, recall=1, at=T0 + timedelta(seconds=30)), T0) is Verdict.ANNOUNCE


def test_stale_call_is_not_spoken_and_a_future_one_is() -> None:
    queue = AnnouncementQueue(stale_after=timedelta(seconds=60))
    assert queue.offer(call(1, at=T0 - timedelta(minutes=3)), T0) is Verdict.STALE
    assert queue.offer(call(2, at=T0 + timedelta(seconds=20)), T0) is Verdict.ANNOUNCE
    assert [item.call.seq for item in queue.pending] == [2]


def test_restarted_server_sequence_is_accepted_when_the_call_is_newer() -> None:
    queue = AnnouncementQueue()
    queue.offer(call(500, at=T0), T0)
    assert queue.offer(call(1, at=T0 + timedelta(seconds=3)), T0) is Verdict.ANNOUNCE
    assert queue.offer(call(1, at=T0 + timedelta(seconds=3)), T0) is Verdict.DUPLICATE


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=60))
def test_each_seq_is_announced_at_most_once_in_arrival_order(seqs: list[int]) -> None:
    queue = AnnouncementQueue(max_pending=1000)
    spoken: list[int] = []
    for seq in seqs:
        queue.offer(call(seq, at=T0 + timedelta(seconds=seq)), T0)
        current = queue.start_next()
        if current is not None:
            spoken.append(current.call.seq)
            queue.finish(current)
    assert len(spoken) == len(set(spoken))
    assert spoken == sorted(spoken)
