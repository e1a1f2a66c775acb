"""The queue server tells systemd it is ready and keeps pinging its watchdog (Type=notify units)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from motcua.runtime.broker import free_port


def test_server_sends_ready_and_watchdog_pings_to_notify_socket(tmp_path):
    sock_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(30)
    subprocess.run([sys.executable, "-m", "motcua.cli", "admin", "seed-demo", "--data-dir", str(tmp_path)], check=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua.cli", "server", "--data-dir", str(tmp_path), "--port", str(free_port())],
        env={**__import__("os").environ, "NOTIFY_SOCKET": str(sock_path), "WATCHDOG_USEC": "1000000"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        messages = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and messages.count(b"WATCHDOG=1") < 2:
            messages.append(sock.recv(1024))
        assert messages[0] == b"READY=1"
        assert messages.count(b"WATCHDOG=1") >= 2
    finally:
        proc.terminate()
        proc.wait(10)
        sock.close()
