"""The site server's API docs in headless Chromium, offline: Swagger UI at /docs and ReDoc at /redoc.

A real ``motcua server`` on 127.0.0.2 (a loopback address that is not "localhost", as a centre's LAN address
would not be). The browser lets through only requests to that server and records every other one: the pages
must render every operation of ``/openapi.json`` (OpenAPI 3.1) with no request leaving the server.
Screenshots go to ``$MOTCUA_API_DOCS_SHOTS`` when set, else to the test's temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from chromium_browser import chromium
from site_process import SiteServer

HOST = "127.0.0.2"
KNOWN_PATHS = {"/api/v1/tickets", "/api/v1/tickets/{ticket_id}", "/api/v1/counters/{counter_id}/next", "/api/v1/kpis"}
METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
# The distinct (method, path) pairs a page shows (an operation with two tags is shown twice), as a JS expression.
SWAGGER_OPERATIONS = """[...new Set([...document.querySelectorAll('.opblock')].map(e =>
    e.querySelector('.opblock-summary-method').textContent.trim().toLowerCase()
    + ' ' + e.querySelector('.opblock-summary-path').dataset.path))].map(s => s.split(' '))"""
# ReDoc's endpoint box of each operation: <span class="http-verb get">get</span><span>/api/v1/tickets</span>
REDOC_OPERATIONS = """[...new Set([...document.querySelectorAll('.http-verb')].map(e =>
    e.textContent.trim().toLowerCase() + ' ' + e.nextElementSibling.textContent.trim()))].map(s => s.split(' '))"""


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
def offline_page(browser: Any, server: str) -> Iterator[tuple[Any, list[str]]]:
    """A page whose requests to anywhere but ``server`` are aborted and listed; fails on a JavaScript error."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(20_000)
    origin = urlsplit(server).netloc
    elsewhere: list[str] = []

    def route(r: Any) -> None:
        if urlsplit(r.request.url).netloc == origin:
            r.continue_()
        else:
            elsewhere.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page, elsewhere
    finally:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def _shot(page: Any, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("MOTCUA_API_DOCS_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))
    assert (folder / name).stat().st_size > 10_000


def _operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    return [(method, path) for path, item in spec["paths"].items() for method in item if method in METHODS]


def test_swagger_ui_renders_every_operation_offline(
    offline_page: tuple[Any, list[str]], server: str, spec: dict[str, Any], tmp_path: Path
) -> None:
    page, elsewhere = offline_page
    assert spec["openapi"].startswith("3.1")
    operations = _operations(spec)
    assert {path for _, path in operations} >= KNOWN_PATHS
    page.goto(f"{server}/docs")
    # Swagger UI 4 showed only "Unable to render this definition" for OpenAPI 3.1.
    page.wait_for_function(
        f"n => {SWAGGER_OPERATIONS}.length === n || /Unable to render/.test(document.body.innerText)",
        arg=len(operations),
    )
    assert "Unable to render" not in page.locator("body").inner_text()
    shown = page.evaluate(SWAGGER_OPERATIONS)
    assert sorted(tuple(op) for op in shown) == sorted(operations)
    assert "motcua queue server" in page.locator(".info .title").inner_text()
    assert "OAS 3.1" in page.locator(".info").inner_text()
    page.wait_for_load_state("networkidle")
    _shot(page, "server-docs.png", tmp_path)
    assert elsewhere == []


def test_redoc_renders_every_operation_offline(
    offline_page: tuple[Any, list[str]], server: str, spec: dict[str, Any], tmp_path: Path
) -> None:
    page, elsewhere = offline_page
    operations = _operations(spec)
    page.goto(f"{server}/redoc")
    page.wait_for_function(f"n => {REDOC_OPERATIONS}.length === n", arg=len(operations))
    shown = page.evaluate(REDOC_OPERATIONS)
    assert sorted(tuple(op) for op in shown) == sorted(operations)
    assert "motcua queue server" in page.locator("h1").first.inner_text()
    page.wait_for_load_state("networkidle")
    _shot(page, "server-redoc.png", tmp_path)
    assert elsewhere == []
