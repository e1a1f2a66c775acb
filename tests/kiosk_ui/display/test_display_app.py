"""The real display app offscreen, fed by a real mosquitto with the contract's payloads."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from waiting import eventually

from motcua.contract.mqtt import (
    encode_payload,
    topic_call,
    topic_counter_state,
    topic_counter_states,
    topic_queue_summary,
)
from motcua.runtime.broker import BrokerProcess, start_broker

from .conftest import Publisher

pytestmark = pytest.mark.timeout(120)


def spoken(display):  # type: ignore[no-untyped-def]
    return display.request("spoken")


def wait_spoken(display, count: int, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    """The ``spoken`` reply once ``count`` announcements have finished (the last one after ``timeout``)."""
    return display.poll(
        lambda: spoken(display), lambda reply: sum(item["finished"] is not None for item in reply["history"]) >= count,
        timeout, what="announcements",
    )  # fmt: skip


def test_call_is_shown_large_and_announced_in_vietnamese(
    broker: BrokerProcess, publisher: Publisher, display_factory
) -> None:  # type: ignore[no-untyped-def]
    display = display_factory(broker=broker.url, site=publisher.site)
    display.wait_for(lambda t: not t["offline_badge"])
    publisher.send(topic_call(publisher.site), publisher.call("B012", "5"))
    texts = display.wait_for(lambda t: t["number"] == "B012")
    assert texts["now_calling"] == "Mời công dân số"
    assert texts["counter"] == "đến Quầy 5"
    assert texts["highlighted"] is True
    reply = wait_spoken(display, 1)
    assert [item["text"] for item in reply["history"]] == ["Mời công dân có số thứ tự bê không một hai đến quầy số năm"]
    assert display.errors() == []


def test_quick_calls_are_all_announced_in_order_never_overlapping_and_recall_again(  # type: ignore[no-untyped-def]
    broker: BrokerProcess, publisher: Publisher, display_factory
) -> None:
    display = display_factory(broker=broker.url, site=publisher.site)
    display.wait_for(lambda t: not t["offline_badge"])
    first = publisher.call("A001", "1")
    second = publisher.call("B002", "2")
    recall = publisher.call("A001", "1", recall_count=1)
    for call in (first, second, first, recall):  # ``first`` twice: a QoS 1 redelivery
        publisher.send(topic_call(publisher.site), call)
    texts = display.wait_for(lambda t: t["number"] == "A001" and t["recent"][:1] == [["B002", "Quầy 2"]])
    assert texts["recent"] == [["B002", "Quầy 2"]]  # A001 recalled: shown once, on top
    reply = wait_spoken(display, 3)
    assert [item["number"] for item in reply["history"]] == ["A001", "B002", "A001"]
    plays = reply["plays"]
    assert len(plays) == 3
    for before, after in itertools.pairwise(plays):
        assert before["end"] is not None and after["start"] >= before["end"]


def test_stale_call_is_shown_but_not_spoken(broker: BrokerProcess, publisher: Publisher, display_factory) -> None:  # type: ignore[no-untyped-def]
    display = display_factory(broker=broker.url, site=publisher.site, stale_seconds=30)
    display.wait_for(lambda t: not t["offline_badge"])
    old = publisher.call("C030", "3", called_at=datetime.now(UTC) - timedelta(minutes=5))
    publisher.send(topic_call(publisher.site), old)
    texts = display.wait_for(lambda t: t["number"] == "C030")
    assert texts["highlighted"] is False
    # a fresh call after it, on the same topic from the same connection: had C030 been queued, it came first
    publisher.send(topic_call(publisher.site), publisher.call("C031", "3"))
    reply = wait_spoken(display, 1)
    assert [item["number"] for item in reply["history"]] == ["C031"]


def test_retained_state_is_on_screen_within_two_seconds_of_start(  # type: ignore[no-untyped-def]
    broker: BrokerProcess, publisher: Publisher, display_factory
) -> None:
    publisher.send(
        topic_queue_summary(publisher.site), publisher.summary([("A010", "1"), ("B004", "2")], seq=50), retain=True
    )
    started = time.monotonic()
    display = display_factory(broker=broker.url, site=publisher.site)
    launched = time.monotonic()
    texts = display.wait_for(lambda t: t["number"] == "A010", timeout=2.0)
    assert time.monotonic() - launched < 2.0, f"app start {launched - started:.1f}s"
    assert texts["recent"] == [["B004", "Quầy 2"]]
    assert texts["services"][0] == ["A · Hộ tịch", "7 người"]
    assert texts["highlighted"] is False
    assert spoken(display)["history"] == []  # state from the retained summary is not a call


def test_broker_restart_resyncs_from_retained_state_and_replays_nothing(  # type: ignore[no-untyped-def]
    tmp_path: Path, site: str, display_factory
) -> None:
    own = start_broker(tmp_path / "mosquitto", kind="mosquitto")
    publisher = Publisher(own.url, site)
    try:
        publisher.send(topic_queue_summary(site), publisher.summary([("A010", "1")], seq=50, waiting=4), retain=True)
        display = display_factory(broker=own.url, site=site, stale_seconds=30)
        display.wait_for(lambda t: t["number"] == "A010" and not t["offline_badge"])
        publisher.send(topic_call(site), publisher.call("B020", "2"))
        display.wait_for(lambda t: t["number"] == "B020")
        wait_spoken(display, 1)
        summary = encode_payload(publisher.summary([("B020", "2"), ("A010", "1")], seq=52, waiting=3))
        publisher.publish(topic_queue_summary(site), summary, retain=True)
        display.wait_for(lambda t: t["services"][:1] == [["A · Hộ tịch", "3 người"]])
        saved = own.data_dir / "mosquitto.db"  # mosquitto autosaves retained messages every second
        assert eventually(lambda: saved.exists() and summary in saved.read_bytes(), 10), "not saved"
        publisher.stop()

        own.stop()
        display.wait_for(lambda t: t["offline_badge"], timeout=5)
        assert display.texts()["number"] == "B020"  # the screen keeps the last truth, never goes blank
        own.start()
        back = time.monotonic()
        texts = display.wait_for(lambda t: not t["offline_badge"] and t["services"], timeout=3)
        assert time.monotonic() - back < 2.0
        assert texts["number"] == "B020"
        assert texts["services"][0] == ["A · Hộ tịch", "3 người"]
        # a new call is the sentinel: anything replayed by the broker's session would come before it
        publisher = Publisher(own.url, site)
        publisher.send(topic_call(site), publisher.call("C077", "3"))
        history = wait_spoken(display, 2)["history"]
        assert [item["number"] for item in history] == ["B020", "C077"]  # nothing old announced again
        assert display.errors() == []
    finally:
        publisher.stop()
        own.stop()


def test_garbage_on_every_topic_is_ignored(broker: BrokerProcess, publisher: Publisher, display_factory) -> None:  # type: ignore[no-untyped-def]
    site = publisher.site
    garbage = [b"", b"not json", b"\xff\xfe\x00", b"{}", b'{"v": 2, "seq": "x"}', b"[1,2,3]", b"null"]
    publisher.publish(topic_queue_summary(site), b"{broken", retain=True)
    room = display_factory(broker=broker.url, site=site)
    counter = display_factory(broker=broker.url, site=site, kind="counter", counter="5")
    room.wait_for(lambda t: not t["offline_badge"])
    counter.wait_for(lambda t: not t["offline_badge"])
    for payload in garbage:
        for topic in (topic_call(site), topic_queue_summary(site), topic_counter_state(site, "5")):
            publisher.publish(topic, payload)
    publisher.send(topic_call(site), publisher.call("D044", "5"))
    room.wait_for(lambda t: t["number"] == "D044")
    counter.wait_for(lambda t: t["number"] == "D044")
    for display in (room, counter):
        reply = display.request("texts")
        assert reply["errors"] == []
        assert reply["rejected"] >= len(garbage) * 2
    assert topic_counter_states(site).endswith("+/state")


def test_counter_display_serving_paused_and_other_counters_ignored(  # type: ignore[no-untyped-def]
    broker: BrokerProcess, publisher: Publisher, display_factory
) -> None:
    site = publisher.site
    publisher.send(topic_counter_state(site, "5"), publisher.counter_state("5", "open", "B012", seq=10), retain=True)
    display = display_factory(broker=broker.url, site=site, kind="counter", counter="5")
    texts = display.wait_for(lambda t: t["number"] == "B012", timeout=2.0)
    assert texts["name"] == "Quầy 5" and texts["caption"] == "Đang phục vụ số"
    publisher.send(topic_call(site), publisher.call("A900", "6", seq=11))
    publisher.send(topic_call(site), publisher.call("B013", "5", seq=12))
    display.wait_for(lambda t: t["number"] == "B013")
    publisher.send(topic_counter_state(site, "5"), publisher.counter_state("5", "paused", None, seq=13), retain=True)
    texts = display.wait_for(lambda t: t["paused"])
    assert texts["number"] == "Tạm dừng"
    assert spoken(display)["history"] == []  # a counter display does not speak by default
