"""Fixtures of the kiosk tests: a real queue server subprocess, kiosk apps offscreen in subprocesses, a CCCD QR."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from kivy_process import KivyProcess, screenshot_dir
from site_process import SiteServer, create_token, seed_demo

HARNESS = Path(__file__).with_name("harness.py")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "kiosk"
ALWAYS_SHOT = {"01-welcome-vi", "08-ticket-vi", "17-printer-fault-vi"}
MIN_TARGET_PX = 61  # 15 mm at 0.248 mm/px (21.5" 1920x1080)
CCCD_ID = "001089012345"
CCCD_NAME = "Nguyễn Thị Hoa"
CCCD_PAYLOAD = f"{CCCD_ID}|123456789|{CCCD_NAME}|15081989|Nữ|Số 12 ngõ 5 Ngô Gia Tự, Suối Hoa, Bắc Ninh|01032021"


@dataclass
class Server:
    url: str
    token: str
    proc: subprocess.Popen[bytes]

    def queue_length(self, service: str) -> int:
        body = httpx.get(f"{self.url}/api/v1/queue", headers={"Authorization": f"Bearer {self.token}"}).json()
        entry = next(item for item in body if item.get("service", item.get("code")) == service)
        return int(entry.get("waiting", 0))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real queue server (uvicorn subprocess) with the demo centre, and a kiosk token."""
    data = tmp_path_factory.mktemp("server")
    seed_demo(data)
    token = create_token(data, "kiosk")
    with SiteServer(data, log=data / "server.log") as real:
        assert real.process is not None
        yield Server(real.base, token, real.process)


class Kiosk(KivyProcess):
    """A kiosk app in a child process; every tap also checks the touch targets of the screen it lands on."""

    def __init__(self, settings: dict[str, Any], home: Path) -> None:
        self.taps = 0
        self.screens_checked: set[str] = set()
        # a loaded 2-core CI machine is slow
        super().__init__(HARNESS, settings, home / "kivy", home / "kiosk.log", reply_timeout=90)

    def state(self) -> dict[str, Any]:
        state = self.request("state")
        assert not state["errors"], state["errors"]
        return state

    def settle(self, timeout: float = 20.0) -> dict[str, Any]:
        """Wait until no background request is in flight."""
        return self.wait_for(lambda s: s["inflight"] == 0, timeout)

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20.0) -> dict[str, Any]:
        def describe(state: dict[str, Any]) -> str:
            return f"state: { {k: state[k] for k in ('screen', 'inflight', 'texts')} }"

        return self.poll(self.state, predicate, timeout, describe, what="kiosk")

    def check_targets(self) -> None:
        targets = self.request("targets")["targets"]
        small = [t for t in targets if min(t[1], t[2]) < MIN_TARGET_PX]
        assert not small, f"touch targets under 15 mm: {small}"
        self.screens_checked.add(self.state()["screen"])

    def tap(self, tap_id: str) -> dict[str, Any]:
        """Tap a button, wait for its background work, check the touch targets of the screen it leads to."""
        state = self.request("tap", id=tap_id)
        assert not state["errors"], state["errors"]
        self.taps += 1
        small = [t for t in state["targets"] if min(t[1], t[2]) < MIN_TARGET_PX]
        assert not small, f"touch targets under 15 mm on {state['screen']}: {small}"
        self.screens_checked.add(state["screen"])
        return state

    def type(self, keys: str) -> None:
        self.request("type", keys=keys)

    def shot(self, name: str, shots: Path) -> Path | None:
        """Screenshot into ``shots``; outside a docs update only a few are taken (they cost ~0.5 s each)."""
        if shots != DOCS and name not in ALWAYS_SHOT:
            return None
        path = shots / f"{name}.png"
        self.request("shot", path=str(path))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        return path


@pytest.fixture
def kiosk_factory(tmp_path: Path, server: Server) -> Iterator[Callable[..., Kiosk]]:
    """Start kiosks against the test server (dummy: printer, no voice unless asked); all stopped at the end."""
    started: list[Kiosk] = []

    def start(**settings: Any) -> Kiosk:
        home = tmp_path / f"kiosk{len(started)}"
        values: dict[str, Any] = {
            "environment": "development", "server_url": server.url, "token": server.token, "voice": "off",
            "printer": "dummy:", "catalogue_cache": str(home / "cache" / "catalogue.json"),
            "state_dir": str(home / "state"), "windowed": True, "request_retries": 1, "request_timeout_s": 2,
        }  # fmt: skip
        values.update(settings)
        kiosk = Kiosk(values, home)
        started.append(kiosk)
        kiosk.wait_for(lambda s: s["procedures"] > 0 or settings.get("server_url") is not None, 30)
        return kiosk

    yield start
    for kiosk in started:
        kiosk.stop()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """docs/kiosk/ with MOTCUA_UPDATE_SCREENSHOTS=1, else a temp dir."""
    return screenshot_dir(DOCS, tmp_path / "shots")


@pytest.fixture
def cccd_image(tmp_path: Path) -> Path:
    """A photo-like still of a generated CCCD QR code (the camera adapter reads it)."""
    import qrcode
    from PIL import Image

    qr = qrcode.make(CCCD_PAYLOAD, border=4, box_size=6).convert("RGB")
    card = Image.new("RGB", (qr.width + 240, qr.height + 160), (214, 226, 240))
    card.paste(qr, (120, 80))
    path = tmp_path / "cccd.png"
    card.save(path)
    return path
