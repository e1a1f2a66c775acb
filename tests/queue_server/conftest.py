"""Fixtures: a site with demo data, the FastAPI app in-process, tokens per role, a settable clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from manual_clock import Clock

from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database


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

    def issue(self, service: str = "HT", priority: str | None = None, key: str | None = None) -> dict:
        import uuid

        r = self.client.post(
            "/api/v1/tickets",
            json={"service": service, "priority": priority, "lang": "vi"},
            headers=self.headers("kiosk", key or uuid.uuid4().hex),
        )
        assert r.status_code == 201, r.text
        return r.json()

    def act(self, counter: str, action: str, **body: object):
        return self.client.post(
            f"/api/v1/counters/{counter}/{action}", json=body or None, headers=self.headers(f"counter{counter}")
        )


@pytest.fixture
def site(tmp_path: Path) -> Site:
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
        yield Site(client, service, clock, tokens, tmp_path)
    db.close()
