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

import pytest
from api_docs_check import browser, check_docs_page, offline, spec
from site_process import SiteServer

HOST = "127.0.0.2"
KNOWN_PATHS = {"/api/v1/tickets", "/api/v1/tickets/{ticket_id}", "/api/v1/counters/{counter_id}/next", "/api/v1/kpis"}
FIXTURES = (browser, offline, spec)  # shared by the monitor's docs test: pytest finds them in this module


class _Server(SiteServer):
    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("api-docs-site")
    with _Server(data, args=["--host", HOST], log=data / "server.log") as srv:
        yield srv.base


@pytest.mark.parametrize("which", ["docs", "redoc"])
def test_docs_page_renders_every_operation_offline(
    which: str, offline: tuple[Any, list[str]], server: str, spec: dict[str, Any], tmp_path: Path
) -> None:
    name = {"docs": "server-docs.png", "redoc": "server-redoc.png"}[which]
    check_docs_page(
        which, offline, server, spec, tmp_path, title="motcua queue server", known=KNOWN_PATHS, shot_name=name
    )
