"""The provincial monitor's API docs in headless Chromium, offline: Swagger UI at /docs and ReDoc at /redoc.

A real ``motcua monitor`` (with its dashboard) on 127.0.0.2 (a loopback address that is not "localhost", as
the province's address would not be). The browser lets through only requests to that server and records
every other one: the pages must render every operation of ``/openapi.json`` (OpenAPI 3.1) with no request
leaving the server.
Screenshots go to ``$MOTCUA_API_DOCS_SHOTS`` when set, else to the test's temporary folder.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_docs_check import check_redoc, check_swagger_ui, offline_page, shot
from chromium_browser import chromium
from site_process import MOTCUA

from motcua.runtime.broker import free_port

HOST = "127.0.0.2"
KNOWN_PATHS = {"/api/v1/ingest", "/api/v1/store/events", "/api/v1/store/alerts", "/api/v1/dashboard/overview"}


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/api/v1/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``motcua monitor`` on HOST, a free port and a fresh SQLite store; its base URL once it is healthy."""
    data = tmp_path_factory.mktemp("api-docs-monitor")
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = data / "monitor.log"
    cmd = [*MOTCUA, "monitor", "--data-dir", str(data), "--host", HOST, "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not _healthy(base):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"motcua monitor not healthy (exit {process.poll()}): {log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def spec(server: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{server}/openapi.json", timeout=10).json()
    return answer


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def offline(browser: Any, server: str) -> Iterator[tuple[Any, list[str]]]:
    with offline_page(browser, server) as page_and_elsewhere:
        yield page_and_elsewhere


def test_swagger_ui_renders_every_operation_offline(
    offline: tuple[Any, list[str]], server: str, spec: dict[str, Any], tmp_path: Path
) -> None:
    page, elsewhere = offline
    check_swagger_ui(page, server, spec, title="motcua provincial monitor", known=KNOWN_PATHS)
    shot(page, "monitor-docs.png", tmp_path)
    assert elsewhere == []


def test_redoc_renders_every_operation_offline(
    offline: tuple[Any, list[str]], server: str, spec: dict[str, Any], tmp_path: Path
) -> None:
    page, elsewhere = offline
    check_redoc(page, server, spec, title="motcua provincial monitor")
    shot(page, "monitor-redoc.png", tmp_path)
    assert elsewhere == []
