"""Dossier codes never reused (across restarts too); retention purges drafts, never an archived dossier."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from site_app import open_site

from motcua.contract.dossiers import dossier_code, parse_dossier_code
from queue_server.auth import create_token

from .conftest import BIRTH_FORM, DossierSite


def _receive_one(site: DossierSite) -> dict:
    site.serve("1")
    d = site.kiosk_dossier(None)
    site.tick(d["id"], "TOKHAI", "CHUNGSINH", "CCCD")
    r = site.receive(d["id"])
    assert r.status_code == 200, r.text
    return r.json()


def test_codes_follow_on_across_restarts_and_the_primary_key_guards_them(tmp_path):
    codes = []
    for _restart in range(2):
        with open_site(tmp_path, DossierSite) as site:
            codes += [_receive_one(site)["code"] for _ in range(3)]
    assert codes == [dossier_code("TEST-SITE", "261130", n) for n in range(1, 7)]
    assert parse_dossier_code(codes[-1]) == ("TEST-SITE", "261130", 6)
    conn = sqlite3.connect(tmp_path / "queue.db", isolation_level=None)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO dossier_codes (code, dossier_id, created_at) VALUES (?, 'x', 'now')", (codes[0],))
    conn.close()
    # The sequence restarts each local day.
    with open_site(tmp_path, DossierSite) as site:
        site.clock.advance(24 * 60)
        assert _receive_one(site)["code"] == "TEST-SITE-261201-0001"


def test_retention_purges_unfinished_dossiers_and_keeps_received_ones(tmp_path):
    with open_site(tmp_path, DossierSite, dossier_retention_days=30, dossier_archive_years=10) as site:
        prepared = site.kiosk_dossier(None)
        received = _receive_one(site)
        desk = site.client.app.state.dossiers
        site.clock.advance(60 * 24 * 31)
        assert desk.purge_expired() == 1
        rows = {
            r["id"]: dict(r)
            for r in site.service.db.query("SELECT id, status, data, data_purged_at, archive_until FROM dossiers")
        }
        assert rows[prepared["id"]]["data"] == "{}" and rows[prepared["id"]]["status"] == "cancelled"
        assert BIRTH_FORM["declarant_id_number"] in rows[received["id"]]["data"]
        # Even a purge_after set too early never touches a dossier within its archive period.
        with site.service.db.transaction() as conn:
            conn.execute("UPDATE dossiers SET purge_after = '2000-01-01' WHERE id = ?", (received["id"],))
        assert desk.purge_expired() == 0
        assert desk.purge_expired(site.clock.now + timedelta(days=365 * 9)) == 0
        assert desk.purge_expired(site.clock.now + timedelta(days=365 * 10 + 3)) == 1
        row = site.service.db.query("SELECT data, code FROM dossiers WHERE id = ?", (received["id"],))[0]
        assert row["data"] == "{}" and row["code"] == received["code"]  # the code and the events stay


def test_a_replayed_receive_with_another_body_and_a_department_token(tmp_path):
    with open_site(tmp_path, DossierSite) as site:
        site.serve("1")
        d = site.kiosk_dossier(None)
        site.tick(d["id"], "TOKHAI", "CHUNGSINH", "CCCD")
        key = uuid.uuid4().hex
        assert site.receive(d["id"], key).status_code == 200
        clash = site.client.post(
            f"/api/v1/dossiers/{d['id']}/receive", json={"department": "CT"}, headers=site.headers("counter1", key)
        )
        assert clash.status_code == 422 and clash.json()["code"] == "idempotency_key_reused"
        replay = site.receive(d["id"], key)
        assert replay.json()["data"]["declarant_id_number"] == BIRTH_FORM["declarant_id_number"]
        stored = " ".join(str(r["response"]) for r in site.service.db.query("SELECT response FROM idempotency"))
        assert BIRTH_FORM["declarant_id_number"] not in stored  # replays keep ids only, never form data
        site.tokens["dept"] = create_token(site.service.db, "department", label="D1")
        assert site.receive(d["id"], role="dept").status_code == 403


def test_overdue_dossiers_are_flagged_once_with_an_event(tmp_path):
    with open_site(tmp_path, DossierSite) as site:
        site.serve("1")
        r = site.client.post(
            "/api/v1/dossiers/draft", json={"procedure_code": "HT-KS-02"}, headers=site.headers("counter1", "k1")
        )
        d = r.json()
        desk = site.client.app.state.dossiers
        kinds = [i["kind"] for i in d["checklist"] if i["required"]]
        site.tick(d["id"], *kinds)
        got = site.receive(d["id"]).json()
        assert got["due_at"] == "2026-12-07T10:00:00+00:00"  # 17:00 in Hanoi, stored in UTC
        site.clock.now = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
        assert desk.flag_overdue() == 0  # due by 17:00: not late yet
        site.clock.advance(1)
        assert desk.flag_overdue() == 1 and desk.flag_overdue() == 0
        events, _ = site.service.events_after(0, 500)
        overdue = [e.data for _s, e in events if e.type == "dossier.overdue"]
        assert len(overdue) == 1 and overdue[0]["code"] == got["code"] and overdue[0]["due_date"] == "2026-12-07"
