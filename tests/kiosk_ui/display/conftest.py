"""Fixtures of the display tests: a real mosquitto, a publisher, and display apps in subprocesses."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from kivy_process import KivyProcess

from motcua.contract.mqtt import (
    CallEvent,
    CounterState,
    QueueSummary,
    RecentCall,
    ServiceWaiting,
    ServingTicket,
    encode_payload,
)
from motcua.runtime.broker import BrokerProcess, start_broker
from motcua.runtime.mqtt import MqttConnection

HARNESS = Path(__file__).with_name("harness.py")


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


class DisplayProcess(KivyProcess):
    """A display app in a child process, offscreen; ``request`` sends a command and waits for the reply."""

    def __init__(self, settings: dict[str, Any], kivy_home: Path, log: Path) -> None:
        super().__init__(HARNESS, settings, kivy_home, log, reply_timeout=20)

    def texts(self) -> dict[str, Any]:
        return self.request("texts")["texts"]

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0) -> dict[str, Any]:
        """Poll the screen until ``predicate(texts)``; return the texts (fail with the last ones)."""
        return self.poll(self.texts, predicate, timeout, lambda texts: f"texts: {texts}", what="screen")

    def errors(self) -> list[str]:
        return list(self.request("texts")["errors"])


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
