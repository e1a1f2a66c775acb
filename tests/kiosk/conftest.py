"""Fixtures of the kiosk tests: a real queue server subprocess, kiosk apps offscreen in subprocesses, a CCCD QR."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

HARNESS = Path(__file__).with_name("harness.py")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "kiosk"
ALWAYS_SHOT = {"01-welcome-vi", "08-ticket-vi", "17-printer-fault-vi"}
MIN_TARGET_PX = 61  # 15 mm at 0.248 mm/px (21.5" 1920x1080)
CCCD_ID = "001089012345"
CCCD_NAME = "Nguyễn Thị Hoa"
CCCD_PAYLOAD = f"{CCCD_ID}|123456789|{CCCD_NAME}|15081989|Nữ|Số 12 ngõ 5 Ngô Gia Tự, Suối Hoa, Bắc Ninh|01032021"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def motcua(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "motcua.cli", *args], check=True, capture_output=True, text=True, timeout=60, **kwargs
    )


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
    motcua("admin", "seed-demo", "--data-dir", str(data))
    token = motcua("admin", "create-token", "--data-dir", str(data), "--role", "kiosk").stdout.strip().splitlines()[-1]
    port = free_port()
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua.cli", "server", "--data-dir", str(data), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/api/v1/healthz", timeout=1).status_code == 200:
                break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("queue server did not start")
    yield Server(url, token, proc)
    proc.terminate()
    proc.wait(10)
    log.close()


def offscreen_env(kivy_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy", KIVY_WINDOW="sdl2", KIVY_NO_ARGS="1",
        KIVY_HOME=str(kivy_home), KIVY_NO_CONSOLELOG="1", KIVY_LOG_MODE="PYTHON",
    )  # fmt: skip
    return env


class Kiosk:
    """A kiosk app in a child process; every tap also checks the touch targets of the screen it lands on."""

    def __init__(self, settings: dict[str, Any], home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.log_path = home / "kiosk.log"
        self._log = self.log_path.open("w")
        self.taps = 0
        self.screens_checked: set[str] = set()
        self.stray_output: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, str(HARNESS), json.dumps(settings)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            env=offscreen_env(home / "kivy"), text=True, encoding="utf-8",
        )  # fmt: skip
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._replies.get(timeout=60)
        assert ready.get("ready"), ready

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if "@@CTL " in line:  # a library may have printed a partial line before ours
                self._replies.put(json.loads(line.split("@@CTL ", 1)[1]))
            elif line.strip():
                self.stray_output.append(line)

    def request(self, cmd: str, **fields: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **fields}, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        try:
            reply = self._replies.get(timeout=90)  # a loaded 2-core CI machine is slow
        except queue.Empty:
            self.process.send_signal(signal.SIGUSR1)  # thread dump into the kiosk's log
            time.sleep(1)
            pytest.fail(
                f"no reply to {cmd}; stdout {self.stray_output[-5:]}; log:\n{self.log_path.read_text()[-6000:]}"
            )
        assert reply.get("ok"), reply
        return reply

    def state(self) -> dict[str, Any]:
        state = self.request("state")
        assert not state["errors"], state["errors"]
        return state

    def settle(self, timeout: float = 20.0) -> dict[str, Any]:
        """Wait until no background request is in flight."""
        return self.wait_for(lambda s: s["inflight"] == 0, timeout)

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        state = self.state()
        while not predicate(state):
            if time.monotonic() > deadline:
                pytest.fail(
                    f"kiosk never matched; last state: { {k: state[k] for k in ('screen', 'inflight', 'texts')} }"
                )
            time.sleep(0.05)
            state = self.state()
        return state

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

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.request("quit")
                self.process.wait(10)
            except Exception:
                self.process.kill()
                self.process.wait(5)
        self._log.close()


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
    target = DOCS if os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") == "1" else tmp_path / "shots"
    target.mkdir(parents=True, exist_ok=True)
    return target


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
