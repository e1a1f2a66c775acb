"""The docs' walk-through (docs/walkthrough.md), end to end, defaults only: site → kiosk → display → console → monitor.

Real processes: ``motcua site --demo`` (broker child and queue server), the kiosk and the waiting-room display
(Kivy offscreen, through their test harnesses), the counter console in Chromium, ``motcua agent`` and
``motcua monitor``. Each command line the test runs must be written on the docs page (placeholders aside).
The documented default ports (8000, 1883, 8100) are used when they are free on this machine; when one is
taken (another run), every port is a free one and the test passes it exactly where a second instance would
clash — the site's ports, the kiosk's server URL, the display's and agent's broker.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chromium_browser import chromium
from kivy_process import KivyProcess
from playwright.sync_api import expect
from waiting import wait_until

from motcua.runtime.broker import free_port

pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "walkthrough.md"
KIOSK_HARNESS = ROOT / "tests" / "kiosk_ui" / "kiosk" / "harness.py"
DISPLAY_HARNESS = ROOT / "tests" / "kiosk_ui" / "display" / "harness.py"
MOTCUA = [sys.executable, "-m", "motcua.cli"]
READY_LINE = "Ctrl-C stops the site."


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def port(default: int) -> int:
    """The documented default port when it is free here, else a free one (another run holds the default)."""
    return default if _free(default) else free_port()


def documented(argv: list[str]) -> None:
    """The command (``motcua ...`` after the interpreter) is on the docs page, placeholders replaced."""
    text = DOC.read_text(encoding="utf-8")
    words = ["motcua", *argv[len(MOTCUA) :]]
    pattern = r"\s+".join(re.escape(w) if not w.startswith(("/", "tok-")) else r"\S+" for w in words)
    assert re.search(pattern, text), f"not in {DOC.name}: {' '.join(words)}"


class Proc:
    """A ``motcua`` child process with its output in a log file."""

    def __init__(self, argv: list[str], log: Path, *, document: bool = True) -> None:
        if document:
            documented(argv)
        self.log = log
        self.process = subprocess.Popen(argv, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=log.parent)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        assert self.process.poll() is None, f"{self.log.name} exited: {self.output()[-3000:]}"
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(2)  # SIGINT: Ctrl-C, as the docs say
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


@pytest.fixture
def procs() -> Iterator[list[Any]]:
    """Everything started, stopped at the end in reverse order."""
    started: list[Any] = []
    yield started
    for proc in reversed(started):
        proc.stop()


def test_the_walkthrough_with_defaults_only(tmp_path: Path, procs: list[Any]) -> None:
    server_port, broker_port, monitor_port = port(8000), port(1883), port(8100)
    server_url = f"http://127.0.0.1:{server_port}"
    broker_url = f"mqtt://127.0.0.1:{broker_port}"
    print(f"ports: server {server_port}, broker {broker_port}, monitor {monitor_port}")
    site_dir = tmp_path / "site"
    site_dir.mkdir()

    # 1. the site (scripts/site.sh execs `motcua site --demo`; data/ in its working directory)
    help_text = subprocess.run([*MOTCUA, "site", "--help"], capture_output=True, text=True, check=True).stdout
    site_argv = [*MOTCUA, "site", "--demo"]
    if server_port != 8000:
        site_argv += ["--port", str(server_port)]
    if broker_port != 1883:
        site_argv += ["--broker-port", str(broker_port)]
    extra = ["--no-kiosk"]  # no screen in a test; the test starts the kiosk and the display itself
    if "--no-chain" in help_text:
        extra.append("--no-chain")  # the walk-through starts the agent and the monitor by hand (step 5)
    documented([*MOTCUA, "site", "--demo"])
    site = Proc([*site_argv, *extra], site_dir / "site.log", document=False)
    procs.append(site)
    wait_until(lambda: site.alive() and READY_LINE in site.output(), 90, "the site to print its URLs")
    out = site.output()
    assert f"{server_url}/docs" in out and f"{server_url}/console/" in out
    tokens = json.loads((site_dir / "data" / "demo-tokens.json").read_text())["tokens"]
    counter_link = re.search(r"Counter 1\s*:\s*(\S+)", out)
    assert counter_link, out
    assert tokens["kiosk"] in out  # the printed kiosk token is the kept one

    # 2. the kiosk takes a ticket: start, "Lấy số thứ tự", Hộ tịch
    kiosk_settings: dict[str, Any] = {
        "token": tokens["kiosk"], "windowed": True, "voice": "off", "printer": "dummy:",
        "catalogue_cache": str(tmp_path / "kiosk" / "catalogue.json"), "state_dir": str(tmp_path / "kiosk"),
    }  # fmt: skip
    if server_port != 8000:
        kiosk_settings["server_url"] = server_url
    documented([*MOTCUA, "kiosk", "--windowed", "--token", "tok-kiosk"])
    kiosk = KivyProcess(KIOSK_HARNESS, kiosk_settings, tmp_path / "kivy-k", tmp_path / "kiosk.log", reply_timeout=90)
    procs.append(kiosk)
    state = kiosk.poll(lambda: kiosk.request("state"), lambda s: s["procedures"] > 0 and s["online"], 60)
    for tap in ("start", "take_ticket", "service:HT"):
        kiosk.request("tap", id=tap)
    state = kiosk.poll(lambda: kiosk.request("state"), lambda s: s["ticket"] is not None, 30, what="kiosk ticket")
    number = state["ticket"]["number"]
    assert number.startswith("A") and not state["errors"], state

    # 3. the waiting-room display, no --site, no --broker
    display_settings: dict[str, Any] = {"kind": "waiting-room", "windowed": True, "audio_dir": str(tmp_path / "au")}
    if broker_port != 1883:
        display_settings["broker"] = broker_url
    documented([*MOTCUA, "display", "--kind", "waiting-room", "--windowed"])
    display = KivyProcess(DISPLAY_HARNESS, display_settings, tmp_path / "kivy-d", tmp_path / "display.log")
    procs.append(display)
    display.poll(lambda: display.request("texts")["texts"], lambda t: not t["offline_badge"], 30, what="display")

    # 4. the counter console in Chromium calls it
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(counter_link.group(1))
        page.fill("#f-staff", "NV01")
        page.click("#signin-submit")
        expect(page.locator("#status")).to_have_text("Đang mở", timeout=15000)
        page.click("#btn-next")
        expect(page.locator("#current-number")).to_have_text(number, timeout=15000)
        page.screenshot(path=str(tmp_path / "console.png"))
        assert not errors, errors
    texts = display.poll(
        lambda: display.request("texts")["texts"], lambda t: t["number"] == number, 15, what="display call"
    )
    assert texts["counter"] == "đến Quầy 1", texts

    # 5. the monitor, and the site's agent uplinking to it
    token_argv = [*MOTCUA, "monitor", "create-token", "--data-dir", "monitor-data", "--name", "walkthrough"]
    token_argv += ["--role", "viewer"]
    documented(token_argv)
    made = subprocess.run(token_argv, capture_output=True, text=True, check=True, cwd=tmp_path)
    monitor_token = made.stdout.strip().splitlines()[-1]
    monitor_argv = [*MOTCUA, "monitor", "--data-dir", "monitor-data", "--port", str(monitor_port)]
    monitor_argv += ["--broker", broker_url]
    documented(
        [*MOTCUA, "monitor", "--data-dir", "monitor-data", "--port", "8100", "--broker", "mqtt://127.0.0.1:1883"]
    )
    monitor = Proc(monitor_argv, tmp_path / "monitor.log", document=False)
    procs.append(monitor)
    agent_argv = [*MOTCUA, "agent", "--role", "server", "--data-dir", "data/agent", "--server-url", server_url]
    agent_argv += ["--server-token", tokens["agent"]]
    if broker_port != 1883:
        agent_argv += ["--broker", broker_url]
    documented([*agent_argv[:5], "server", "--data-dir", "data/agent", "--server-url", "http://127.0.0.1:8000",
                "--server-token", "tok-agent"])  # fmt: skip
    agent_log = site_dir / "agent.log"
    agent = Proc(agent_argv, agent_log, document=False)
    procs.append(agent)
    monitor_base = f"http://127.0.0.1:{monitor_port}"
    auth = {"Authorization": f"Bearer {monitor_token}"}

    def stored() -> list[dict[str, Any]]:
        monitor.alive()
        agent.alive()
        try:
            r = httpx.get(f"{monitor_base}/api/v1/store/events", params={"site": "demo-site"}, headers=auth)
        except httpx.HTTPError:
            return []
        assert r.status_code == 200, r.text
        return [e for e in r.json() if e["type"] == "ticket.called"]

    wait_until(stored, 60, "the called ticket to reach the monitor")
    sites = httpx.get(f"{monitor_base}/api/v1/store/sites", headers=auth).json()
    assert "demo-site" in [s["site"] for s in sites], sites
