"""Start an MQTT broker as a child process (mosquitto when on PATH, else amqtt), and keep it up.

:class:`BrokerSupervisor` watches the child: when it exits it is restarted with exponential back-off, each
step logged; after ``max_restarts`` failed restarts in a row it gives up and tells its owner, which exits
non-zero so that systemd restarts the whole site.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> bool:
    """True once something accepts TCP connections on host:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def mosquitto_path() -> str | None:
    """Path of the mosquitto binary, or None (Debian installs it in /usr/sbin)."""
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if Path(p).exists()), None
    )


def mosquitto_config(host: str, port: int, data_dir: Path, *, persistence: bool = True) -> str:
    """A minimal mosquitto 2.x config: one explicit listener, anonymous allowed (loopback demo)."""
    lines = [
        f"listener {port} {host}",
        "allow_anonymous true",
        f"persistence {'true' if persistence else 'false'}",
        f"persistence_location {data_dir}/",
        "autosave_interval 1",
        "max_queued_messages 10000",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
    ]
    if os.geteuid() == 0:
        # mosquitto drops root privileges to the 'mosquitto' user, which cannot write a data
        # directory private to root; the demo broker runs as the user who started the site.
        lines.append("user root")
    return "\n".join(lines) + "\n"


@dataclass
class BrokerProcess:
    """A broker child process on host:port."""

    host: str
    port: int
    kind: str
    data_dir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """``mqtt://host:port``."""
        return f"mqtt://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> BrokerProcess:
        """Start the broker and wait until it accepts connections."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.kind == "mosquitto":
            conf = self.data_dir / "mosquitto.conf"
            conf.write_text(mosquitto_config(self.host, self.port, self.data_dir))
            binary = mosquitto_path()
            if binary is None:
                raise RuntimeError("mosquitto is not installed")
            cmd = [binary, "-c", str(conf)]
        else:
            conf = self.data_dir / "amqtt.yaml"
            conf.write_text(
                "listeners:\n  default:\n    type: tcp\n"
                f"    bind: {self.host}:{self.port}\n"
                "plugins:\n  amqtt.plugins.authentication.AnonymousAuthPlugin:\n    allow_anonymous: true\n"
            )
            cmd = [sys.executable, "-m", "motcua.runtime.embedded_broker", str(conf)]
        self.process = process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not wait_for_port(self.host, self.port, 0.2):
            if process.poll() is not None or time.monotonic() > deadline:
                break
        # Listening and still alive: a port held by some other process does not count as our broker.
        if process.poll() is not None or not _accepts(self.host, self.port):
            code = process.poll()
            self.stop()
            state = f"exited with {code}" if code is not None else "not listening"
            raise RuntimeError(f"{self.kind} did not start on {self.host}:{self.port} ({state})")
        logger.info("%s broker listening on %s (pid %d)", self.kind, self.url, process.pid)
        return self

    @property
    def running(self) -> bool:
        """True while the child process is alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop the broker (SIGTERM, then SIGKILL after 5 s)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def restart(self, down_seconds: float = 0.0) -> None:
        """Stop and start again on the same port (for reconnect tests)."""
        self.stop()
        time.sleep(down_seconds)
        self.start()


class BrokerSupervisor:
    """Restart a broker child that exits: back-off ``backoff[0]`` doubling up to ``backoff[1]`` seconds.

    A run of ``stable_seconds`` resets the count; when ``max_restarts`` restarts in a row have failed (the
    broker does not come up, or exits again before it was stable), ``on_give_up`` is called once and the
    supervisor stops. ``stop`` ends the supervision and stops the broker.
    """

    def __init__(
        self,
        broker: BrokerProcess,
        *,
        max_restarts: int = 5,
        backoff: tuple[float, float] = (0.5, 10.0),
        stable_seconds: float = 30.0,
        on_give_up: Callable[[], None] | None = None,
        poll_seconds: float = 0.2,
    ) -> None:
        self.broker = broker
        self.max_restarts = max_restarts
        self.backoff = backoff
        self.stable_seconds = stable_seconds
        self.on_give_up = on_give_up
        self.poll_seconds = poll_seconds
        self.restarts = 0
        self.gave_up = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="broker-supervisor", daemon=True)

    def start(self) -> BrokerSupervisor:
        """Watch the (already started) broker in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching, then stop the broker."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(30)
        self.broker.stop()

    def _delay(self, failures: int) -> float:
        return float(min(self.backoff[1], self.backoff[0] * 2 ** (failures - 1)))

    def _run(self) -> None:
        failures = 0
        up_since = time.monotonic()
        while not self._stop.wait(self.poll_seconds):
            process = self.broker.process
            if process is None or process.poll() is None:
                continue
            if time.monotonic() - up_since >= self.stable_seconds:
                failures = 0
            logger.warning("%s broker (pid %d) exited with %s", self.broker.kind, process.pid, process.returncode)
            while True:
                failures += 1
                if failures > self.max_restarts:
                    logger.error(
                        "%s broker: %d restarts failed in a row; giving up", self.broker.kind, self.max_restarts
                    )
                    self.gave_up.set()
                    if self.on_give_up is not None:
                        self.on_give_up()
                    return
                delay = self._delay(failures)
                logger.warning(
                    "restarting the %s broker in %.1f s (attempt %d of %d)",
                    self.broker.kind,
                    delay,
                    failures,
                    self.max_restarts,
                )
                if self._stop.wait(delay):
                    return
                try:
                    self.broker.start()
                except (RuntimeError, OSError) as exc:
                    logger.warning("%s broker restart failed: %s", self.broker.kind, exc)
                    continue
                self.restarts += 1
                up_since = time.monotonic()
                break


def start_broker(
    data_dir: Path, *, host: str = "127.0.0.1", port: int | None = None, kind: str | None = None
) -> BrokerProcess:
    """Start mosquitto when available (or ``kind`` if given), else the embedded amqtt broker."""
    chosen = kind or ("mosquitto" if mosquitto_path() else "amqtt")
    return BrokerProcess(host, port or free_port(host), chosen, data_dir).start()
