"""A display that hears nothing from its site's server says so on screen, not a silent empty board; and a
display and a server started with the defaults only (no site id given to either) meet on the same topics."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import httpx
import pytest
from kivy_process import screenshot_dir
from site_process import SiteServer, create_token, seed_demo

from motcua.contract.mqtt import topic_counter_state, topic_queue_summary
from motcua.contract.site import DEFAULT_SITE_ID
from motcua.runtime.broker import BrokerProcess, start_broker

from .boxes import layout_problems
from .conftest import Publisher
from .demo_data import demo_waiting, eight_counters_calling

pytestmark = pytest.mark.timeout(120)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "display"
SILENCE = 1.5  # seconds (the default is 60)


def test_waiting_room_says_no_server_for_its_site_until_the_server_is_heard(  # type: ignore[no-untyped-def]
    tmp_path: Path, display_factory
) -> None:
    own = start_broker(tmp_path / "mosquitto", kind="mosquitto")  # nothing retained: no server ever published
    publisher = Publisher(own.url, DEFAULT_SITE_ID)
    try:
        display = display_factory(broker=own.url, announce="off", server_silence_seconds=SILENCE)
        connected = display.wait_for(lambda t: not t["offline_badge"])
        since = time.monotonic()
        assert not connected["server_silent"] and connected["status"] == ""
        texts = display.wait_for(lambda t: t["server_silent"], timeout=SILENCE + 5)
        assert time.monotonic() - since >= SILENCE - 0.6  # not before the timeout (0.5 s tick, 0.1 s of slack)
        assert texts["status"] == "Không có tín hiệu từ máy chủ điểm demo-site"
        assert texts["number"] == "—" and texts["services"] == []
        boxes = display.request("boxes")
        assert texts["status"] in {item["text"] for item in boxes["boxes"]}  # on screen, whole
        problems = layout_problems(boxes)
        assert not problems, "\n".join(problems)
        display.request("shot", path=str(screenshot_dir(DOCS, tmp_path) / "waiting-room-no-server-vi.png"))

        eight_counters_calling(publisher, demo_waiting())  # the server's retained summary arrives
        heard = display.wait_for(lambda t: not t["server_silent"] and t["services"])
        assert heard["status"] == "" and heard["number"] == "A100"
        assert display.errors() == []
    finally:
        publisher.stop()
        own.stop()


def test_a_display_that_hears_retained_state_never_warns(  # type: ignore[no-untyped-def]
    broker: BrokerProcess, publisher: Publisher, display_factory
) -> None:
    eight_counters_calling(publisher, demo_waiting())
    display = display_factory(
        broker=broker.url, site=publisher.site, announce="off", lang="en", server_silence_seconds=SILENCE
    )
    display.wait_for(lambda t: t["services"] and not t["offline_badge"])
    deadline = time.monotonic() + SILENCE + 1.5  # a negative check: it must hold past the timeout
    while time.monotonic() < deadline:
        texts = display.texts()
        assert not texts["server_silent"] and texts["status"] == "", texts
        time.sleep(0.1)  # paces the check: the real silence timeout must elapse (behaviour under test)


def test_counter_display_warns_in_english_and_clears_on_its_state(  # type: ignore[no-untyped-def]
    broker: BrokerProcess, publisher: Publisher, display_factory
) -> None:
    site = publisher.site
    counter = display_factory(
        broker=broker.url, site=site, kind="counter", counter="5", lang="en", server_silence_seconds=SILENCE
    )
    texts = counter.wait_for(lambda t: t["server_silent"], timeout=SILENCE + 5)
    assert texts["status"] == f"No signal from the server of site {site}"
    problems = layout_problems(counter.request("boxes"))
    assert not problems, "\n".join(problems)
    publisher.send(topic_counter_state(site, "5"), publisher.counter_state("5", "open", "B012", seq=3), retain=True)
    texts = counter.wait_for(lambda t: t["number"] == "B012" and not t["server_silent"])
    assert texts["status"] == ""


def test_counter_display_hears_its_server_through_the_summary(  # type: ignore[no-untyped-def]
    broker: BrokerProcess, publisher: Publisher, display_factory
) -> None:
    """A counter the server has no state for yet still knows its server is there."""
    site = publisher.site
    publisher.send(topic_queue_summary(site), publisher.summary([], seq=1), retain=True)
    counter = display_factory(broker=broker.url, site=site, kind="counter", counter="9", server_silence_seconds=SILENCE)
    counter.wait_for(lambda t: not t["offline_badge"])
    deadline = time.monotonic() + SILENCE + 1.5  # a negative check: it must hold past the timeout
    while time.monotonic() < deadline:
        assert not counter.texts()["server_silent"]
        time.sleep(0.1)  # paces the check: the real silence timeout must elapse (behaviour under test)


def test_server_and_display_with_default_settings_meet_and_a_call_is_shown(  # type: ignore[no-untyped-def]
    tmp_path: Path, display_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):  # nothing but the defaults: no site id from the environment either
        if name.startswith(("MOTCUA_SITE", "MOTCUA_DISPLAY_")):
            monkeypatch.delenv(name)
    own = start_broker(tmp_path / "mosquitto", kind="mosquitto")  # its own broker: demo-site is shared
    data = tmp_path / "site"
    seed_demo(data)
    kiosk = {"Authorization": f"Bearer {create_token(data, 'kiosk')}"}
    desk = {"Authorization": f"Bearer {create_token(data, 'counter', counter='8')}"}
    try:
        with SiteServer(data, args=["--broker", own.url], log=tmp_path / "server.log") as server:
            room = display_factory(broker=own.url)  # no site: the default, as the server's
            texts = room.wait_for(lambda t: not t["offline_badge"] and t["services"], timeout=10)
            assert len(texts["services"]) == 7  # the server's retained summary, on demo-site
            ticket = httpx.post(
                f"{server.base}/api/v1/tickets", json={"service": "XH"},
                headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex},
            )  # fmt: skip
            assert ticket.status_code == 201, ticket.text
            httpx.post(f"{server.base}/api/v1/counters/8/sign-in", json={"staff_id": "NV08"}, headers=desk)
            called = httpx.post(f"{server.base}/api/v1/counters/8/next", headers=desk)
            assert called.status_code == 200, called.text
            number = called.json()["number"]
            texts = room.wait_for(lambda t: t["number"] == number, timeout=10)
            assert texts["counter"] == "đến Quầy 8" and not texts["server_silent"]
            assert room.request("texts")["errors"] == []
    finally:
        own.stop()
