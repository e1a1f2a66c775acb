"""The site server's API docs in headless Chromium, offline: Swagger UI at /docs and ReDoc at /redoc.

A real ``motcua server`` on 127.0.0.2 (a loopback address that is not "localhost", as a centre's LAN address
would not be). The browser lets through only requests to that server and records every other one: the pages
must render every operation of ``/openapi.json`` (OpenAPI 3.1) with no request leaving the server.
Screenshots go to ``$MOTCUA_API_DOCS_SHOTS`` when set, else to the test's temporary folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_docs_check import check_redoc, check_swagger_ui, offline_page, shot
from chromium_browser import chromium
from site_process import SiteServer

HOST = "127.0.0.2"
KNOWN_PATHS = {"/api/v1/tickets", "/api/v1/tickets/{ticket_id}", "/api/v1/counters/{counter_id}/next", "/api/v1/kpis"}
class _Server(SiteServer):
    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("api-docs-site")
    with _Server(data, args=["--host", HOST], log=data / "server.log") as srv:
        yield srv.base


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
    check_swagger_ui(page, server, spec, title="motcua queue server", known=KNOWN_PATHS)
    shot(page, "server-docs.png", tmp_path)
    assert elsewhere == []


def test_redoc_renders_every_operation_offline(
    offline: tuple[Any, list[str]], server: str, spec: dict[str, Any], tmp_path: Path
) -> None:
    page, elsewhere = offline
    check_redoc(page, server, spec, title="motcua queue server")
    shot(page, "server-redoc.png", tmp_path)
    assert elsewhere == []
