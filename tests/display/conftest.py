"""Fixtures of the display tests: a real mosquitto, a publisher, and display apps in subprocesses."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from motcua.broker import BrokerProcess, start_broker
from motcua.contract.mqtt import (
    CallEvent,
    CounterState,
    QueueSummary,
    RecentCall,
    ServiceWaiting,
    ServingTicket,
    encode_payload,
)
from motcua.mqttclient import MqttConnection

HARNESS = Path(__file__).with_name("harness.py")


def offscreen_env(kivy_home: Path) -> dict[str, str]:
    """Environment of an offscreen Kivy process (SDL_VIDEODRIVER=dummy has no GL: offscreen it is)."""
    env = dict(os.environ)
    env.update(
        SDL_VIDEODRIVER="offscreen",
        SDL_AUDIODRIVER="dummy",
        KIVY_WINDOW="sdl2",
        KIVY_NO_ARGS="1",
        KIVY_HOME=str(kivy_home),
        KIVY_NO_CONSOLELOG="1",
        KIVY_LOG_MODE="PYTHON",
    )
    return env


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerProcess]:
    """One real mosquitto for the session."""
    process = start_broker(tmp_path_factory.mktemp("mosquitto"), kind="mosquitto")
    yield process
    process.stop()


@pytest.fixture
def site() -> str:
    """A unique site per test: retained messages of one test never reach another."""
    return f"t-{uuid.uuid4().hex[:10]}"


class Publisher:
    """Publishes contract payloads (QoS 1) and builds them with sensible defaults."""

    def __init__(self, url: str, site: str) -> None:
        self.site = site
        self.connection = MqttConnection(url)
        self.connection.start()
        assert self.connection.wait_connected(10)
        self.seq = 100

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        self.connection.publish(topic, payload, retain=retain).wait_for_publish(5)

    def call(self, number: str, counter: str = "5", *, seq: int | None = None, **fields: Any) -> CallEvent:
        if seq is None:
            self.seq += 1
            seq = self.seq
        values: dict[str, Any] = {
            "site": self.site, "seq": seq, "ticket_id": f"t-{number}-{seq}", "number": number,
            "service": "HT", "service_name_vi": "Hộ tịch", "service_name_en": "Civil status",
            "counter_id": counter, "counter_name_vi": f"Quầy {counter}", "counter_name_en": f"Counter {counter}",
            "called_at": datetime.now(UTC),
        }  # fmt: skip
        values.update(fields)
        return CallEvent(**values)

    def counter_state(self, counter: str, status: str, serving: str | None, *, seq: int) -> CounterState:
        now = datetime.now(UTC)
        ticket = (
            ServingTicket(ticket_id="x", number=serving, service="HT", status="serving", called_at=now)
            if serving
            else None
        )
        return CounterState(
            site=self.site, seq=seq, counter_id=counter, counter_name_vi=f"Quầy {counter}",
            counter_name_en=f"Counter {counter}", status=status, serving=ticket, updated_at=now,
        )  # fmt: skip

    def summary(self, recent: list[tuple[str, str]], *, seq: int, waiting: int = 7) -> QueueSummary:
        now = datetime.now(UTC)
        services = [
            ServiceWaiting(code="HT", letter="A", name_vi="Hộ tịch", name_en="Civil status", waiting=waiting,
                           priority_waiting=1, estimated_wait_min=12.0),
            ServiceWaiting(code="DD", letter="B", name_vi="Đất đai", name_en="Land", waiting=3,
                           priority_waiting=0, estimated_wait_min=20.0),
            ServiceWaiting(code="KD", letter="C", name_vi="Đăng ký kinh doanh", name_en="Business registration",
                           waiting=0, priority_waiting=0, estimated_wait_min=0.0),
        ]  # fmt: skip
        calls = [
            RecentCall(number=number, counter_id=counter, counter_name_vi=f"Quầy {counter}",
                       counter_name_en=f"Counter {counter}", called_at=datetime.fromtimestamp(now.timestamp() - 60 * (i + 1), UTC))
            for i, (number, counter) in enumerate(recent)
        ]  # fmt: skip
        return QueueSummary(site=self.site, seq=seq, updated_at=now, services=services, recent_calls=calls)

    def send(self, topic: str, payload: Any, *, retain: bool = False) -> None:
        self.publish(topic, encode_payload(payload), retain=retain)

    def stop(self) -> None:
        self.connection.stop()


@pytest.fixture
def publisher(broker: BrokerProcess, site: str) -> Iterator[Publisher]:
    pub = Publisher(broker.url, site)
    yield pub
    pub.stop()


class DisplayProcess:
    """A display app in a child process, offscreen; ``request`` sends a command and waits for the reply."""

    def __init__(self, settings: dict[str, Any], kivy_home: Path, log: Path) -> None:
        kivy_home.mkdir(parents=True, exist_ok=True)
        self.log_path = log
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(HARNESS), json.dumps(settings)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=offscreen_env(kivy_home),
            text=True,
            encoding="utf-8",
        )
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._replies.get(timeout=60)
        assert ready.get("ready"), ready

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("@@CTL "):
                self._replies.put(json.loads(line[6:]))

    def request(self, cmd: str, **fields: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **fields}) + "\n")
        self.process.stdin.flush()
        reply = self._replies.get(timeout=20)
        assert reply.get("ok"), reply
        return reply

    def texts(self) -> dict[str, Any]:
        return self.request("texts")["texts"]

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0) -> dict[str, Any]:
        """Poll the screen until ``predicate(texts)``; return the texts (fail with the last ones)."""
        deadline = time.monotonic() + timeout
        texts = self.texts()
        while not predicate(texts):
            if time.monotonic() > deadline:
                pytest.fail(f"screen never matched; last texts: {texts}")
            time.sleep(0.05)
            texts = self.texts()
        return texts

    def errors(self) -> list[str]:
        return list(self.request("texts")["errors"])

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.request("quit")
                self.process.wait(10)
            except Exception:
                self.process.kill()
                self.process.wait(5)
        self._log.close()


@pytest.fixture
def display_factory(tmp_path: Path) -> Iterator[Callable[..., DisplayProcess]]:
    """Start display processes; all are stopped at the end of the test."""
    started: list[DisplayProcess] = []

    def start(**settings: Any) -> DisplayProcess:
        settings.setdefault("windowed", True)
        settings.setdefault("audio_dir", str(tmp_path / f"audio{len(started)}"))
        process = DisplayProcess(settings, tmp_path / f"kivy{len(started)}", tmp_path / f"display{len(started)}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
