"""End to end with real brokers, a real queue server and agent processes: a lost outbox keeps delivering
(new epoch), and events the agent's MQTT session never saw are replayed from the site's event log."""

from __future__ import annotations

import signal
import threading
import uuid
from contextlib import contextmanager

import httpx
from site_process import UNLIMITED_TICKETS, create_token, published_everything
from waiting import Probes

from motcua.contract.mqtt import decode_payload, encode_payload
from motcua.contract.uplink import UplinkAck, UplinkBatch, topic_uplink, topic_uplink_ack
from motcua.runtime.mqtt import MqttConnection


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(15)


def _tickets(uplink):
    return list(uplink.store.events(uplink.site, types=["ticket.issued"]))


def test_an_agent_whose_outbox_file_is_lost_keeps_delivering(uplink, helpers):
    data_dir = uplink.tmp / "agent"
    agent = uplink.start_agent(data_dir=data_dir)
    assert uplink.agent_ready()
    publisher = uplink.publisher()
    publisher.tickets(5)
    assert helpers.wait_until(lambda: len(_tickets(uplink)) == 5, 30)
    (old_epoch,) = {e.epoch for e in _tickets(uplink)}
    assert len(old_epoch) == 32
    _stop(agent)

    for suffix in ("", "-wal", "-shm"):  # the disk is replaced; the site broker keeps the agent's session
        (data_dir / f"agent-outbox.db{suffix}").unlink(missing_ok=True)
    uplink.province.stop()  # and the province is away for a while: the new events wait in the new outbox
    publisher.tickets(3)
    agent = uplink.start_agent(data_dir=data_dir)
    publisher.tickets(2)
    publisher.close()
    outbox = data_dir / "agent-outbox.db"
    assert helpers.wait_until(lambda: helpers.outbox_tickets(outbox) == 5, 30)

    # an ack of the old epoch for the very numbers the new outbox now uses must not delete its events
    site_side = MqttConnection(uplink.site_broker.url)
    site_side.start()
    assert site_side.wait_connected(10)
    stale = UplinkAck(site=uplink.site, epoch=old_epoch, acked=list(range(1, 50)))
    site_side.publish(topic_uplink_ack(uplink.site), encode_payload(stale), qos=1).wait_for_publish(5)
    assert helpers.wait_until(lambda: "ignoring an ack of another outbox epoch" in uplink.agent_log(), 10)
    assert helpers.outbox_tickets(outbox) == 5
    site_side.stop()

    uplink.province.start()
    assert helpers.wait_until(lambda: len(_tickets(uplink)) == 10, 60)
    tickets = _tickets(uplink)
    new = [e for e in tickets if e.epoch != old_epoch]
    assert len(new) == 5  # the count went up by exactly the new events
    (new_epoch,) = {e.epoch for e in new}
    assert len(new_epoch) == 32
    assert sorted(e.source_seq for e in tickets) == list(range(1, 11))
    # the new outbox numbered from 1 again: exactly what (site, seq) dedup used to drop
    assert set(uplink.store.seqs(uplink.site, new_epoch)) & set(uplink.store.seqs(uplink.site, old_epoch))
    assert helpers.wait_until(lambda: helpers.outbox_tickets(outbox) == 0, 30)

    # a resend within one epoch (as the bridge would deliver it) is acknowledged and still counts once
    resend = UplinkBatch(site=uplink.site, events=[e.to_uplink() for e in new])
    acks: list[UplinkAck] = []
    got = threading.Event()
    province_side = MqttConnection(uplink.province.url)
    probes = Probes()

    def on_ack(topic, payload, retained):
        if probes.seen(payload):
            return
        ack = decode_payload(UplinkAck, payload)
        if ack.epoch == new_epoch and set(ack.acked) == {e.seq for e in new}:
            acks.append(ack)
            got.set()

    province_side.subscribe(topic_uplink_ack(uplink.site), on_ack)
    province_side.start()
    assert province_side.wait_connected(10)
    probes.round_trip(province_side, topic_uplink_ack(uplink.site))
    province_side.publish(topic_uplink(uplink.site), encode_payload(resend), qos=1).wait_for_publish(5)
    assert got.wait(10)
    province_side.stop()
    assert len(_tickets(uplink)) == 10


@contextmanager
def _queue_server(uplink, helpers, tmp_path, monkeypatch):
    """A real queue server on the site broker: (data dir, base URL, kiosk token, agent token)."""
    for name, value in UNLIMITED_TICKETS.items():  # the server inherits these: one test kiosk issues fast
        monkeypatch.setenv(name, value)
    server_dir = tmp_path / "server"
    server, base, kiosk = helpers.start_queue_server(server_dir, uplink.site_broker.url, uplink.site)
    try:
        yield server_dir, base, kiosk, create_token(server_dir, "agent")
    finally:
        _stop(server)


def _issue(base, kiosk, n):
    numbers = []
    with httpx.Client(timeout=10) as client:
        for _ in range(n):
            r = client.post(
                f"{base}/api/v1/tickets",
                json={"service": "HT", "priority": None, "lang": "vi"},
                headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex},
            )
            assert r.status_code == 201, r.text
            numbers.append(r.json()["number"])
    return numbers


def _assert_exactly_once(uplink, helpers, numbers, base, kiosk):
    """Every number in ``numbers`` reached the monitor once. A sentinel ticket, issued last (and added to
    ``numbers``), must arrive too: MQTT keeps the server's order and the replay reads the log in order, so a
    second copy of an older event would have come through its path before that path brought the sentinel."""

    def arrived():
        return sorted(e.data["number"] for e in _tickets(uplink))

    numbers += _issue(base, kiosk, 1)
    sentinel = numbers[-1]
    assert helpers.wait_until(lambda: sentinel in arrived() and len(arrived()) >= len(numbers), 60), (
        f"{len(arrived())} of {len(numbers)}"
    )
    assert arrived() == sorted(numbers)
    source = [e.source_seq for e in _tickets(uplink)]
    assert len(source) == len(set(source))


def test_tickets_issued_before_the_agent_ever_started_reach_the_monitor_exactly_once(
    uplink, helpers, tmp_path, monkeypatch
):
    with _queue_server(uplink, helpers, tmp_path, monkeypatch) as (_dir, base, kiosk, agent_token):
        # published to a broker where no agent session exists yet: MQTT alone would never deliver these
        numbers = _issue(base, kiosk, 8)
        uplink.start_agent("--server-url", base, "--server-token", agent_token)
        numbers += _issue(base, kiosk, 12)  # and these race the replay over MQTT
        _assert_exactly_once(uplink, helpers, numbers, base, kiosk)


def test_after_the_broker_lost_the_agents_session_the_log_is_read_from_the_persisted_source_seq(
    uplink, helpers, tmp_path, monkeypatch
):
    with _queue_server(uplink, helpers, tmp_path, monkeypatch) as (server_dir, base, kiosk, agent_token):
        replay = ("--server-url", base, "--server-token", agent_token)
        agent = uplink.start_agent(*replay)
        assert uplink.agent_ready()
        numbers = _issue(base, kiosk, 5)
        assert helpers.wait_until(lambda: len(_tickets(uplink)) == 5, 30)

        # 1. the agent is down and the site broker restarts without its sessions
        _stop(agent)
        uplink.site_broker.stop()
        (uplink.site_broker.data_dir / "mosquitto.db").unlink(missing_ok=True)
        uplink.site_broker.start()
        numbers += _issue(base, kiosk, 6)
        # the server reconnects and publishes them, to no session of the agent
        assert helpers.wait_until(lambda: published_everything(base, server_dir), 30)
        agent = uplink.start_agent(*replay)
        _assert_exactly_once(uplink, helpers, numbers, base, kiosk)

        # 2. the same while the agent runs: it reads the log again after it reconnects
        uplink.site_broker.stop()
        (uplink.site_broker.data_dir / "mosquitto.db").unlink(missing_ok=True)
        numbers += _issue(base, kiosk, 4)  # stored by the server while the broker is down
        uplink.site_broker.start()
        numbers += _issue(base, kiosk, 3)
        _assert_exactly_once(uplink, helpers, numbers, base, kiosk)
