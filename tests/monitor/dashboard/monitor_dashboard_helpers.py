"""Helpers of the dashboard tests: the test clock, the sites, ingesting live events, free ports, signing in."""

from __future__ import annotations

import re
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

# A Thursday, 10:30 in Việt Nam: offices open, the morning peak under way.
NOW = datetime(2026, 11, 26, 3, 30, tzinfo=UTC)
# The province centre is large; the tests use districts and communes of one district-sized slice.
SITES = ("bn-yenphong", "bn-luongtai", "bn-yenpho-cho", "bn-yenpho-dungliet", "bn-yenpho-tamda", "bn-luongt-thua")


class Clock:
    """A clock that starts at NOW and runs with real time (so live updates move on)."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self) -> datetime:
        return NOW + timedelta(seconds=time.monotonic() - self.started)


def profiles() -> list[Any]:
    from monitor.generator import province_sites

    chosen = {p.info.site: p for p in province_sites()}
    return [chosen[s] for s in SITES]


def next_seq(store: Any, site: str) -> int:
    seqs = store.seqs(site)
    return (seqs[-1] if seqs else 0) + 1


def issue_tickets(store: Any, site: str, count: int, at: datetime) -> None:
    """Ingest ``count`` new ticket.issued events of ``site`` at ``at`` through the store's ingest."""
    from motcua.contract.uplink import UplinkBatch, UplinkEvent

    first = next_seq(store, site)
    events = [
        UplinkEvent(
            site=site,
            seq=first + i,
            kind="business",
            type="ticket.issued",
            at=at,
            data={
                "ticket_id": f"live-{first + i}",
                "number": f"A9{i:02d}",
                "service": "HT",
                "priority": None,
                "day": "2026-11-26",
                "issued_at": at.isoformat(),
                "queued_at": at.isoformat(),
            },
        )
        for i in range(count)
    ]
    store.ingest(UplinkBatch(site=site, events=events))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def login_form_token(html: str) -> str:
    """The login form's CSRF token (the page's hidden field)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the login page has no CSRF field"
    return match.group(1)


def sign_in_client(client: Any, username: str, password: str, target: str = "/") -> Any:
    """Sign ``client`` (a TestClient on https://testserver) in through the login form; the 303 answer."""
    form = client.get("/login")
    assert form.status_code == 200, form.text
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": login_form_token(form.text), "next": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:500]
    return answer


def csrf_header(client: Any) -> dict[str, str]:
    """The X-CSRF-Token header of a signed-in client (from the cookie the pages read)."""
    return {"X-CSRF-Token": client.cookies.get("__Host-motcua_csrf") or client.cookies.get("motcua_csrf")}


def sign_in_page(page: Any, base: str, username: str, password: str, target: str = "/") -> None:
    """Sign the browser page in through the login page, as a person would; back on ``target``."""
    page.goto(base + "/login?next=" + target)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url(lambda url: "/login" not in url, timeout=15_000)
