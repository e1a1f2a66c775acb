"""Fixtures of the feedback tests: a site with demo data, the app in-process, a settable clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from manual_clock import Clock

from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database

COMMENT = "Cán bộ quầy số một rất nhiệt tình, nhưng chờ hơi lâu - mã kiểm tra ZQX-4417"


@dataclass
class Site:
    client: TestClient
    service: QueueService
    clock: Clock
    tokens: dict[str, str]
    data_dir: Path

    def headers(self, role: str, key: str | None = None) -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.tokens[role]}"}
        if key:
            h["Idempotency-Key"] = key
        return h

    def issue(self, service: str = "HT") -> dict[str, Any]:
        r = self.client.post(
            "/api/v1/tickets",
            json={"service": service, "priority": None, "lang": "vi"},
            headers=self.headers("kiosk", uuid.uuid4().hex),
        )
        assert r.status_code == 201, r.text
        return r.json()

    def act(self, counter: str, action: str, **body: object) -> Any:
        r = self.client.post(
            f"/api/v1/counters/{counter}/{action}", json=body or None, headers=self.headers(f"counter{counter}")
        )
        assert r.status_code < 300, r.text
        return r

    def serve(self, counter: str = "1", service: str = "HT", minutes: float = 4.0) -> dict[str, Any]:
        """Issue a ticket, call, start and finish it at ``counter``; returns the ticket as issued."""
        ticket = self.issue(service)
        self.act(counter, "next")
        self.act(counter, "start")
        self.clock.advance(minutes)
        self.act(counter, "done")
        return ticket

    def feedback(self, body: dict[str, Any], key: str | None = None, role: str = "kiosk") -> Any:
        return self.client.post("/api/v1/feedback", json=body, headers=self.headers(role, key or uuid.uuid4().hex))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("MOTCUA_FEEDBACK_SELF_SCORE", "false")
    settings = ServerSettings(data_dir=tmp_path, site_id="test-site")
    db = open_database(tmp_path)
    seed_demo(db)
    clock = Clock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    service = QueueService(db, settings.site_id, settings.queue_config(), clock=clock)
    tokens = {role: create_token(db, role) for role in ("kiosk", "display", "admin")}
    for cid in ("1", "2", "4"):
        tokens[f"counter{cid}"] = create_token(db, "counter", counter_id=cid)
    app = create_app(settings, service=service, with_mqtt=False)
    with TestClient(app) as client:
        site = Site(client, service, clock, tokens, tmp_path)
        site.act("1", "sign-in", staff_id="NV01")
        site.act("2", "sign-in", staff_id="NV02")
        yield site
    db.close()
