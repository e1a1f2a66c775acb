"""sd_notify over a real unix datagram socket, path and abstract namespace."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from motcua.runtime.sdnotify import Watchdog, notify, watchdog_interval


def _listener(address: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(3)
    return sock


def test_notify_sends_a_datagram_to_a_path_socket(tmp_path: Path):
    path = str(tmp_path / "notify")
    with _listener(path) as sock:
        assert notify("READY=1", {"NOTIFY_SOCKET": path})
        assert sock.recv(100) == b"READY=1"


def test_notify_understands_the_abstract_namespace():
    name = f"motcua-test-{os.getpid()}"
    with _listener("\0" + name) as sock:
        assert notify("STATUS=ok", {"NOTIFY_SOCKET": "@" + name})
        assert sock.recv(100) == b"STATUS=ok"


def test_without_systemd_notify_is_a_no_op():
    assert notify("READY=1", {}) is False
    assert watchdog_interval({}) is None
    assert watchdog_interval({"WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"}) is None  # for another process


def test_watchdog_pings_at_half_the_interval_while_healthy(tmp_path: Path):
    path = str(tmp_path / "notify")
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": str(os.getpid())}
    with _listener(path) as sock:
        dog = Watchdog(env=env).start()
        received = [sock.recv(100) for _ in range(3)]
        dog.stop()
        assert received == [b"READY=1", b"WATCHDOG=1", b"WATCHDOG=1"]
        rest = [sock.recv(100)]
        while rest[-1] != b"STOPPING=1":
            rest.append(sock.recv(100))


def test_an_unhealthy_app_stops_pinging(tmp_path: Path):
    path = str(tmp_path / "notify")
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000", "WATCHDOG_PID": str(os.getpid())}
    with _listener(path) as sock:
        dog = Watchdog(healthy=lambda: False, env=env).start()
        assert sock.recv(100) == b"READY=1"
        sock.settimeout(0.3)
        try:
            extra = sock.recv(100)
        except TimeoutError:
            extra = b""
        dog.stop()
        assert extra == b""
