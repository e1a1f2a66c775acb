"""Start an MQTT broker as a child process: mosquitto when on PATH, else amqtt (embedded Python)."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
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
            cmd = [sys.executable, "-m", "motcua.embedded_broker", str(conf)]
        self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
        if not wait_for_port(self.host, self.port, timeout):
            self.stop()
            raise RuntimeError(f"{self.kind} did not start on {self.host}:{self.port}")
        logger.info("%s broker listening on %s", self.kind, self.url)
        return self

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


def start_broker(
    data_dir: Path, *, host: str = "127.0.0.1", port: int | None = None, kind: str | None = None
) -> BrokerProcess:
    """Start mosquitto when available (or ``kind`` if given), else the embedded amqtt broker."""
    chosen = kind or ("mosquitto" if mosquitto_path() else "amqtt")
    return BrokerProcess(host, port or free_port(host), chosen, data_dir).start()
