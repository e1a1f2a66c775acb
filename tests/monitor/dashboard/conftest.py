"""Fixtures of the dashboard tests: a small simulated province in a real SQLite store, a real server."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chromium_browser import chromium
from monitor_dashboard_helpers import NOW, Clock, free_port, profiles


@pytest.fixture(scope="session")
def province_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store file holding 3 weeks of six simulated sites up to NOW (generated once per session)."""
    from monitor.generator import generate
    from monitor.store import open_store

    path = tmp_path_factory.mktemp("province") / "monitor.db"
    store = open_store(f"sqlite:///{path}", clock=lambda: NOW)  # batches received at NOW, as the history ends
    generate(store, weeks=3, now=NOW, profiles=profiles())
    store.close()
    return str(path)


@pytest.fixture
def clock() -> Clock:
    """The test's clock (NOW, then running with real time), shared by the store and the dashboard."""
    return Clock()


@pytest.fixture
def store(province_db: str, tmp_path: Any, clock: Clock) -> Iterator[Any]:
    """A private copy of the province store (tests ingest into it), receiving on the test's clock."""
    import shutil

    from monitor.store import open_store

    path = tmp_path / "monitor.db"
    shutil.copy(province_db, path)
    opened = open_store(f"sqlite:///{path}", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def server(store: Any, clock: Clock) -> Iterator[str]:
    """The dashboard on a real uvicorn server (in a thread) over the test's store; yields its base URL."""
    import httpx
    import uvicorn
    from fastapi import FastAPI

    from monitor.dashboard import mount

    app = FastAPI()
    mount(app, store, clock=clock, refresh_seconds=0.3)
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, name="uvicorn-dashboard", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/v1/dashboard/status", timeout=2).json().get("ready"):
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    yield base
    uv.should_exit = True
    thread.join(timeout=10)
    app.state.dashboard.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (per module: its sync API keeps an event loop running)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page; the test fails on any uncaught script error of the page."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()
    assert errors == []
