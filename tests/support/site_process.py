"""A real ``motcua server`` as a child process, for tests and benchmarks.

    seed_demo(data)                                   # the demo centre (7 services, counters 1-9)
    kiosk = create_token(data, "kiosk")               # tokens through the admin CLI
    with SiteServer(data, log=data / "server.log") as server:   # a free port, started and healthy
        httpx.get(f"{server.base}/api/v1/services")
        published_everything(server.base, data)       # its MQTT publisher has caught up with its log

``start`` raises ``RuntimeError`` (with the end of the log) when the server exits or is not healthy in
time; ``stop`` sends SIGTERM, then SIGKILL; ``kill`` is SIGKILL (what ``test_kill9`` does) and
``start`` may be called again after either, on the same port and data.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from motcua.runtime.broker import free_port

MOTCUA: list[str] = [sys.executable, "-m", "motcua.cli"]
# Load from one kiosk token comes far faster than a citizen taps: these lift the per-kiosk rate limit.
UNLIMITED_TICKETS: dict[str, str] = {"MOTCUA_TICKET_RATE_PER_MIN": "1000000", "MOTCUA_TICKET_BURST": "1000000"}


def motcua(*args: str, timeout: float = 60) -> str:
    """Run the ``motcua`` CLI to completion; its stdout, stripped (raises on a non-zero exit)."""
    return subprocess.run([*MOTCUA, *args], check=True, capture_output=True, text=True, timeout=timeout).stdout.strip()


def seed_demo(data_dir: Path) -> None:
    """``motcua admin seed-demo``: the demo centre's services and counters in ``data_dir``."""
    motcua("admin", "seed-demo", "--data-dir", str(data_dir))


def create_token(data_dir: Path, role: str, *, counter: str | None = None, label: str | None = None) -> str:
    """``motcua admin create-token``: a new bearer token of ``role`` (a counter token needs ``counter``)."""
    args = ["admin", "create-token", "--data-dir", str(data_dir), "--role", role]
    if counter is not None:
        args += ["--counter", counter]
    if label is not None:
        args += ["--label", label]
    return motcua(*args).splitlines()[-1]


def healthy(base: str, timeout: float = 1.0) -> bool:
    """True when ``/api/v1/healthz`` answers 200 right now."""
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(f"{base}/api/v1/healthz", timeout=timeout).status_code == 200
    return False


def published_everything(base: str, data_dir: Path) -> bool:
    """The server at ``base`` (data in ``data_dir``) has had every event of its log acknowledged by the MQTT
    broker: its publisher's cursor has reached ``/api/v1/healthz``'s ``last_event_seq``."""
    last = httpx.get(f"{base}/api/v1/healthz", timeout=5).json()["last_event_seq"]
    conn = sqlite3.connect(f"file:{data_dir / 'queue.db'}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'mqtt_published_seq'").fetchone()
    finally:
        conn.close()
    return row is not None and int(row[0]) >= int(last)


class SiteServer:
    """``motcua server --data-dir DATA --port PORT [ARGS]`` on 127.0.0.1.

    ``args`` are extra server arguments (``--broker URL``, ``--site ID``, ``--demo``, ``--verbose``);
    ``env`` is added to this process's environment; with ``log`` its stdout and stderr go to that file
    (appended to across restarts), else nowhere.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        log: Path | None = None,
        port: int | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.args = list(args)
        self.env = {**os.environ, **(env or {})}
        self.log = log
        self.port = free_port() if port is None else port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server is not running"
        return self.process.pid

    def start(self, timeout: float = 30.0) -> SiteServer:
        """Start the server and wait until it answers ``/api/v1/healthz``."""
        cmd = [*MOTCUA, "server", "--data-dir", str(self.data_dir), "--port", str(self.port), *self.args]
        out: IO[bytes] | int = self.log.open("ab") if self.log is not None else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=self.env)
        finally:
            if not isinstance(out, int):
                out.close()  # the child has its own copy
        deadline = time.monotonic() + timeout
        while not healthy(self.base, timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                exited = self.process.poll()
                self.kill()
                state = f"exited with {exited}" if exited is not None else f"not healthy after {timeout:.0f} s"
                raise RuntimeError(f"motcua server {state}: {self.log_tail()}")
            time.sleep(0.05)  # polling, with a deadline
        return self

    def log_tail(self, chars: int = 2000) -> str:
        """The end of the server's log ("" without one)."""
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def kill(self) -> None:
        """SIGKILL, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        if self.process is not None:
            self.process.wait(10)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM; SIGKILL if it has not exited within ``timeout``."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def __enter__(self) -> SiteServer:
        return self.start() if self.process is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
