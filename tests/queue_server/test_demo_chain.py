"""`motcua site --demo` runs the whole chain: a ticket reaches the local monitor through the site's edge agent.

Real processes: mosquitto, the queue server, `motcua agent` (replay on) and `motcua monitor` (SQLite), started
by one `motcua site --demo`; taken ports are replaced by free ones and said so.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import uuid
from pathlib import Path

import httpx
import psutil
from site_cli import READY_LINE, SiteCommand, port_open, wait_until
from site_process import MOTCUA

from motcua.runtime.broker import free_port


def _issue(base: str, kiosk: str) -> str:
    r = httpx.post(
        f"{base}/api/v1/tickets",
        json={"service": "HT", "lang": "vi"},
        headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _monitor_token(data_dir: Path) -> str:
    done = subprocess.run(
        [
            *MOTCUA,
            "monitor",
            "create-token",
            "--data-dir",
            str(data_dir / "monitor"),
            "--name",
            "test",
            "--role",
            "viewer",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _stored_ticket_ids(monitor: str, token: str) -> set[str]:
    try:
        r = httpx.get(
            f"{monitor}/api/v1/store/events",
            params={"type": "ticket.issued"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=2,
        )
    except httpx.HTTPError:
        return set()
    return {str(e["data"]["ticket_id"]) for e in r.json()} if r.status_code == 200 else set()


def _sign_in(monitor: str, username: str, password: str) -> dict:
    with httpx.Client(base_url=monitor, timeout=10) as client:
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert csrf, page.text[:500]
        answer = client.post("/login", data={"username": username, "password": password, "csrf_token": csrf[1]})
        assert answer.status_code == 303, answer.text[:500]
        return dict(client.get("/api/v1/auth/me").json())


def test_a_ticket_reaches_the_local_monitor_through_the_agent_and_everything_stops(tmp_path: Path) -> None:
    monitor_port = free_port()
    site = SiteCommand(tmp_path / "site", args=["--monitor-port", str(monitor_port)])
    monitor = f"http://127.0.0.1:{monitor_port}"
    with site:
        output = site.output()
        assert f"Monitor       : {monitor}/" in output and "Edge agent    :" in output
        login = re.search(r"Monitor login : \S+/login — (\S+) / (\S+)", output)
        assert login, output
        ticket = _issue(site.base, site.tokens()["kiosk"])
        token = _monitor_token(site.data_dir)
        wait_until(lambda: ticket in _stored_ticket_ids(monitor, token), 60, "the ticket at the local monitor")
        assert _sign_in(monitor, login[1], login[2])["name"] == login[1]  # the printed sign-in works
        agent = [p for p in site.descendants() if "agent" in p.cmdline() and "--server-token" in p.cmdline()]
        assert len(agent) == 1
        # a supervised child: killed, it comes back and the next ticket arrives too
        agent[0].kill()
        wait_until(lambda: "motcua agent (pid" in site.output(), 30, "the restart of the agent")
        second = _issue(site.base, site.tokens()["kiosk"])
        wait_until(lambda: second in _stored_ticket_ids(monitor, token), 60, "a ticket after the agent's restart")
        children = site.descendants()
        assert site.stop(signal.SIGINT) == 0
    wait_until(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in children), 30, "exit")
    assert not port_open(monitor_port) and not port_open(site.port) and not port_open(site.broker_port)
    assert "motcua site stopped." in site.output()


def _listen(port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


def test_taken_ports_are_replaced_by_free_ones_and_said(tmp_path: Path) -> None:
    taken = {name: free_port() for name in ("server", "broker", "monitor")}
    holders = [_listen(port) for port in taken.values()]
    data = tmp_path / "site"
    data.mkdir()
    log = data / "site.log"
    command = [*MOTCUA, "site", "--demo", "--data-dir", str(data), "--no-kiosk"]
    command += ["--port", str(taken["server"]), "--broker-port", str(taken["broker"])]
    command += ["--monitor-port", str(taken["monitor"])]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: READY_LINE in log.read_text() or proc.poll() is not None, 90, "the site to start")
        text = log.read_text()
        assert proc.poll() is None, text
        moved = {}
        for name, what in (("server", "the queue server"), ("broker", "the MQTT broker"), ("monitor", "the monitor")):
            said = re.search(rf"port {taken[name]} is taken: {what} uses (\d+)", text)
            assert said, text
            assert f"Cổng {taken[name]} đang bận" in text
            moved[name] = int(said[1])
        assert f"broker mosquitto at mqtt://127.0.0.1:{moved['broker']}" in text
        assert f"http://127.0.0.1:{moved['server']}/console/" in text
        assert f"Monitor       : http://127.0.0.1:{moved['monitor']}/" in text

        def up(port: int) -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/api/v1/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(lambda: up(moved["server"]) and up(moved["monitor"]), 60, "server and monitor on the new ports")
        assert port_open(moved["broker"])
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        for sock in holders:
            sock.close()


def test_with_a_screen_the_waiting_room_display_opens_and_the_monitor_sees_it(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("server", "broker", "monitor")}
    data = tmp_path / "site"
    data.mkdir()
    env = {
        **os.environ,
        "WAYLAND_DISPLAY": "wayland-test",  # a screen is present; SDL still draws offscreen here
        "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy", "KIVY_NO_ARGS": "1",
        "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_CONSOLELOG": "1",
        "MOTCUA_KIOSK_CATALOGUE_CACHE": str(tmp_path / "kiosk" / "catalogue.json"),
        "MOTCUA_KIOSK_STATE_DIR": str(tmp_path / "kiosk"), "MOTCUA_KIOSK_VOICE": "off",
        "MOTCUA_KIOSK_PRINTER": "dummy:", "MOTCUA_DISPLAY_ANNOUNCE": "off",
    }  # fmt: skip
    env.pop("DISPLAY", None)
    command = [*MOTCUA, "site", "--demo", "--data-dir", str(data), "--port", str(ports["server"])]
    command += ["--broker-port", str(ports["broker"]), "--monitor-port", str(ports["monitor"])]
    log = data / "site.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    monitor = f"http://127.0.0.1:{ports['monitor']}"
    try:
        wait_until(lambda: READY_LINE in log.read_text() or proc.poll() is not None, 90, "the site to start")
        assert proc.poll() is None, log.read_text()
        assert "the kiosk and the waiting-room display open" in log.read_text()

        def windows() -> list[str]:
            found = []
            for child in psutil.Process(proc.pid).children(recursive=True):
                try:
                    cmdline = child.cmdline()
                except psutil.NoSuchProcess:
                    continue
                found += [name for name in ("kiosk", "display") if name in cmdline]
            return found

        wait_until(lambda: sorted(windows()) == ["display", "kiosk"], 60, "kiosk and display windows")
        token = _monitor_token(data)

        def display_at_monitor() -> list[dict]:
            try:
                r = httpx.get(
                    f"{monitor}/api/v1/store/devices", headers={"Authorization": f"Bearer {token}"}, timeout=2
                )
            except httpx.HTTPError:
                return []
            rows = r.json() if r.status_code == 200 else []
            return [d for d in rows if d["role"] == "display-waiting-room" and d["state"] == "online"]

        # the display's retained status -> site broker -> the site's agent -> uplink -> the local monitor
        wait_until(display_at_monitor, 90, "the waiting-room display at the local monitor")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0, log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert "motcua site stopped." in log.read_text()
