"""The agent's SQLite outbox: sequence, dedupe by source_seq, ack, overflow reported."""

from __future__ import annotations

from datetime import UTC, datetime

from edge_agent.core.outbox_policy import OutboxLimits
from edge_agent.outbox import NewEvent, Outbox
from motcua.contract.mqtt import EventEnvelope

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def env(seq):
    return EventEnvelope(site="bn", seq=seq, type="ticket.issued", at=T0, data={"ticket_id": f"t{seq}", "day": "d"})


def test_sequence_only_grows_and_survives_reopen(tmp_path):
    box = Outbox(tmp_path / "o.db", "bn")
    seqs = [box.append(NewEvent("business", "x", T0, {})) for _ in range(3)]
    assert seqs == [1, 2, 3]
    box.ack([1, 2, 3])
    box.close()
    box = Outbox(tmp_path / "o.db", "bn")
    assert box.append(NewEvent("business", "x", T0, {})) == 4  # never reused after deletion
    assert [e.seq for e in box.peek(10)] == [4]


def test_inbox_dedupes_by_source_seq(tmp_path):
    box = Outbox(tmp_path / "o.db", "bn")
    assert box.receive(env(1))
    assert not box.receive(env(1))
    (pending,) = box.inbox()
    box.process(pending, NewEvent("business", "ticket.issued", T0, {}, source_seq=1), day="d")
    assert not box.receive(env(1))  # already processed
    assert box.last_source_seq() == 1
    assert [e.source_seq for e in box.peek(10)] == [1]
    assert len(box.day_events("d")) == 1


def test_overflow_drops_health_first_and_reports_business_drops(tmp_path):
    reports = []
    box = Outbox(tmp_path / "o.db", "bn", limits=OutboxLimits(max_events=10, low_water=1.0), on_overflow=reports.append)
    for i in range(8):
        box.append(NewEvent("health" if i % 2 else "business", "device.health" if i % 2 else "ticket.issued", T0, {}))
    for _ in range(4):
        box.append(NewEvent("business", "ticket.issued", T0, {}))
    # 12 rows > 10: the two oldest health samples went, no business yet
    stats = box.stats()
    assert stats.events == 10
    assert reports[-1]["dropped_business"] == 0
    assert box.count_type("outbox.overflow") == 0
    for _ in range(6):
        box.append(NewEvent("business", "ticket.issued", T0, {}))
    assert all(e.kind == "business" for e in box.peek(100))
    overflow = [e for e in box.peek(100) if e.type == "outbox.overflow"]
    assert overflow
    assert overflow[0].data["dropped_business"] >= 1
    assert overflow[0].data["by_type"]["ticket.issued"] >= 1
