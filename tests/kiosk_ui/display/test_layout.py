"""The waiting room's layout with the demo site's real services: no text overlaps another, none is cut, none
leaves the screen — read from the live widget tree of the real app, offscreen, in both orientations."""

from __future__ import annotations

import pytest

from motcua.contract.mqtt import topic_call
from motcua.runtime.broker import BrokerProcess

from .boxes import layout_problems
from .conftest import Publisher
from .demo_data import demo_waiting, eight_counters_calling, many_waiting

pytestmark = pytest.mark.timeout(180)


@pytest.mark.parametrize(
    ("orientation", "lang", "size"),
    [("landscape", "vi", (1920, 1080)), ("landscape", "en", (1920, 1080)),
     ("portrait", "vi", (1080, 1920)), ("portrait", "en", (1080, 1920))],
)  # fmt: skip
@pytest.mark.parametrize("services", ["demo", "fourteen"])
def test_no_text_overlaps_is_cut_or_leaves_the_screen_with_eight_calls_and_the_demo_services(  # type: ignore[no-untyped-def]
    broker: BrokerProcess, publisher: Publisher, display_factory, orientation: str, lang: str, size, services: str
) -> None:
    waiting = demo_waiting() if services == "demo" else many_waiting(14)
    eight_counters_calling(publisher, waiting)
    display = display_factory(
        broker=broker.url, site=publisher.site, orientation=orientation, lang=lang, announce="off",
        width=size[0], height=size[1], recent_calls=8, page_seconds=1.5,
    )  # fmt: skip
    display.wait_for(lambda t: t["services"] and not t["offline_badge"])
    publisher.send(topic_call(publisher.site), publisher.call("F123", "8", counter_name_vi="Quầy 8"))
    texts = display.wait_for(lambda t: t["number"] == "F123" and len(t["recent"]) == 8)
    reply = display.request("boxes")
    assert tuple(reply["window"]) == size
    shown = {item["text"] for item in reply["boxes"]}
    assert {"F123", "A100", "Quầy 8" if lang == "vi" else "Counter 8"} <= shown  # the walk sees the screen
    assert texts["services"], texts
    problems = layout_problems(reply)
    assert not problems, "\n".join(problems)
    if services == "demo":  # all seven on one screen, the longest name whole
        names = [name for name, _count in texts["services"]]
        longest = "F · Lao động – Thương binh và Xã hội" if lang == "vi" else "F · Labour, invalids and social affairs"
        assert len(names) == 7 and longest in names and longest in shown
    else:  # paged: each page fits, and the pages together list every service
        pages = texts["services_page"][1]
        assert pages >= 2
        seen: set[str] = set()
        for page in range(1, pages + 1):
            shown_page = display.wait_for(lambda t, page=page: t["services_page"] == [page, pages], timeout=5)
            seen |= {name for name, _count in shown_page["services"]}
            problems = layout_problems(display.request("boxes"))
            assert not problems, "\n".join(problems)
        assert len(seen) == 14
    assert display.errors() == []


def test_the_offline_notice_covers_no_text(broker: BrokerProcess, tmp_path, site: str, display_factory) -> None:  # type: ignore[no-untyped-def]
    from motcua.runtime.broker import start_broker

    own = start_broker(tmp_path / "mosquitto", kind="mosquitto")
    publisher = Publisher(own.url, site)
    try:
        eight_counters_calling(publisher, demo_waiting())
        display = display_factory(broker=own.url, site=site, announce="off", recent_calls=8)
        display.wait_for(lambda t: len(t["recent"]) == 7 and not t["offline_badge"])
        publisher.stop()
        own.stop()
        display.wait_for(lambda t: t["offline_badge"], timeout=5)
        reply = display.request("boxes")
        assert "Mất kết nối" in {item["text"] for item in reply["boxes"]}
        problems = layout_problems(reply)
        assert not problems, "\n".join(problems)
    finally:
        own.stop()
