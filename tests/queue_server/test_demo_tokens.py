"""``motcua site --demo`` keeps its demo tokens across restarts and rotates them only with ``--new-tokens``."""

from __future__ import annotations

import stat
import uuid

import httpx
from site_cli import SiteCommand

from queue_server.auth import authenticate, revoke_where
from queue_server.cli_site import demo_tokens
from queue_server.demo import seed_demo
from queue_server.store.db import open_database


def _issue(base: str, kiosk: str) -> int:
    r = httpx.post(
        f"{base}/api/v1/tickets",
        json={"service": "HT", "lang": "vi"},
        headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    return r.status_code


def test_kiosk_token_printed_by_the_first_start_still_works_after_a_restart(tmp_path):
    site = SiteCommand(tmp_path)
    with site:
        first = site.tokens()
        output = site.output()
        assert f"Kiosk token   : {first['kiosk']}" in output
        assert f"kept in {tmp_path / 'demo-tokens.json'}" in output
        assert _issue(site.base, first["kiosk"]) == 201
    path = tmp_path / "demo-tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with site:  # the same data directory and ports, a second start
        assert site.tokens() == first
        assert f"Kiosk token   : {first['kiosk']}" in site.output()
        assert _issue(site.base, first["kiosk"]) == 201
        assert f"counter=1&token={first['counter 1']}" in site.output()


def test_new_tokens_revokes_the_kept_ones_and_prints_new_ones(tmp_path):
    with SiteCommand(tmp_path) as site:
        old = site.tokens()
    with SiteCommand(tmp_path, args=["--new-tokens"], port=site.port, broker_port=site.broker_port) as again:
        new = again.tokens()
        assert set(new) == set(old) and not set(new.values()) & set(old.values())
        assert f"Kiosk token   : {new['kiosk']}" in again.output()
        assert _issue(again.base, old["kiosk"]) == 401
        assert _issue(again.base, new["kiosk"]) == 201


def test_a_kept_token_revoked_meanwhile_is_replaced_and_the_others_kept(tmp_path):
    db = open_database(tmp_path)
    try:
        seed_demo(db)
        first = demo_tokens(db, tmp_path)
        kiosk = authenticate(db, first["kiosk"])
        assert kiosk is not None
        revoke_where(db, token_id=kiosk.token_id)
        second = demo_tokens(db, tmp_path)
    finally:
        db.close()
    assert second["kiosk"] != first["kiosk"]
    assert {k: v for k, v in second.items() if k != "kiosk"} == {k: v for k, v in first.items() if k != "kiosk"}
