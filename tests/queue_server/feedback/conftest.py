"""Fixtures of the feedback tests: a site with demo data, the app in-process, a settable clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import site_app
from site_app import open_site

COMMENT = "Cán bộ quầy số một rất nhiệt tình, nhưng chờ hơi lâu - mã kiểm tra ZQX-4417"


@dataclass
class Site(site_app.Site):
    """The in-process site of ``tests/support/site_app.py``; here every counter action must succeed."""

    def act(self, counter: str, action: str, **body: object) -> Any:
        r = super().act(counter, action, **body)
        assert r.status_code < 300, r.text
        return r

    def serve(self, counter: str = "1", service: str = "HT", minutes: float = 4.0) -> dict[str, Any]:
        """Issue a ticket, call, start and finish it at ``counter``; returns the ticket as issued."""
        ticket = self.issue(service)
        self.act(counter, "next")
        self.act(counter, "start")
        self.clock.advance(minutes)
        self.act(counter, "done")
        return ticket

    def feedback(self, body: dict[str, Any], key: str | None = None, role: str = "kiosk") -> Any:
        return self.client.post("/api/v1/feedback", json=body, headers=self.headers(role, key or uuid.uuid4().hex))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("MOTCUA_FEEDBACK_SELF_SCORE", "false")
    with open_site(tmp_path, Site) as opened:
        opened.act("1", "sign-in", staff_id="NV01")
        opened.act("2", "sign-in", staff_id="NV02")
        yield opened
