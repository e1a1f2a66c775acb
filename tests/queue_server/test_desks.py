"""What the queue service shares with its sibling desks: one idempotency rule, one event sink, one direction."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from site_app import Site, open_site

from queue_server.idempotency import IdempotencyConflict, IdempotentRequest
from queue_server.store.db import open_database

ROOT = Path(__file__).resolve().parents[2]


def test_a_request_is_new_then_replayed_and_its_key_refused_with_another_body(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    db = open_database(tmp_path)
    request = IdempotentRequest("kiosk-1", "k1", "hash-a")
    with db.transaction() as conn:
        assert request.replay(conn) is None
        request.remember(conn, {"id": "t1", "number": "A001"}, datetime(2026, 11, 30, tzinfo=UTC))
    with db.transaction() as conn:
        assert request.replay(conn) == {"id": "t1", "number": "A001"}
        with pytest.raises(IdempotencyConflict) as refused:
            IdempotentRequest("kiosk-1", "k1", "hash-b").replay(conn)
        assert IdempotentRequest("kiosk-2", "k1", "hash-b").replay(conn) is None  # keys are per scope
    assert refused.value.status == 422 and refused.value.code == "idempotency_key_reused"
    assert "Idempotency-Key" in refused.value.message_vi
    db.close()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    monkeypatch.setenv("MOTCUA_FEEDBACK_SELF_SCORE", "false")
    with open_site(tmp_path) as opened:
        assert opened.act("1", "sign-in", staff_id="NV01").status_code == 200
        yield opened


def _served(site: Site) -> str:
    ticket = site.issue("HT")
    for action in ("next", "start", "done"):
        assert site.act("1", action).status_code == 200
    return str(ticket["id"])


def _birth_dossier(site: Site) -> dict[str, Any]:
    found = site.client.get("/api/v1/procedures", params={"q": "dang ky khai sinh", "limit": 1}).json()
    procedure = found["items"][0]
    form = site.client.get(f"/api/v1/procedures/{procedure['code']}").json()["form"]
    return {"procedure_code": procedure["code"], "data": {f["name"]: "x" for f in form if f["required"]}}


# Each create: its path, a body, and the same body changed.
CREATES: dict[str, Callable[[Site], tuple[str, dict[str, Any], dict[str, Any]]]] = {
    "ticket": lambda s: ("/api/v1/tickets", {"service": "HT"}, {"service": "HT", "lang": "en"}),
    "dossier": lambda s: ("/api/v1/dossiers", (d := _birth_dossier(s)), {**d, "data": dict.fromkeys(d["data"], "y")}),
    "feedback": lambda s: (
        "/api/v1/feedback",
        (f := {"ticket_id": _served(s), "rating": "satisfied"}),
        {**f, "rating": "dissatisfied"},
    ),
}


@pytest.mark.parametrize("kind", sorted(CREATES))
def test_every_create_replays_a_retry_refuses_another_body_and_needs_a_key(site: Site, kind: str) -> None:
    path, body, changed = CREATES[kind](site)

    def post(payload: dict[str, Any], key: str | None) -> httpx.Response:
        response: httpx.Response = site.client.post(path, json=payload, headers=site.headers("kiosk", key))
        return response

    key = uuid.uuid4().hex
    first, again = post(body, key), post(body, key)
    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first.headers
    other = post(changed, key)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    missing = post(changed, None)
    assert missing.status_code == 400 and missing.json()["code"] == "missing_idempotency_key"
    assert post(changed, "x" * 129).json()["code"] == "invalid_idempotency_key"


def test_one_key_names_a_different_request_at_each_desk(site: Site) -> None:
    ticket_id = _served(site)
    key = uuid.uuid4().hex
    ticket = site.client.post("/api/v1/tickets", json={"service": "HT"}, headers=site.headers("kiosk", key))
    rated = site.client.post(
        "/api/v1/feedback", json={"ticket_id": ticket_id, "rating": "satisfied"}, headers=site.headers("kiosk", key)
    )
    assert ticket.status_code == 201 and rated.status_code == 201 and rated.json()["id"].startswith("fb_")


def test_sibling_desks_commit_their_events_and_tell_the_listeners(site: Site) -> None:
    heard: list[int] = []
    site.service.listeners.append(heard.append)
    ticket_id = _served(site)
    rated = site.client.post(
        "/api/v1/feedback", json={"ticket_id": ticket_id, "rating": "satisfied"}, headers=site.headers("kiosk", "f1")
    )
    filed = site.client.post("/api/v1/dossiers", json=_birth_dossier(site), headers=site.headers("kiosk", "d1"))
    assert rated.status_code == 201 and filed.status_code == 201
    events, newest = site.service.events_after(0, 1000)
    seq_of = {e.type: seq for seq, e in events}
    assert heard[-2:] == [seq_of["feedback.submitted"], seq_of["dossier.submitted"]] and heard[-1] == newest
    site.client.post("/api/v1/dossiers", json=_birth_dossier(site), headers=site.headers("kiosk", "d1"))  # replay
    assert heard[-1] == newest  # a replay writes nothing and tells nobody


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_queue_service_imports_none_of_its_sibling_desks() -> None:
    files = [ROOT / "queue_server" / "service.py", *sorted((ROOT / "queue_server" / "usecases").glob("*.py"))]
    desks = ("queue_server.feedback", "queue_server.dossiers", "queue_server.api")
    crossings = {
        f"{p.name} -> {m}" for p in files for m in _imports(p) if any(m == d or m.startswith(d + ".") for d in desks)
    }
    assert crossings == set()


def test_no_desk_calls_a_private_member_of_the_service() -> None:
    desks = [ROOT / "queue_server" / name for name in ("feedback.py", "dossiers/desk.py", "scoring.py")]
    private = [
        f"{p.name}: service.{node.attr}"
        for p in desks
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "service"
    ]
    assert private == []
