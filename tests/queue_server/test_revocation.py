"""A revocation counts from the very next request, also one made by another process (``motcua admin``)."""

from __future__ import annotations

import subprocess

import httpx
import pytest
from site_process import MOTCUA, SiteServer, create_token, motcua, seed_demo

from queue_server.auth import authenticate, list_tokens, revoke_where
from queue_server.auth import create_token as make_token
from queue_server.store.db import open_database


def _queue(base: str, token: str) -> int:
    return httpx.get(f"{base}/api/v1/queue", headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code


def _token_id(data_dir, label: str) -> str:
    rows = [line.split("\t") for line in motcua("admin", "list-tokens", "--data-dir", str(data_dir)).splitlines()]
    return next(row[0] for row in rows if row[3] == label)


@pytest.fixture
def server(tmp_path):
    seed_demo(tmp_path)
    with SiteServer(tmp_path, log=tmp_path / "server.log") as running:
        yield running


def test_revoke_token_by_id_from_the_cli_refuses_the_very_next_request(server, tmp_path):
    display = create_token(tmp_path, "display", label="wall-1")
    other = create_token(tmp_path, "display", label="wall-2")
    for _ in range(3):  # warm the server's token cache
        assert _queue(server.base, display) == 200
    out = motcua("admin", "revoke-token", _token_id(tmp_path, "wall-1"), "--data-dir", str(tmp_path))
    assert out.startswith("revoked\t")
    assert _queue(server.base, display) == 401
    assert _queue(server.base, other) == 200


def test_revoke_tokens_by_label_and_role_from_the_cli(server, tmp_path):
    kiosks = [create_token(tmp_path, "kiosk", label="hall") for _ in range(2)]
    display = create_token(tmp_path, "display", label="hall")
    for token in (*kiosks, display):
        assert _queue(server.base, token) == 200
    out = motcua("admin", "revoke-token", "--label", "hall", "--role", "kiosk", "--data-dir", str(tmp_path))
    assert len(out.splitlines()) == 2
    assert [_queue(server.base, t) for t in kiosks] == [401, 401]
    assert _queue(server.base, display) == 200  # a display of that label, not a kiosk: kept


def test_revoke_token_says_when_nothing_matches_or_nothing_is_named(tmp_path):
    seed_demo(tmp_path)
    none = subprocess.run(
        [*MOTCUA, "admin", "revoke-token", "nosuchid", "--data-dir", str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert none.returncode == 1 and "no active token matches" in none.stderr
    unnamed = subprocess.run(
        [*MOTCUA, "admin", "revoke-token", "--data-dir", str(tmp_path)], check=False, capture_output=True, text=True
    )
    assert unnamed.returncode == 2 and "name the tokens to revoke" in unnamed.stderr


def test_cached_lookup_is_dropped_when_another_connection_revokes(tmp_path):
    server_db, cli_db = open_database(tmp_path), open_database(tmp_path)
    try:
        token = make_token(server_db, "kiosk", label="k")
        principal = authenticate(server_db, token)
        assert principal is not None and authenticate(server_db, token) == principal  # cached now
        assert revoke_where(cli_db, token_id=principal.token_id) == [principal.token_id]
        assert authenticate(server_db, token) is None
        assert [r["revoked_at"] is not None for r in list_tokens(server_db)] == [True]
    finally:
        server_db.close()
        cli_db.close()
