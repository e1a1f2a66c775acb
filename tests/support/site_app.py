"""A site in-process: demo data, the FastAPI app behind a ``TestClient``, tokens per role, a hand-moved clock.

    with open_site(tmp_path) as site:
        ticket = site.issue("HT")
        site.act("1", "sign-in", staff_id="NV01")
        site.clock.advance(5)

Tokens: ``kiosk``, ``display``, ``admin``, and ``counter1``, ``counter2``, ``counter4``; the clock starts
on Monday 30 November 2026, 08:00 in Hanoi. A folder's conftest may pass a subclass of ``Site`` with
helpers of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from fastapi.testclient import TestClient
from manual_clock import Clock

from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database

START = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 08:00 in Hanoi, a Monday


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

    def issue(self, service: str = "HT", priority: str | None = None, key: str | None = None) -> dict[str, Any]:
        """A ticket from the kiosk (a fresh Idempotency-Key unless ``key``); asserts 201."""
        r = self.client.post(
            "/api/v1/tickets",
            json={"service": service, "priority": priority, "lang": "vi"},
            headers=self.headers("kiosk", key or uuid.uuid4().hex),
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    def act(self, counter: str, action: str, **body: object) -> httpx.Response:
        """``POST /api/v1/counters/{counter}/{action}`` with that counter's token; the response, unchecked."""
        response: httpx.Response = self.client.post(
            f"/api/v1/counters/{counter}/{action}", json=body or None, headers=self.headers(f"counter{counter}")
        )
        return response


S = TypeVar("S", bound=Site)


@contextmanager
def open_site(
    data_dir: Path,
    site_class: type[S] = Site,  # type: ignore[assignment]
    *,
    roles: tuple[str, ...] = ("kiosk", "display", "admin"),
    **settings_overrides: Any,
) -> Iterator[S]:
    """The site of ``data_dir`` (site id ``test-site`` unless overridden, no MQTT), open for the ``with`` block.

    ``roles``: the tokens made besides counters 1, 2 and 4; ``settings_overrides``: ServerSettings fields.
    """
    settings = ServerSettings(**{"data_dir": data_dir, "site_id": "test-site", **settings_overrides})
    db = open_database(data_dir)
    try:
        seed_demo(db)
        clock = Clock(START)
        service = QueueService(db, settings.site_id, settings.queue_config(), clock=clock)
        tokens = {role: create_token(db, role) for role in roles}
        for cid in ("1", "2", "4"):
            tokens[f"counter{cid}"] = create_token(db, "counter", counter_id=cid)
        app = create_app(settings, service=service, with_mqtt=False)
        with TestClient(app) as client:
            yield site_class(client, service, clock, tokens, data_dir)
    finally:
        db.close()
