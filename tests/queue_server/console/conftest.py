"""Staff console tests: the real queue server as a subprocess, one Chromium for the whole run.

Every test gets its own service (a fresh letter) and counter created through the admin API, so the
tests share one server without seeing each other's tickets.
"""

from __future__ import annotations

import itertools
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from chromium_browser import chromium
from site_process import SiteServer, create_token, seed_demo

playwright_sync = pytest.importorskip("playwright.sync_api")

FREE_LETTERS = "HIJKLMNOPQRSTUVWXYZ"  # the demo centre uses A–G


class ServerProcess(SiteServer):
    """``motcua server --demo`` on a free port with an admin and a kiosk token."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        super().__init__(data_dir, args=["--demo"], log=data_dir / "server.log", env=env)
        self.admin_token = ""
        self.kiosk_token = ""
        self.letters = itertools.count()  # each server (one per module) has every free letter to give

    @property
    def base_url(self) -> str:
        return self.base

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        seed_demo(self.data_dir)
        self.admin_token = create_token(self.data_dir, "admin", label="tests")
        super().start(timeout)
        self.kiosk_token = self.create_token("kiosk", label="tests-kiosk")
        return self

    def create_token(self, role: str, counter_id: str | None = None, label: str = "") -> str:
        body: dict[str, Any] = {"role": role, "label": label}
        if counter_id is not None:
            body["counter_id"] = counter_id
        r = httpx.post(f"{self.base_url}/api/v1/admin/tokens", json=body, headers=self.auth(self.admin_token))
        r.raise_for_status()
        return str(r.json()["token"])

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


@dataclass
class Desk:
    """A counter serving one service of its own, with its counter token."""

    server: ServerProcess
    counter_id: str
    service: str
    letter: str
    name_vi: str
    token: str

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        return httpx.request(
            method,
            f"{self.server.base_url}/api/v1{path}",
            headers=ServerProcess.auth(token or self.server.admin_token),
            timeout=10,
            **kwargs,
        )

    def issue(self, priority: str | None = None, service: str | None = None) -> dict[str, Any]:
        r = httpx.post(
            f"{self.server.base_url}/api/v1/tickets",
            json={"service": service or self.service, "priority": priority, "lang": "vi"},
            headers={**ServerProcess.auth(self.server.kiosk_token), "Idempotency-Key": uuid.uuid4().hex},
            timeout=10,
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    def act(self, action: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        return self.api("POST", f"/counters/{self.counter_id}/{action}", token, **kwargs)

    def sign_in(self, staff: str = "NV09") -> None:
        assert self.act("sign-in", json={"staff_id": staff}).status_code == 200

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        return dict(httpx.get(f"{self.server.base_url}/api/v1/tickets/{ticket_id}", timeout=10).json())

    def counter_url(self, staff: str = "NV01") -> str:
        return f"{self.server.base_url}/console/counter#counter={self.counter_id}&token={self.token}&staff={staff}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("console-site")
    srv = ServerProcess(data_dir).start()
    try:
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(server: ServerProcess) -> Iterator[Any]:
    # Depends on ``server`` so that the browser (and its open event streams) closes first. Module scope:
    # Playwright's sync API keeps an event loop running on the main thread until it stops.
    with chromium() as b:
        yield b


@pytest.fixture
def desk(server: ServerProcess) -> Desk:
    """A fresh service (own letter) and a counter serving only it."""
    index = next(server.letters)
    assert index < len(FREE_LETTERS), "too many desks for the free letters"
    letter = FREE_LETTERS[index]
    code = f"Q{letter}"
    name_vi = f"Thủ tục thử nghiệm {letter}"
    headers = ServerProcess.auth(server.admin_token)
    r = httpx.put(
        f"{server.base_url}/api/v1/services/{code}",
        headers=headers,
        json={
            "letter": letter,
            "name_vi": name_vi,
            "name_en": f"Test procedure {letter}",
            "default_service_min": 5,
        },
    )
    assert r.status_code == 200, r.text
    counter_id = f"T{letter}"
    r = httpx.put(
        f"{server.base_url}/api/v1/counters/{counter_id}",
        headers=headers,
        json={
            "name_vi": f"Quầy {counter_id}",
            "name_en": f"Counter {counter_id}",
            "services": [code],
            "area_vi": f"Quầy {counter_id} – Tầng 3",
            "area_en": f"Counter {counter_id} – Floor 3",
        },
    )
    assert r.status_code == 200, r.text
    token = server.create_token("counter", counter_id=counter_id, label=f"desk {counter_id}")
    return Desk(server, counter_id, code, letter, name_vi, token)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (own storage) at 1366×768; fails the test on any JavaScript error."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    context.set_default_timeout(8000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture
def open_counter(page: Any) -> Any:
    """Open the counter page through the #counter=…&token=…&staff=… link and wait until it is open."""

    def _open(desk: Desk, staff: str = "NV01") -> Any:
        page.goto(desk.counter_url(staff))
        playwright_sync.expect(page.locator("#status")).to_have_text("Đang mở")
        return page

    return _open
