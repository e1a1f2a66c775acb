"""Fixtures: a province mosquitto, a site mosquitto bridged to it, the monitor's MQTT ingest, agents."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from site_process import SiteServer, create_token, seed_demo
from waiting import eventually

from edge_agent.bridge import BridgedBroker, start_bridged_broker
from monitor.alerts import AlertEngine
from monitor.ingest.mqtt import MqttIngest
from monitor.ingest.service import IngestService
from monitor.store import Store, open_store
from motcua.contract.mqtt import EventEnvelope, encode_payload, topic_events
from motcua.runtime.broker import BrokerProcess, mosquitto_path, start_broker
from motcua.runtime.mqtt import MqttConnection

MOTCUA = [sys.executable, "-m", "motcua.cli"]


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    return bool(eventually(predicate, timeout))


def outbox_tickets(path: Path) -> int:
    """Ticket events waiting in an agent's outbox (read-only, beside the running agent)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.OperationalError:  # not created yet
        return 0
    try:
        return int(conn.execute("SELECT COUNT(*) FROM outbox WHERE type = 'ticket.issued'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


@dataclass
class Uplink:
    """A site bridged to a province, with the monitor ingesting from the province broker."""

    site: str
    tmp: Path
    province: BrokerProcess
    site_broker: BridgedBroker
    store: Store
    ingest: MqttIngest
    agents: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def agent_ready(self) -> bool:
        """Wait until an agent's heartbeat (device ``site-server``) has reached the monitor."""
        return wait_until(lambda: any(d.device_id == "site-server" for d in self.store.devices(self.site)))

    def agent_log(self, index: int = -1) -> str:
        """What the ``index``-th agent started (the last by default) has logged so far."""
        return (self.tmp / f"agent-{index % len(self.agents)}.log").read_text(errors="replace")

    def start_agent(self, *extra: str, data_dir: Path | None = None) -> subprocess.Popen[bytes]:
        data_dir = data_dir or self.tmp / "agent"
        log = open(self.tmp / f"agent-{len(self.agents)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [
                *MOTCUA,
                "agent",
                "--data-dir",
                str(data_dir),
                "--site",
                self.site,
                "--broker",
                self.site_broker.url,
                "--heartbeat",
                "1",
                "--kpi-interval",
                "2",
                *extra,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MOTCUA_AGENT_ACK_TIMEOUT_S": "2", "MOTCUA_AGENT_RETRY_MAX_S": "1"},
        )
        self.agents.append(proc)
        return proc

    def publisher(self) -> SitePublisher:
        return SitePublisher(self.site, self.site_broker.url)


class SitePublisher:
    """Plays the queue server's publisher: site events on motcua/{site}/events, QoS 1, awaited PUBACK."""

    def __init__(self, site: str, url: str) -> None:
        self.site = site
        self.conn = MqttConnection(url)
        self.conn.start()
        assert self.conn.wait_connected(10)
        self.seq = 0

    def ticket(self, event_type: str = "ticket.issued", **data: object) -> int:
        self.seq += 1
        now = datetime.now(UTC)
        payload = {
            "ticket_id": f"t{self.seq}",
            "number": f"A{self.seq:03d}",
            "service": "HT",
            "priority": None,
            "day": now.date().isoformat(),
            "issued_at": now.isoformat(),
            "queued_at": now.isoformat(),
            "counter_id": None,
            "staff_id": None,
            "recall_count": 0,
        }
        payload.update(data)
        envelope = EventEnvelope(site=self.site, seq=self.seq, type=event_type, at=now, data=payload)
        info = self.conn.publish(topic_events(self.site), encode_payload(envelope), qos=1)
        info.wait_for_publish(10)
        return self.seq

    def tickets(self, count: int) -> int:
        """``count`` ``ticket.issued`` events; returns ``count``."""
        for _ in range(count):
            self.ticket()
        return count

    def close(self) -> None:
        self.conn.stop()


@pytest.fixture
def uplink(tmp_path: Path) -> Iterator[Uplink]:
    assert mosquitto_path(), "mosquitto is not installed"
    site = f"s{uuid.uuid4().hex[:8]}"
    province = start_broker(tmp_path / "province", kind="mosquitto")
    site_broker = start_bridged_broker(tmp_path / "site-broker", site, province.url)
    store = open_store(f"sqlite:///{tmp_path / 'monitor.db'}")
    service = IngestService(store, AlertEngine(store))
    ingest = MqttIngest(province.url, service, client_id=f"monitor-{site}")
    ingest.start()
    assert ingest.connection.wait_connected(10)
    up = Uplink(site, tmp_path, province, site_broker, store, ingest)
    yield up
    for proc in up.agents:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
    ingest.stop()
    store.close()
    site_broker.stop()
    province.stop()


def start_queue_server(data_dir: Path, broker_url: str, site: str) -> tuple[subprocess.Popen[bytes], str, str]:
    """A real ``motcua server`` with the demo catalogue; returns (process, base URL, kiosk token)."""
    seed_demo(data_dir)
    kiosk = create_token(data_dir, "kiosk")
    server = SiteServer(data_dir, args=["--broker", broker_url, "--site", site]).start()
    assert server.process is not None
    return server.process, server.base, kiosk


class Helpers:
    """Helper functions for the tests of this folder (conftest is not importable under importlib mode)."""

    wait_until = staticmethod(wait_until)
    outbox_tickets = staticmethod(outbox_tickets)
    start_queue_server = staticmethod(start_queue_server)
    MOTCUA = MOTCUA


@pytest.fixture
def helpers() -> type[Helpers]:
    return Helpers
