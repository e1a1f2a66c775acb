"""Fixtures of the dashboard tests: a small simulated province in a real SQLite store, a real server, and
people signed in (the monitor requires login): the demo accounts the generator creates."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chromium_browser import chromium
from monitor_dashboard_helpers import NOW, Clock, free_port, profiles, sign_in_client, sign_in_page
from waiting import wait_until


@dataclass(frozen=True)
class Province:
    """The generated store file and the demo accounts' passwords (username -> password)."""

    path: str
    passwords: dict[str, str]
    managed: str  # the site demo-manager manages


@pytest.fixture(scope="session")
def province_db(tmp_path_factory: pytest.TempPathFactory) -> Province:
    """A store file holding 3 weeks of six simulated sites up to NOW and the demo accounts (once per session)."""
    from monitor.generator import generate
    from monitor.store import open_store

    path = tmp_path_factory.mktemp("province") / "monitor.db"
    store = open_store(f"sqlite:///{path}", clock=lambda: NOW)  # batches received at NOW, as the history ends
    report = generate(store, weeks=3, now=NOW, profiles=profiles(), accounts=True)
    store.close()
    (manager,) = [a for a in report.accounts if a.role == "site_manager"]
    assert manager.sites is not None
    return Province(str(path), {a.username: a.password for a in report.accounts}, manager.sites[0])


@pytest.fixture
def clock() -> Clock:
    """The test's clock (NOW, then running with real time), shared by the store and the dashboard."""
    return Clock()


@pytest.fixture
def store(province_db: Province, tmp_path: Any, clock: Clock) -> Iterator[Any]:
    """A private copy of the province store (tests ingest into it), receiving on the test's clock."""
    import shutil

    from monitor.store import open_store

    path = tmp_path / "monitor.db"
    shutil.copy(province_db.path, path)
    opened = open_store(f"sqlite:///{path}", clock=clock)
    yield opened
    opened.close()


def monitor_app(store: Any, clock: Any, **mount_options: Any) -> Any:
    """The monitor's app (``create_app``: ingest, store reads, access control) with the dashboard mounted."""
    from monitor.alerts import AlertEngine
    from monitor.auth import AuthService
    from monitor.dashboard import mount
    from monitor.ingest.http import create_app
    from monitor.ingest.service import IngestService

    app = create_app(store, IngestService(store, AlertEngine(store)), auth=AuthService(store, clock=clock))
    mount(app, store, clock=clock, **mount_options)
    return app


@pytest.fixture
def app(store: Any, clock: Clock) -> Iterator[Any]:
    """The monitor's app over the test's store, in-process (its first load on the first request)."""
    built = monitor_app(store, clock, refresh_seconds=0.0, warm=False)
    yield built
    built.state.dashboard.close()


def _client(app: Any) -> Any:
    from fastapi.testclient import TestClient

    # https: the session cookies are Secure (and __Host-), as they are in production
    return TestClient(app, base_url="https://testserver")


@pytest.fixture
def anonymous(app: Any) -> Iterator[Any]:
    """An in-process client that has not signed in."""
    with _client(app) as c:
        yield c


@pytest.fixture
def client(app: Any, province_db: Province) -> Iterator[Any]:
    """An in-process client signed in as the demo province operator (every site)."""
    with _client(app) as c:
        sign_in_client(c, "demo-operator", province_db.passwords["demo-operator"])
        yield c


@pytest.fixture
def manager(app: Any, province_db: Province) -> Iterator[Any]:
    """An in-process client signed in as the demo site manager (``province_db.managed`` only)."""
    with _client(app) as c:
        sign_in_client(c, "demo-manager", province_db.passwords["demo-manager"])
        yield c


@pytest.fixture
def viewer(app: Any, province_db: Province) -> Iterator[Any]:
    """An in-process client signed in as the demo viewer (every site, read-only, no export)."""
    with _client(app) as c:
        sign_in_client(c, "demo-viewer", province_db.passwords["demo-viewer"])
        yield c


@pytest.fixture
def server(store: Any, clock: Clock) -> Iterator[str]:
    """The monitor with its dashboard on a real uvicorn server (in a thread) over the test's store; its URL."""
    import uvicorn

    built = monitor_app(store, clock, refresh_seconds=0.3)
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(built, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, name="uvicorn-dashboard", daemon=True)
    thread.start()
    wait_until(lambda: uv.started and built.state.dashboard.ready, 30, "the dashboard's first load")
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    built.state.dashboard.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (per module: its sync API keeps an event loop running)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def anonymous_page(browser: Any) -> Iterator[Any]:
    """A fresh browser page, not signed in; the test fails on any uncaught script error of the page."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()
    assert errors == []


@pytest.fixture
def page(anonymous_page: Any, server: str, province_db: Province) -> Any:
    """A fresh browser page signed in as the demo province operator through the login page."""
    sign_in_page(anonymous_page, server, "demo-operator", province_db.passwords["demo-operator"])
    return anonymous_page
