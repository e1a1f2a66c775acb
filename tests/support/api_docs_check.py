"""Checks of a FastAPI app's offline API docs in headless Chromium, shared by the server's and the monitor's tests.

The browser lets through only requests to the app's own server and records every other one: each page must
render every operation of ``/openapi.json`` (OpenAPI 3.1) with no request leaving the server. Screenshots go
to ``$MOTCUA_API_DOCS_SHOTS`` when set, else to the test's temporary folder.

A test module defines a module-scoped ``server`` fixture (the app's base URL), imports the fixtures
``spec``, ``browser`` and ``offline`` from here, and checks each page with ``check_docs_page``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from chromium_browser import chromium

METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
# The distinct (method, path) pairs a page shows (an operation with two tags is shown twice), as a JS expression.
SWAGGER_OPERATIONS = """[...new Set([...document.querySelectorAll('.opblock')].map(e =>
    e.querySelector('.opblock-summary-method').textContent.trim().toLowerCase()
    + ' ' + e.querySelector('.opblock-summary-path').dataset.path))].map(s => s.split(' '))"""
# ReDoc's endpoint box of each operation: <span class="http-verb get">get</span><span>/api/v1/tickets</span>
REDOC_OPERATIONS = """[...new Set([...document.querySelectorAll('.http-verb')].map(e =>
    e.textContent.trim().toLowerCase() + ' ' + e.nextElementSibling.textContent.trim()))].map(s => s.split(' '))"""


@contextmanager
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


def operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    """Every (method, path) of an OpenAPI document."""
    return [(method, path) for path, item in spec["paths"].items() for method in item if method in METHODS]


def shot(page: Any, name: str, tmp_path: Path) -> None:
    """Save a screenshot of ``page`` and check it is not blank."""
    folder = Path(os.environ.get("MOTCUA_API_DOCS_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))
    assert (folder / name).stat().st_size > 10_000


def check_swagger_ui(page: Any, server: str, spec: dict[str, Any], *, title: str, known: set[str]) -> None:
    """/docs lists exactly the spec's operations under ``title`` (Swagger UI 4 showed "Unable to render")."""
    assert spec["openapi"].startswith("3.1")
    expected = operations(spec)
    assert {path for _, path in expected} >= known
    page.goto(f"{server}/docs")
    page.wait_for_function(
        f"n => {SWAGGER_OPERATIONS}.length === n || /Unable to render/.test(document.body.innerText)",
        arg=len(expected),
    )
    assert "Unable to render" not in page.locator("body").inner_text()
    assert sorted(tuple(op) for op in page.evaluate(SWAGGER_OPERATIONS)) == sorted(expected)
    assert title in page.locator(".info .title").inner_text()
    assert "OAS 3.1" in page.locator(".info").inner_text()
    page.wait_for_load_state("networkidle")


def check_redoc(page: Any, server: str, spec: dict[str, Any], *, title: str) -> None:
    """/redoc lists exactly the spec's operations under ``title``."""
    expected = operations(spec)
    page.goto(f"{server}/redoc")
    page.wait_for_function(f"n => {REDOC_OPERATIONS}.length === n", arg=len(expected))
    assert sorted(tuple(op) for op in page.evaluate(REDOC_OPERATIONS)) == sorted(expected)
    assert title in page.locator("h1").first.inner_text()
    page.wait_for_load_state("networkidle")


@pytest.fixture(scope="module")
def spec(server: str) -> dict[str, Any]:
    """The app's ``/openapi.json``."""
    answer: dict[str, Any] = httpx.get(f"{server}/openapi.json", timeout=10).json()
    return answer


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def offline(browser: Any, server: str) -> Iterator[tuple[Any, list[str]]]:
    """``offline_page`` of the module's browser: (page, requests that tried to leave the server)."""
    with offline_page(browser, server) as page_and_elsewhere:
        yield page_and_elsewhere


def check_docs_page(
    which: str,
    offline: tuple[Any, list[str]],
    server: str,
    spec: dict[str, Any],
    tmp_path: Path,
    *,
    title: str,
    known: set[str],
    shot_name: str,
) -> None:
    """``which`` ("docs": Swagger UI, "redoc": ReDoc) renders every operation, offline; screenshot ``shot_name``."""
    page, elsewhere = offline
    if which == "docs":
        check_swagger_ui(page, server, spec, title=title, known=known)
    else:
        check_redoc(page, server, spec, title=title)
    shot(page, shot_name, tmp_path)
    assert elsewhere == []
