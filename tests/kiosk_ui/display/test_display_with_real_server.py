"""End to end: staff press 'next' on the real queue server → the real display shows and announces it."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from site_process import SiteServer, create_token, seed_demo

from motcua.runtime.broker import BrokerProcess

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def server(tmp_path: Path, broker: BrokerProcess, site: str):  # type: ignore[no-untyped-def]
    data = tmp_path / "site"
    seed_demo(data)
    tokens = {"kiosk": create_token(data, "kiosk"), "counter": create_token(data, "counter", counter="1")}
    with SiteServer(data, args=["--broker", broker.url, "--site", site]) as real:
        yield real.base, tokens


def test_a_call_made_at_the_real_server_is_shown_and_announced(server, broker, site, display_factory):  # type: ignore[no-untyped-def]
    base, tokens = server
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
    counter = {"Authorization": f"Bearer {tokens['counter']}"}
    for _ in range(3):
        r = httpx.post(
            f"{base}/api/v1/tickets", json={"service": "HT"}, headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex}
        )
        assert r.status_code == 201
    room = display_factory(broker=broker.url, site=site)
    desk = display_factory(broker=broker.url, site=site, kind="counter", counter="1")
    room.wait_for(lambda t: not t["offline_badge"])
    httpx.post(f"{base}/api/v1/counters/1/sign-in", json={"staff_id": "NV01"}, headers=counter)
    called = httpx.post(f"{base}/api/v1/counters/1/next", headers=counter).json()
    assert called["number"] == "A001"
    texts = room.wait_for(lambda t: t["number"] == "A001")
    assert texts["counter"] == "đến Quầy 1"
    spoken = room.poll(
        lambda: room.request("spoken"),
        lambda reply: bool(reply["history"]) and reply["history"][0]["finished"] is not None,
        10,
    )
    history = spoken["history"]
    assert history[0]["text"] == "Mời công dân có số thứ tự a không không một đến quầy số một"
    desk_texts = desk.wait_for(lambda t: "A001" in str(t))
    assert "A001" in str(desk_texts)
    assert room.errors() == [] and desk.errors() == []
