"""A real ``motcua site --demo`` (broker child included) as a process, for tests of the site command.

    with SiteCommand(tmp_path) as site:            # free ports, started, URLs printed, healthy
        site.tokens()["kiosk"]                     # the demo tokens kept in DATA_DIR/demo-tokens.json
        site.broker_pid()                          # the broker child's pid

Output (stdout and stderr) goes to ``DATA_DIR/site.log``, appended across restarts. ``command`` replaces
the ``motcua site`` command line (e.g. ``bash scripts/site.sh``); the options after it are the same.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import httpx
import psutil
from site_process import MOTCUA
from waiting import wait_until

from motcua.runtime.broker import free_port

READY_LINE = "Ctrl-C stops the site."


def port_open(port: int) -> bool:
    """Something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class SiteCommand:
    """``motcua site --demo --data-dir DATA --port P --broker-port B --no-kiosk [ARGS]`` on 127.0.0.1."""

    def __init__(
        self,
        data_dir: Path,
        *,
        args: Sequence[str] = (),
        command: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
        port: int | None = None,
        broker_port: int | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.args = list(args)
        self.command = list(command) if command is not None else [*MOTCUA, "site", "--demo"]
        self.env = {**os.environ, **(env or {})}
        self.port = port or free_port()
        self.broker_port = broker_port or free_port()
        self.log = data_dir / "site.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log_start = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        data = [] if "MOTCUA_DATA_DIR" in self.env else ["--data-dir", str(self.data_dir)]
        ports = ["--port", str(self.port), "--broker-port", str(self.broker_port), "--no-kiosk"]
        return [*self.command, *data, *ports, *self.args]

    def start(self, timeout: float = 60.0) -> SiteCommand:
        """Start and wait until the URLs are printed and ``/api/v1/healthz`` answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._log_start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.argv(), stdout=out, stderr=subprocess.STDOUT, env=self.env)

        def ready() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"motcua site exited with {self.process.returncode}: {self.output()[-3000:]}")
            return READY_LINE in self.output() and self.healthy()

        wait_until(ready, timeout, "the site to start")
        return self

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base}/api/v1/healthz", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    def output(self) -> str:
        """What this start of the site has printed so far."""
        if not self.log.exists():
            return ""
        with self.log.open("rb") as handle:
            handle.seek(self._log_start)
            return handle.read().decode("utf-8", errors="replace")

    def tokens(self) -> dict[str, str]:
        """The demo tokens the site keeps."""
        data = json.loads((self.data_dir / "demo-tokens.json").read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data["tokens"].items()}

    def broker_pid(self) -> int:
        """The pid of the broker child (mosquitto), waiting for one to be running."""
        assert self.process is not None

        def find() -> int | None:
            try:
                children = psutil.Process(self.process.pid).children(recursive=True)  # type: ignore[union-attr]
            except psutil.NoSuchProcess:
                return None
            for child in children:
                try:
                    if "mosquitto" in child.name() and child.status() != psutil.STATUS_ZOMBIE:
                        return int(child.pid)
                except psutil.NoSuchProcess:
                    continue
            return None

        return int(wait_until(find, 30, "a running broker child"))

    def descendants(self) -> list[psutil.Process]:
        assert self.process is not None
        return list(psutil.Process(self.process.pid).children(recursive=True))

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30.0) -> int:
        """Send ``sig`` and wait for the exit; the exit status (SIGKILL after ``timeout``)."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        code = int(self.process.returncode)
        self.process = None
        return code

    def __enter__(self) -> SiteCommand:
        return self.start() if self.process is None else self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
