"""End to end: staff press 'next' on the real queue server → the real display shows and announces it."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from motcua.broker import BrokerProcess, free_port

pytestmark = pytest.mark.timeout(120)
MOTCUA = [sys.executable, "-m", "motcua.cli"]


def _cli(*args: str) -> str:
    return subprocess.run([*MOTCUA, *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def server(tmp_path: Path, broker: BrokerProcess, site: str):  # type: ignore[no-untyped-def]
    data = tmp_path / "site"
    _cli("admin", "seed-demo", "--data-dir", str(data))
    tokens = {
        "kiosk": _cli("admin", "create-token", "--data-dir", str(data), "--role", "kiosk"),
        "counter": _cli("admin", "create-token", "--data-dir", str(data), "--role", "counter", "--counter", "1"),
    }
    port = free_port()
    proc = subprocess.Popen(
        [*MOTCUA, "server", "--data-dir", str(data), "--port", str(port), "--broker", broker.url, "--site", site],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/healthz", timeout=0.5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base, tokens
    proc.terminate()
    proc.wait(10)


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
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        history = room.request("spoken")["history"]
        if history and history[0]["finished"] is not None:
            break
        time.sleep(0.1)
    assert history[0]["text"] == "Mời công dân có số thứ tự a không không một đến quầy số một"
    desk_texts = desk.wait_for(lambda t: "A001" in str(t))
    assert "A001" in str(desk_texts)
    assert room.errors() == [] and desk.errors() == []
