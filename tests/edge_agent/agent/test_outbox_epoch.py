"""The outbox epoch (created with the file, kept in it, carried by every event), acks of another epoch
ignored, and the replay's inbox path and gating rule."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import UTC, datetime

import pytest
from waiting import Probes, eventually

from edge_agent.core.replay import next_backoff, processable
from edge_agent.outbox import NewEvent, Outbox
from edge_agent.uplink import MqttTransport, ack_applies
from motcua.contract.mqtt import EventEnvelope, encode_payload
from motcua.contract.uplink import UplinkAck, UplinkBatch, topic_uplink, topic_uplink_ack
from motcua.runtime.mqtt import MqttConnection

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def env(seq):
    return EventEnvelope(site="bn", seq=seq, type="ticket.issued", at=T0, data={"ticket_id": f"t{seq}"})


def _remove(path):
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def test_epoch_is_created_with_the_file_kept_across_reopen_and_new_with_a_new_file(tmp_path):
    path = tmp_path / "o.db"
    box = Outbox(path, "bn")
    first = box.epoch
    assert len(first) == 32 and int(first, 16) >= 0
    box.append(NewEvent("business", "x", T0, {}))
    assert [(e.epoch, e.seq) for e in box.peek(10)] == [(first, 1)]
    box.close()
    box = Outbox(path, "bn")
    assert box.epoch == first and box.stats().epoch == first
    box.close()
    _remove(path)  # the disk was replaced: numbering starts again at 1, under a new epoch
    box = Outbox(path, "bn")
    assert box.epoch != first
    assert box.append(NewEvent("business", "x", T0, {})) == 1
    assert box.peek(1)[0].epoch == box.epoch
    box.close()


def test_an_outbox_file_from_before_epochs_keeps_numbering_in_the_legacy_epoch(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the layout an older agent left behind, with unsent events 7 and 8
        conn.executescript(
            """CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, type TEXT NOT NULL,
                at TEXT NOT NULL, source_seq INTEGER, data TEXT NOT NULL, size INTEGER NOT NULL,
                created_at TEXT NOT NULL);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO meta VALUES ('last_source_seq', '8');"""
        )
        for seq in (7, 8):
            conn.execute(
                "INSERT INTO outbox VALUES (?, 'business', 'ticket.issued', ?, ?, '{}', 100, ?)",
                (seq, T0.isoformat(), seq, T0.isoformat()),
            )
    conn.close()
    box = Outbox(path, "bn")
    # the monitor stored 1..6 as (site, "", seq): 7 and 8 must stay in that epoch, or a resend would count twice
    assert box.epoch == ""
    assert [(e.epoch, e.seq) for e in box.peek(10)] == [("", 7), ("", 8)]
    assert box.append(NewEvent("business", "x", T0, {})) == 9
    assert box.last_source_seq() == 8
    box.close()
    assert Outbox(path, "bn").epoch == ""


def test_replayed_pages_and_mqtt_deliveries_meet_in_one_inbox(tmp_path):
    box = Outbox(tmp_path / "o.db", "bn")
    assert box.receive(env(3))  # MQTT brought 3 first
    assert box.receive_many([env(1), env(2), env(3), env(4)]) == 3  # the replay brings 1..4; 3 is there already
    assert [e.seq for e in box.inbox()] == [1, 2, 3, 4]
    for pending in box.inbox()[:2]:
        box.process(pending, NewEvent("business", "ticket.issued", T0, {}, source_seq=pending.seq))
    assert box.receive_many([env(1), env(2)]) == 0  # processed: not again
    assert not box.receive(env(4))
    assert [e.source_seq for e in box.peek(10)] == [1, 2]


@pytest.mark.parametrize(
    ("seqs", "last", "verified", "ready"),
    [
        ([1, 2, 3], 0, 0, 3),  # in order
        ([5, 6], 4, 0, 2),
        ([12], 2, 0, 0),  # 3..11 not here yet: wait for the replay
        ([12, 13], 2, 11, 2),  # the replay has read the log to 11: nothing is missing below 12
        ([3, 12], 2, 0, 1),
        ([2, 3], 5, 0, 2),  # already processed: let process() drop them
        ([7, 9], 6, 8, 2),  # a hole the replay confirmed (8 is not in the log)
        ([], 0, 0, 0),
    ],
)
def test_an_event_waits_for_older_ones_until_the_replay_has_read_past_them(seqs, last, verified, ready):
    assert processable(seqs, last, verified) == ready


def test_replay_backoff_doubles_to_a_bound():
    pauses = [0.0]
    for _ in range(8):
        pauses.append(next_backoff(pauses[-1]))
    assert pauses[1:] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_ack_applies_only_to_its_own_epoch_or_from_a_monitor_before_epochs():
    assert ack_applies(UplinkAck(site="bn", epoch="a" * 32, acked=[1]), "a" * 32)
    assert not ack_applies(UplinkAck(site="bn", epoch="b" * 32, acked=[1]), "a" * 32)
    assert not ack_applies(UplinkAck(site="bn", epoch="", acked=[1]), "a" * 32)
    assert ack_applies(UplinkAck(site="bn", acked=[1]), "a" * 32)


def test_mqtt_transport_ignores_an_ack_of_another_epoch(tmp_path, mosquitto):
    site = f"s{uuid.uuid4().hex[:8]}"
    box = Outbox(tmp_path / "o.db", site)
    for _ in range(3):
        box.append(NewEvent("business", "ticket.issued", T0, {}))
    agent = MqttConnection(mosquitto.url)
    transport = MqttTransport(agent, site, box)
    monitor = MqttConnection(mosquitto.url)
    batches: list[bytes] = []
    got_batch = threading.Event()
    probes = Probes()

    def on_batch(topic, payload, retained):
        if probes.seen(payload):
            return
        batches.append(payload)
        got_batch.set()

    monitor.subscribe(topic_uplink(site), on_batch)
    # after the transport's handler on the agent's connection: a probe seen here went through it first
    agent.subscribe(topic_uplink_ack(site), lambda topic, payload, retained: probes.seen(payload))
    agent.start()
    monitor.start()
    try:
        assert agent.wait_connected(10) and monitor.wait_connected(10)
        probes.round_trip(agent, topic_uplink(site))  # both subscriptions in place
        probes.round_trip(monitor, topic_uplink_ack(site))

        def ack(epoch, seqs):
            info = monitor.publish(
                topic_uplink_ack(site), encode_payload(UplinkAck(site=site, epoch=epoch, acked=seqs))
            )
            info.wait_for_publish(5)

        # an old outbox's ack (say queued for the bridge while the site server was re-imaged): same numbers
        ack(uuid.uuid4().hex, [1, 2, 3])
        ack("", [1, 2, 3])
        probes.barrier(monitor, topic_uplink_ack(site))  # the transport has had both acks
        assert box.stats().events == 3
        # a send waits for the ack of its own epoch, and takes that one
        batch = UplinkBatch(site=site, events=box.peek(10))
        result: dict[str, set[int]] = {}
        sender = threading.Thread(target=lambda: result.setdefault("acked", transport.send(batch, 2)))
        sender.start()
        assert got_batch.wait(5)
        ack(uuid.uuid4().hex, [1, 2, 3])
        ack(box.epoch, [1, 2])
        sender.join(15)
        assert result["acked"] == {1, 2}
        assert [e.seq for e in box.peek(10)] == [3]
        ack(None, [3])  # a monitor from before epochs: its acks still count
        assert eventually(lambda: box.stats().events == 0, 5)
    finally:
        agent.stop()
        monitor.stop()
        box.close()
