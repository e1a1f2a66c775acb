"""``motcua site`` keeps its broker up, says so on the console's health API, and leaves nothing behind.

Real mosquitto, real processes, non-default ports: the broker child is killed and must come back (a
display-style subscriber hears a call again); a broker that cannot be restarted ends the site non-zero;
``scripts/site.sh`` terminated stops the whole site, ports freed.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import sys
import uuid
from pathlib import Path

import httpx
import paho.mqtt.client as paho
import psutil
from site_cli import SiteCommand, port_open, wait_until

from motcua.contract.mqtt import topic_call
from motcua.contract.site import DEFAULT_SITE_ID
from motcua.runtime.broker import mosquitto_path

REPO = Path(__file__).resolve().parents[2]


def _health(site: SiteCommand) -> str:
    try:
        return str(httpx.get(f"{site.base}/api/v1/health", timeout=1).json()["mqtt"])
    except (httpx.HTTPError, ValueError, KeyError):
        return "unreachable"


def _subscriber(broker_port: int) -> tuple[paho.Client, queue.Queue[dict]]:
    """A display-style subscriber of the site's call topic."""
    heard: queue.Queue[dict] = queue.Queue()
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"test-display-{uuid.uuid4().hex[:8]}")
    client.on_message = lambda c, u, message: heard.put(json.loads(message.payload))
    client.connect("127.0.0.1", broker_port)
    client.subscribe(topic_call(DEFAULT_SITE_ID), qos=1)
    client.loop_start()
    return client, heard


def _call_one(site: SiteCommand, staff: str) -> str:
    """Issue a ticket and have counter 1 call it; the ticket number."""
    tokens = site.tokens()
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}", "Idempotency-Key": uuid.uuid4().hex}
    ticket = httpx.post(f"{site.base}/api/v1/tickets", json={"service": "HT", "lang": "vi"}, headers=kiosk).json()
    desk = {"Authorization": f"Bearer {tokens['counter 1']}"}
    assert httpx.post(f"{site.base}/api/v1/counters/1/sign-in", json={"staff_id": staff}, headers=desk).is_success
    httpx.post(f"{site.base}/api/v1/counters/1/done", headers=desk)  # finish whatever counter 1 serves
    called = httpx.post(f"{site.base}/api/v1/counters/1/next", headers=desk)
    assert called.status_code == 200, called.text
    return str(ticket["number"])


def _hears(heard: queue.Queue[dict], number: str, timeout: float = 20) -> bool:
    def match() -> bool:
        try:
            return heard.get(timeout=0.2).get("number") == number
        except queue.Empty:
            return False

    wait_until(match, timeout, f"a call of {number} on the broker", interval=0)
    return True


def test_killed_broker_is_restarted_and_displays_hear_calls_again(tmp_path):
    with SiteCommand(tmp_path) as site:
        wait_until(lambda: _health(site) == "connected", 20, "the server's MQTT connection")
        first_pid = site.broker_pid()
        os.kill(first_pid, signal.SIGKILL)
        states = set()

        def reconnected() -> bool:
            states.add(_health(site))
            return "disconnected" in states and _health(site) == "connected"

        wait_until(reconnected, 30, "the health API to report the broker lost, then back")
        assert site.broker_pid() != first_pid
        client, heard = _subscriber(site.broker_port)
        try:
            assert _hears(heard, _call_one(site, "NV01"))
        finally:
            client.loop_stop()
            client.disconnect()
        assert "broker (pid" in site.output() and "restarting the mosquitto broker" in site.output()
        assert site.process is not None and site.process.poll() is None


def test_site_exits_non_zero_when_the_broker_cannot_be_restarted(tmp_path):
    # A mosquitto that starts once: every restart fails, as a broken install or a lost port would.
    real = mosquitto_path()
    assert real, "mosquitto is not installed"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "mosquitto"
    wrapper.write_text(
        f'#!/bin/sh\nif [ -e "{tmp_path}/started" ]; then echo "mosquitto: broken" >&2; exit 3; fi\n'
        f': > "{tmp_path}/started"\nexec "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    site = SiteCommand(tmp_path / "data", args=["--broker-kind", "mosquitto", "--broker-restarts", "2"], env=env)
    with site:
        os.kill(site.broker_pid(), signal.SIGKILL)
        assert site.process is not None
        code = site.process.wait(60)
        assert code != 0, site.output()
        assert "giving up" in site.output() and "motcua site stopped." in site.output()
    assert not port_open(site.port) and not port_open(site.broker_port)


def test_terminating_site_sh_stops_the_whole_site(tmp_path):
    # scripts/site.sh as shipped, in a copy of the repository layout whose setup steps are already done.
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "site.sh", root / "scripts" / "site.sh")
    for step in ("install-system-packages.sh", "venv.sh"):
        (root / "scripts" / step).write_text("#!/usr/bin/env bash\nexit 0\n")
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "motcua").symlink_to(Path(sys.executable).with_name("motcua"))
    data = tmp_path / "data"
    site = SiteCommand(data, command=["bash", str(root / "scripts" / "site.sh")], env={"MOTCUA_DATA_DIR": str(data)})
    with site:
        wait_until(lambda: _health(site) == "connected", 20, "the server's MQTT connection")
        tree = [psutil.Process(site.process.pid), *site.descendants()]
        assert any("mosquitto" in p.name() for p in tree)
        code = site.stop(signal.SIGTERM)
    assert code == 0, site.output()
    assert "motcua site stopped." in site.output()
    wait_until(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in tree), 10, "no leftovers")
    assert not port_open(site.port) and not port_open(site.broker_port)
