"""End to end with real brokers, a real queue server and agent processes: a lost outbox keeps delivering
(new epoch), and events the agent's MQTT session never saw are replayed from the site's event log."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import threading
import time
import uuid

import httpx

from motcua.contract.mqtt import decode_payload, encode_payload
from motcua.contract.uplink import UplinkAck, UplinkBatch, topic_uplink, topic_uplink_ack
from motcua.runtime.mqtt import MqttConnection


def _ready(uplink, helpers):
    assert helpers.wait_until(lambda: any(d.device_id == "site-server" for d in uplink.store.devices(uplink.site)))


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(15)


def _tickets(uplink):
    return list(uplink.store.events(uplink.site, types=["ticket.issued"]))


def _outbox_tickets(path):
    """Ticket events waiting in an agent's outbox (read-only, beside the running agent)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.OperationalError:  # not created yet
        return 0
    try:
        return int(conn.execute("SELECT COUNT(*) FROM outbox WHERE type = 'ticket.issued'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def test_an_agent_whose_outbox_file_is_lost_keeps_delivering(uplink, helpers):
    data_dir = uplink.tmp / "agent"
    agent = uplink.start_agent(data_dir=data_dir)
    _ready(uplink, helpers)
    publisher = uplink.publisher()
    for _ in range(5):
        publisher.ticket()
    assert helpers.wait_until(lambda: len(_tickets(uplink)) == 5, 30)
    (old_epoch,) = {e.epoch for e in _tickets(uplink)}
    assert len(old_epoch) == 32
    _stop(agent)

    for suffix in ("", "-wal", "-shm"):  # the disk is replaced; the site broker keeps the agent's session
        (data_dir / f"agent-outbox.db{suffix}").unlink(missing_ok=True)
    uplink.province.stop()  # and the province is away for a while: the new events wait in the new outbox
    for _ in range(3):
        publisher.ticket()
    agent = uplink.start_agent(data_dir=data_dir)
    for _ in range(2):
        publisher.ticket()
    publisher.close()
    outbox = data_dir / "agent-outbox.db"
    assert helpers.wait_until(lambda: _outbox_tickets(outbox) == 5, 30)

    # an ack of the old epoch for the very numbers the new outbox now uses must not delete its events
    site_side = MqttConnection(uplink.site_broker.url)
    site_side.start()
    assert site_side.wait_connected(10)
    stale = UplinkAck(site=uplink.site, epoch=old_epoch, acked=list(range(1, 50)))
    site_side.publish(topic_uplink_ack(uplink.site), encode_payload(stale), qos=1).wait_for_publish(5)
    time.sleep(1.0)
    assert _outbox_tickets(outbox) == 5
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
    assert helpers.wait_until(lambda: _outbox_tickets(outbox) == 0, 30)

    # a resend within one epoch (as the bridge would deliver it) is acknowledged and still counts once
    resend = UplinkBatch(site=uplink.site, events=[e.to_uplink() for e in new])
    acks: list[UplinkAck] = []
    got = threading.Event()
    province_side = MqttConnection(uplink.province.url)

    def on_ack(topic, payload, retained):
        ack = decode_payload(UplinkAck, payload)
        if ack.epoch == new_epoch and set(ack.acked) == {e.seq for e in new}:
            acks.append(ack)
            got.set()

    province_side.subscribe(topic_uplink_ack(uplink.site), on_ack)
    province_side.start()
    assert province_side.wait_connected(10)
    time.sleep(0.3)
    province_side.publish(topic_uplink(uplink.site), encode_payload(resend), qos=1).wait_for_publish(5)
    assert got.wait(10)
    province_side.stop()
    assert len(_tickets(uplink)) == 10


def _no_kiosk_rate_limit(monkeypatch):
    """The server subprocess inherits these: one test kiosk issues faster than a citizen could."""
    monkeypatch.setenv("MOTCUA_TICKET_RATE_PER_MIN", "6000")
    monkeypatch.setenv("MOTCUA_TICKET_BURST", "100")


def _create_agent_token(helpers, data_dir):
    return subprocess.run(
        [*helpers.MOTCUA, "admin", "create-token", "--data-dir", str(data_dir), "--role", "agent"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


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


def _assert_exactly_once(uplink, helpers, numbers):
    def arrived():
        return sorted(e.data["number"] for e in _tickets(uplink))

    assert helpers.wait_until(lambda: len(arrived()) >= len(numbers), 60), f"{len(arrived())} of {len(numbers)}"
    time.sleep(2.0)  # nothing more comes later (a second copy through the other path)
    assert arrived() == sorted(numbers)
    source = [e.source_seq for e in _tickets(uplink)]
    assert len(source) == len(set(source))


def test_tickets_issued_before_the_agent_ever_started_reach_the_monitor_exactly_once(
    uplink, helpers, tmp_path, monkeypatch
):
    _no_kiosk_rate_limit(monkeypatch)
    server_dir = tmp_path / "server"
    server, base, kiosk = helpers.start_queue_server(server_dir, uplink.site_broker.url, uplink.site)
    try:
        agent_token = _create_agent_token(helpers, server_dir)
        # published to a broker where no agent session exists yet: MQTT alone would never deliver these
        numbers = _issue(base, kiosk, 8)
        uplink.start_agent("--server-url", base, "--server-token", agent_token)
        numbers += _issue(base, kiosk, 12)  # and these race the replay over MQTT
        _assert_exactly_once(uplink, helpers, numbers)
    finally:
        _stop(server)


def test_after_the_broker_lost_the_agents_session_the_log_is_read_from_the_persisted_source_seq(
    uplink, helpers, tmp_path, monkeypatch
):
    _no_kiosk_rate_limit(monkeypatch)
    server_dir = tmp_path / "server"
    server, base, kiosk = helpers.start_queue_server(server_dir, uplink.site_broker.url, uplink.site)
    try:
        agent_token = _create_agent_token(helpers, server_dir)
        replay = ("--server-url", base, "--server-token", agent_token)
        agent = uplink.start_agent(*replay)
        _ready(uplink, helpers)
        numbers = _issue(base, kiosk, 5)
        assert helpers.wait_until(lambda: len(_tickets(uplink)) == 5, 30)

        # 1. the agent is down and the site broker restarts without its sessions
        _stop(agent)
        uplink.site_broker.stop()
        (uplink.site_broker.data_dir / "mosquitto.db").unlink(missing_ok=True)
        uplink.site_broker.start()
        numbers += _issue(base, kiosk, 6)
        time.sleep(6.0)  # the server has reconnected and published them, to no session of the agent
        agent = uplink.start_agent(*replay)
        _assert_exactly_once(uplink, helpers, numbers)

        # 2. the same while the agent runs: it reads the log again after it reconnects
        uplink.site_broker.stop()
        (uplink.site_broker.data_dir / "mosquitto.db").unlink(missing_ok=True)
        numbers += _issue(base, kiosk, 4)  # stored by the server while the broker is down
        uplink.site_broker.start()
        numbers += _issue(base, kiosk, 3)
        _assert_exactly_once(uplink, helpers, numbers)
    finally:
        _stop(server)
