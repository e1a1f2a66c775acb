"""Real components for the replay, load and fault runs: a broker, the server (in-process or a subprocess), displays.

Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from motcua.contract.mqtt import (
    CallEvent,
    CounterState,
    QueueSummary,
    decode_payload,
    topic_call,
    topic_counter_states,
    topic_queue_summary,
)
from motcua.runtime.broker import BrokerProcess, free_port, start_broker
from simulation.scenario import Scenario

logger = logging.getLogger(__name__)
MOTCUA = [sys.executable, "-m", "motcua.cli"]


def seed_scenario(
    data_dir: Path, scenario: Scenario, roles: tuple[str, ...] = ("kiosk", "admin"), *, kiosks: int = 8
) -> dict[str, str]:
    """Create the database with the scenario's services and counters; tokens per role and per counter.

    A site has one token per kiosk, and the server limits tickets per kiosk token, so ``kiosk:{i}``
    tokens are made for ``kiosks`` simulated kiosks (``kiosk`` is the first of them).
    """
    from queue_server.auth import create_token
    from queue_server.store import repo
    from queue_server.store.db import open_database

    db = open_database(data_dir)
    try:
        with db.transaction() as conn:
            for position, spec in enumerate(scenario.services):
                repo.upsert_service(conn, spec.service(), position)
            for position, counter in enumerate(scenario.counters):
                repo.upsert_counter(conn, counter.counter(), position)
        tokens = {role: create_token(db, role) for role in roles}
        if "kiosk" in roles:
            tokens["kiosk:0"] = tokens["kiosk"]
            for index in range(1, kiosks):
                tokens[f"kiosk:{index}"] = create_token(db, "kiosk", label=f"kiosk {index}")
        for counter in scenario.counters:
            tokens[f"counter:{counter.id}"] = create_token(db, "counter", counter_id=counter.id)
    finally:
        db.close()
    return tokens


def wait_healthy(base: str, timeout: float = 20.0) -> bool:
    """True once ``/api/v1/healthz`` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/api/v1/healthz", timeout=0.5).status_code == 200:
                return True
        time.sleep(0.05)
    return False


@dataclass
class InProcessServer:
    """The FastAPI app served by uvicorn in a thread, with an injected clock."""

    data_dir: Path
    site_id: str
    config: Any
    clock: Callable[[], datetime]
    broker_url: str | None = None
    port: int = field(default_factory=free_port)
    # The per-kiosk rate limit runs on wall time; a replay compresses time, so it scales the limit with it.
    time_factor: float = 1.0
    _server: Any = None
    _thread: threading.Thread | None = None
    service: Any = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:port``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> InProcessServer:
        """Build the app and serve it until ``stop``."""
        import uvicorn

        from queue_server.app import create_app
        from queue_server.service import QueueService
        from queue_server.settings import ServerSettings
        from queue_server.store.db import open_database

        settings = ServerSettings(
            data_dir=self.data_dir,
            site_id=self.site_id,
            broker_url=self.broker_url,
            port=self.port,
            ticket_rate_per_min=30.0 * self.time_factor,
            ticket_burst=max(10, int(10 * self.time_factor)),
        )
        self.service = QueueService(open_database(self.data_dir), self.site_id, self.config, clock=self.clock)
        app = create_app(settings, service=self.service)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sim-uvicorn", daemon=True)
        self._thread.start()
        if not wait_healthy(self.base):
            raise RuntimeError("in-process server did not start")
        return self

    def stop(self) -> None:
        """Stop serving and close the database."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(15)
        if self.service is not None:
            self.service.db.close()


@dataclass
class ServerProcess:
    """``motcua server`` as a child process (what kill -9 hits)."""

    data_dir: Path
    site_id: str
    broker_url: str | None = None
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] | None = None

    @property
    def base(self) -> str:
        """``http://127.0.0.1:port``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> ServerProcess:
        """Start and wait until healthy."""
        cmd = [*MOTCUA, "server", "--data-dir", str(self.data_dir), "--port", str(self.port), "--site", self.site_id]
        if self.broker_url:
            cmd += ["--broker", self.broker_url]
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env)
        if not wait_healthy(self.base, timeout):
            self.kill()
            raise RuntimeError("server did not start")
        return self

    def kill(self) -> None:
        """SIGKILL, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    @property
    def pid(self) -> int:
        """Process id of the server."""
        assert self.process is not None
        return self.process.pid


class DisplayProbe:
    """A display's view of the site from MQTT: retained counter states and queue summary, calls.

    Decodes exactly as a display does (``decode_payload``); a payload that does not decode is counted and
    dropped, and the view-models of ``kiosk_ui.core.display_state`` are fed what decodes.
    """

    def __init__(self, broker_url: str, site: str) -> None:
        from kiosk_ui.core.announce import AnnouncementQueue
        from kiosk_ui.core.display_state import WaitingRoomModel
        from motcua.runtime.mqtt import MqttConnection

        self.site = site
        self.states: dict[str, CounterState] = {}
        self.summary: QueueSummary | None = None
        self.calls: list[CallEvent] = []
        self.rejected = 0
        self.errors: list[str] = []
        self.room = WaitingRoomModel(AnnouncementQueue())
        self.lock = threading.Lock()
        self.connection = MqttConnection(broker_url, client_id=f"sim-display-{free_port()}")
        self.connection.subscribe(topic_counter_states(site), self._on_state)
        self.connection.subscribe(topic_queue_summary(site), self._on_summary)
        self.connection.subscribe(topic_call(site), self._on_call)

    def start(self) -> DisplayProbe:
        """Connect (and receive the retained state)."""
        self.connection.start()
        self.connection.wait_connected(10)
        return self

    def stop(self) -> None:
        """Disconnect."""
        self.connection.stop()

    def _decode(self, model: type[Any], payload: bytes) -> Any:
        try:
            return decode_payload(model, payload)
        except ValueError:
            with self.lock:
                self.rejected += 1
            return None

    def _guard(self, apply: Callable[[], Any]) -> None:
        try:
            apply()
        except Exception as exc:  # a view-model that raises is the failure this probe exists to find
            with self.lock:
                self.errors.append(repr(exc))

    def _on_state(self, topic: str, payload: bytes, retained: bool) -> None:
        state = self._decode(CounterState, payload)
        if state is not None:
            with self.lock:
                self.states[state.counter_id] = state

    def _on_summary(self, topic: str, payload: bytes, retained: bool) -> None:
        summary = self._decode(QueueSummary, payload)
        if summary is not None:
            with self.lock:
                self.summary = summary
            self._guard(lambda: self.room.on_summary(summary))

    def _on_call(self, topic: str, payload: bytes, retained: bool) -> None:
        call = self._decode(CallEvent, payload)
        if call is not None:
            with self.lock:
                self.calls.append(call)
            self._guard(lambda: self.room.on_call(call, datetime.now(UTC)))

    def view(self) -> dict[str, tuple[str, str | None]]:
        """What the display shows per counter: status and the number called or served."""
        with self.lock:
            return {cid: (s.status, s.serving.number if s.serving else None) for cid, s in self.states.items()}


def server_view(base: str, token: str) -> dict[str, tuple[str, str | None]]:
    """The server's truth per counter, in the display's terms."""
    r = httpx.get(f"{base}/api/v1/counters", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    r.raise_for_status()
    return {c["id"]: (c["status"], (c["current"] or {}).get("number")) for c in r.json()}


def displays_agree(probe: DisplayProbe, base: str, token: str, timeout: float = 10.0) -> bool:
    """True once the display shows what the server says (retained state caught up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            truth = server_view(base, token)
            shown = probe.view()
            if all(shown.get(cid) == state for cid, state in truth.items()):
                return True
        time.sleep(0.2)
    return False


def broker(data_dir: Path) -> BrokerProcess:
    """A mosquitto (or embedded) broker on a free loopback port."""
    return start_broker(data_dir)
