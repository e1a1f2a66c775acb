"""Screenshots of both displays with the demo site's seven services and eight counters calling (saved to
docs/display/ with MOTCUA_UPDATE_SCREENSHOTS=1): look at them."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from kivy_process import screenshot_dir

from motcua.contract.mqtt import topic_call, topic_counter_state
from motcua.runtime.broker import BrokerProcess, start_broker

from .boxes import layout_problems
from .conftest import Publisher
from .demo_data import demo_waiting, eight_counters_calling

pytestmark = pytest.mark.timeout(180)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "display"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return screenshot_dir(DOCS, tmp_path)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def seed(publisher: Publisher) -> None:
    eight_counters_calling(publisher, demo_waiting())


@pytest.mark.parametrize(
    ("orientation", "lang", "size"),
    [("landscape", "vi", (1920, 1080)), ("landscape", "en", (1920, 1080)),
     ("portrait", "vi", (1080, 1920)), ("portrait", "en", (1080, 1920))],
)  # fmt: skip
def test_waiting_room_screenshot(  # type: ignore[no-untyped-def]
    broker: BrokerProcess, publisher: Publisher, display_factory, shots: Path, orientation: str, lang: str, size
) -> None:
    seed(publisher)
    display = display_factory(
        broker=broker.url, site=publisher.site, orientation=orientation, lang=lang, announce="off"
    )
    display.wait_for(lambda t: t["number"] == "A100" and len(t["services"]) == 7)
    publisher.send(topic_call(publisher.site), publisher.call("B012", "5"))
    texts = display.wait_for(lambda t: t["number"] == "B012" and t["highlighted"])
    assert texts["counter"] == ("đến Quầy 5" if lang == "vi" else "go to Counter 5")
    path = shots / f"waiting-room-{orientation}-{lang}.png"
    display.request("shot", path=str(path))
    assert png_size(path) == size
    problems = layout_problems(display.request("boxes"))
    assert not problems, "\n".join(problems)


def test_counter_screenshots_serving_paused_and_offline(  # type: ignore[no-untyped-def]
    tmp_path: Path, site: str, display_factory, shots: Path
) -> None:
    own = start_broker(tmp_path / "mosquitto", kind="mosquitto")
    publisher = Publisher(own.url, site)
    try:
        publisher.send(
            topic_counter_state(site, "5"), publisher.counter_state("5", "open", "B012", seq=10), retain=True
        )
        seed(publisher)
        counter = display_factory(broker=own.url, site=site, kind="counter", counter="5")
        counter.wait_for(lambda t: t["number"] == "B012" and not t["offline_badge"])
        counter.request("shot", path=str(shots / "counter-serving-vi.png"))
        publisher.send(
            topic_counter_state(site, "5"), publisher.counter_state("5", "paused", None, seq=11), retain=True
        )
        counter.wait_for(lambda t: t["number"] == "Tạm dừng")
        counter.request("shot", path=str(shots / "counter-paused-vi.png"))
        assert not layout_problems(counter.request("boxes"))
        assert png_size(shots / "counter-paused-vi.png") == (800, 480)

        room = display_factory(broker=own.url, site=site, announce="off")
        room.wait_for(lambda t: t["number"] == "A100" and not t["offline_badge"])
        publisher.stop()
        own.stop()
        room.wait_for(lambda t: t["offline_badge"], timeout=5)
        counter.wait_for(lambda t: t["offline_badge"], timeout=5)
        room.request("shot", path=str(shots / "waiting-room-offline-vi.png"))
        counter.request("shot", path=str(shots / "counter-offline-vi.png"))
        for display in (room, counter):
            problems = layout_problems(display.request("boxes"))
            assert not problems, "\n".join(problems)
    finally:
        own.stop()
