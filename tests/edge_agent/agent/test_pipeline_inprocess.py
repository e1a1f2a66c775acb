"""The agent's event pipeline in-process (no broker): intake, order while the log is replayed, sentiment."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

from edge_agent.outbox import Outbox
from edge_agent.pipeline import Pipeline
from edge_agent.settings import AgentSettings
from motcua.contract.feedback import SentimentResult
from motcua.contract.mqtt import DeviceStatus, EventEnvelope, encode_payload

SITE = "bn-tu-son"
AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


class FakeScorer:
    model_version = "test-1"

    def __init__(self) -> None:
        self.scored: list[str] = []

    async def score_async(self, text: str) -> SentimentResult:
        self.scored.append(text)
        probs = {"negative": 0.9, "neutral": 0.05, "positive": 0.05}
        return SentimentResult(label="negative", score=0.9, probabilities=probs, topics=("staff_attitude",))


class FakeReplayer:
    def __init__(self) -> None:
        self.active = True
        self.verified_through = 0
        self.wanted = 0

    def want(self) -> None:
        self.wanted += 1


def _pipeline(tmp_path: Path, **overrides: object) -> tuple[Pipeline, Outbox, list[int], FakeScorer]:
    settings = AgentSettings(site_id=SITE, data_dir=tmp_path, **overrides)  # type: ignore[arg-type]
    outbox = Outbox(tmp_path / "outbox.db", SITE)
    notified: list[int] = []
    scorer = FakeScorer()
    pipeline = Pipeline(
        settings, outbox, stopping=threading.Event(), notify_uplink=lambda: notified.append(1), scorer=scorer
    )
    return pipeline, outbox, notified, scorer


def _event(seq: int, type_: str = "ticket.issued", site: str = SITE, **data: object) -> bytes:
    body = {"ticket_id": f"t{seq}", "number": f"A{seq:03d}", "service": "HT", "day": "2026-03-02", **data}
    return encode_payload(EventEnvelope(site=site, seq=seq, type=type_, at=AT, data=body))


def test_intake_keeps_only_well_formed_events_of_this_site(tmp_path: Path) -> None:
    pipeline, outbox, _, _ = _pipeline(tmp_path)
    pipeline.on_event("t", b"{not json", False)
    pipeline.on_event("t", _event(1, site="other-site"), False)
    pipeline.on_event("t", _event(2), False)
    pipeline.on_event("t", _event(2), False)
    assert [e.seq for e in outbox.inbox()] == [2]


def test_a_state_change_goes_up_at_once_and_every_second_heartbeat_as_a_health_sample(tmp_path: Path) -> None:
    pipeline, outbox, notified, _ = _pipeline(tmp_path, health_uplink_every=2)

    def status(state: str) -> bytes:
        return encode_payload(DeviceStatus(device_id="kiosk-1", role="kiosk", state=state, at=AT))  # type: ignore[arg-type]

    # change, heartbeat 1, heartbeat 2 (sampled), heartbeat 3, change, heartbeat 4 (sampled)
    for state in ("online", "online", "online", "online", "offline", "offline"):
        pipeline.on_device_status("t", status(state), False)
    assert outbox.count_type("device.status") == 2
    assert outbox.count_type("device.health") == 2
    assert len(notified) == 4


async def _run_until(pipeline: Pipeline, done, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    pipeline.attach(asyncio.get_running_loop())
    task = asyncio.create_task(pipeline.run())
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not done():
            assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
            await asyncio.sleep(0.02)  # polling, with the deadline above
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_while_replaying_an_event_waits_for_the_older_ones_then_goes_in_order(tmp_path: Path) -> None:
    pipeline, outbox, _, _ = _pipeline(tmp_path)
    replayer = FakeReplayer()
    pipeline.replayer = replayer  # type: ignore[assignment]
    pipeline.on_event("t", _event(3), False)

    async def main() -> None:
        await _run_until(pipeline, lambda: replayer.wanted > 0)
        assert outbox.last_source_seq() == 0  # 3 is held back: 1 and 2 may still come from the log
        replayer.verified_through = 2  # the log has been read up to 2 and held nothing: 3 may go
        await _run_until(pipeline, lambda: outbox.last_source_seq() == 3)

    asyncio.run(main())
    assert [e.source_seq for e in outbox.peek(10)] == [3]


def test_a_feedback_comment_is_scored_and_goes_up_redacted_with_its_sentiment(tmp_path: Path) -> None:
    pipeline, outbox, notified, scorer = _pipeline(tmp_path)
    comment = "Chị Nguyễn Thị Lan quát tôi, số 0912345678"
    pipeline.on_event(
        "t", _event(1, "feedback.submitted", feedback_id="f1", rating="satisfied", comment=comment), False
    )

    asyncio.run(_run_until(pipeline, lambda: outbox.last_source_seq() == 1))
    [event] = outbox.peek(10)
    assert scorer.scored == [comment]  # scored on the site, before redaction
    assert event.data["comment"] == "Chị [NAME] quát tôi, số [PHONE]"
    assert event.data["sentiment"]["label"] == "negative"
    assert event.data["sentiment"]["rating_mismatch"] is True
    assert event.data["sentiment"]["model_version"] == "test-1"
    assert notified
