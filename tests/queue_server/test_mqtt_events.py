"""The server publishes calls, retained state and the event log on a real broker, in order."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from waiting import Probes, wait_until

from motcua.contract import (
    CallEvent,
    CounterState,
    EventEnvelope,
    QueueSummary,
    decode_payload,
    topic_call,
    topic_counter_state,
    topic_events,
    topic_queue_summary,
)
from motcua.runtime.broker import start_broker
from motcua.runtime.mqtt import MqttConnection
from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database


class Collector:
    """Every message on ``motcua/{site}/...`` (``topic_filter``), from the moment the subscription is in place."""

    def __init__(self, url: str, topic_filter: str, probe_topic: str) -> None:
        self.messages: list[tuple[str, bytes, bool]] = []
        self.cond = threading.Condition()
        self.probes = Probes()
        self.conn = MqttConnection(url)
        self.conn.subscribe(topic_filter, self._on)
        self.conn.start()
        assert self.conn.wait_connected(5)
        self.probes.round_trip(self.conn, probe_topic)

    def _on(self, topic: str, payload: bytes, retained: bool) -> None:
        if self.probes.seen(payload):
            return
        with self.cond:
            self.messages.append((topic, payload, retained))
            self.cond.notify_all()

    def wait_for(self, predicate, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [m for m in self.messages if predicate(m)]
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching message; got {[m[0] for m in self.messages]}")
                self.cond.wait(left)

    def stop(self) -> None:
        self.conn.stop()


def _server(tmp_path: Path, broker_url: str, site: str):
    settings = ServerSettings(data_dir=tmp_path, site_id=site, broker_url=broker_url)
    db = open_database(tmp_path)
    seed_demo(db)
    tokens = {"kiosk": create_token(db, "kiosk"), "counter": create_token(db, "counter", counter_id="1")}
    db.close()
    return create_app(settings), tokens


def _issue(client: TestClient, tokens: dict[str, str], service: str = "HT") -> dict:
    r = client.post(
        "/api/v1/tickets",
        json={"service": service},
        headers={"Authorization": f"Bearer {tokens['kiosk']}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201
    return r.json()


def _counter(client: TestClient, tokens: dict[str, str], action: str, **body):
    return client.post(
        f"/api/v1/counters/1/{action}", json=body or None, headers={"Authorization": f"Bearer {tokens['counter']}"}
    )


@pytest.mark.parametrize("kind", ["mosquitto", "amqtt"])
def test_call_reaches_a_display_and_late_displays_see_retained_state(tmp_path, mosquitto, kind):
    broker = mosquitto if kind == "mosquitto" else start_broker(tmp_path / "amqtt", kind="amqtt")
    site = f"s{uuid.uuid4().hex[:8]}"
    app, tokens = _server(tmp_path / "site", broker.url, site)
    display = Collector(broker.url, f"motcua/{site}/#", f"motcua/{site}/test-probe")
    try:
        with TestClient(app) as client:
            ticket = _issue(client, tokens)
            _counter(client, tokens, "sign-in", staff_id="NV01")
            assert _counter(client, tokens, "next").status_code == 200
            calls = display.wait_for(lambda m: m[0] == topic_call(site))
            call = decode_payload(CallEvent, calls[0][1])
            assert call.number == ticket["number"] and call.counter_id == "1" and call.counter_name_vi == "Quầy 1"
            assert call.service_name_vi == "Hộ tịch – Tư pháp" and call.recall_count == 0
            _counter(client, tokens, "recall")
            display.wait_for(lambda m: m[0] == topic_call(site) and decode_payload(CallEvent, m[1]).recall_count == 1)
            display.wait_for(
                lambda m: (
                    m[0] == topic_counter_state(site, "1") and decode_payload(CounterState, m[1]).serving is not None
                )
            )
            display.wait_for(
                lambda m: m[0] == topic_queue_summary(site) and bool(decode_payload(QueueSummary, m[1]).recent_calls)
            )  # the broker holds this summary: a late display must get it, not the one from before the call
            # A display that connects late gets the truth at once from retained messages.
            late = Collector(broker.url, f"motcua/{site}/#", f"motcua/{site}/test-probe")
            try:
                state = late.wait_for(lambda m: m[0] == topic_counter_state(site, "1") and m[2])
                assert decode_payload(CounterState, state[-1][1]).serving.number == ticket["number"]
                summary = late.wait_for(lambda m: m[0] == topic_queue_summary(site) and m[2])
                parsed = decode_payload(QueueSummary, summary[-1][1])
                assert parsed.recent_calls and parsed.recent_calls[0].number == ticket["number"]
                assert not [m for m in late.messages if m[0] == topic_call(site)]  # calls are never retained
            finally:
                late.stop()
    finally:
        display.stop()
        if broker is not mosquitto:
            broker.stop()


def test_events_produced_while_broker_is_down_are_published_in_order_when_it_returns(tmp_path):
    broker = start_broker(tmp_path / "broker", kind="mosquitto")
    site = f"s{uuid.uuid4().hex[:8]}"
    app, tokens = _server(tmp_path / "site", broker.url, site)
    try:
        with TestClient(app) as client:
            publisher = app.state.publisher
            assert publisher.connection.wait_connected(5)
            _issue(client, tokens)
            broker.stop()
            wait_until(lambda: not publisher.connection.connected, 10, "the publisher to see the broker gone")
            issued_offline = [_issue(client, tokens)["number"] for _ in range(5)]
            broker.start()
            collector = Collector(broker.url, topic_events(site), topic_events(site))
            try:
                assert publisher.connection.wait_connected(15)
                collector.wait_for(lambda m: decode_payload(EventEnvelope, m[1]).seq >= 6, timeout=15)
                envelopes = [decode_payload(EventEnvelope, m[1]) for m in collector.messages]
                seqs = [e.seq for e in envelopes]
                assert seqs == sorted(seqs)
                numbers = [e.data["number"] for e in envelopes if e.type == "ticket.issued"]
                assert numbers[-5:] == issued_offline
            finally:
                collector.stop()
    finally:
        broker.stop()


def test_garbage_on_the_wire_is_refused_with_a_clear_reason():
    with pytest.raises(ValueError, match="CallEvent"):
        decode_payload(CallEvent, b"\xff\xfe not json")
    with pytest.raises(ValueError, match="number"):
        decode_payload(
            CallEvent,
            (
                '{"v":1,"site":"s","seq":1,"ticket_id":"t","service":"HT","service_name_vi":"a","service_name_en":"a",'
                '"counter_id":"1","counter_name_vi":"a","counter_name_en":"a","called_at":"'
                + datetime.now(UTC).isoformat()
                + '"}'
            ).encode(),
        )
