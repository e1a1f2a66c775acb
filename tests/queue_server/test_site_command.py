"""`motcua site --demo`: one command starts broker + server, prints the URLs, Ctrl-C stops it all."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

import httpx
from site_process import healthy
from waiting import wait_until

from motcua.runtime.broker import free_port
from queue_server.demo import DEMO_COUNTERS, seed_demo
from queue_server.store.db import open_database


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_site_starts_everything_prints_urls_and_stops_cleanly_on_ctrl_c(tmp_path):
    port, broker_port = free_port(), free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "motcua.cli",
            "site",
            "--demo",
            "--data-dir",
            str(tmp_path),
            "--port",
            str(port),
            "--broker-port",
            str(broker_port),
            "--no-kiosk",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until(lambda: healthy(f"http://127.0.0.1:{port}", 0.5), 30, "the site's server", interval=0.1)
        assert _port_open(broker_port), "the broker is not listening"
        assert len(httpx.get(f"http://127.0.0.1:{port}/api/v1/services").json()) == 7
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert f"http://127.0.0.1:{port}/console/" in output and f"http://127.0.0.1:{port}/docs" in output
    assert "Counter 1" in output and "token=mc_" in output
    assert f"kept in {tmp_path / 'demo-tokens.json'}" in output
    assert "motcua site stopped." in output
    assert not _port_open(broker_port) and not _port_open(port)


def test_demo_seed_is_idempotent(tmp_path):
    db = open_database(tmp_path)
    seed_demo(db)
    seed_demo(db)
    assert db.query("SELECT COUNT(*) AS n FROM counters")[0]["n"] == len(DEMO_COUNTERS)
    assert db.query("SELECT COUNT(*) AS n FROM services")[0]["n"] == 7
