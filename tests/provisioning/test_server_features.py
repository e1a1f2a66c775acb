"""The server features provisioning relies on: periodic purge, ticket rate limit, feedback role,
``motcua server`` announcing itself."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from waiting import CallCounter, wait_until

from motcua.runtime.broker import free_port, wait_for_port
from motcua.runtime.pki import new_key_and_csr
from provisioning.discovery import discover
from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _site(tmp_path: Path, **settings_kw):
    settings = ServerSettings(data_dir=tmp_path, site_id="site-p", **settings_kw)
    db = open_database(tmp_path)
    seed_demo(db)
    clock = Clock()
    service = QueueService(db, settings.site_id, settings.queue_config(), clock=clock)
    tokens = {r: create_token(db, r) for r in ("kiosk", "admin")}
    return settings, service, clock, tokens, db


def test_personal_data_of_expired_dossiers_is_purged_periodically(tmp_path: Path):
    settings, service, clock, tokens, db = _site(tmp_path, purge_interval_s=0.1, dossier_retention_days=1)
    with TestClient(create_app(settings, service=service, with_mqtt=False)) as client:
        data = {
            "child_full_name": "Trần Văn An",
            "child_date_of_birth": "2026-11-01",
            "child_sex": "Nam",
            "child_place_of_birth": "Bắc Ninh",
            "child_ethnicity": "Kinh",
            "child_nationality": "Việt Nam",
            "declarant_full_name": "Trần Văn Bình",
            "declarant_id_number": "027090001234",
            "declarant_address": "Bắc Ninh",
            "declarant_relationship": "Bố",
            "phone": "0900000000",
        }
        headers = {"Authorization": f"Bearer {tokens['kiosk']}", "Idempotency-Key": "d1"}
        r = client.post("/api/v1/dossiers", json={"procedure_code": "HT-KS-01", "data": data}, headers=headers)
        assert r.status_code == 201, r.text
        CallCounter(client.app.state.dossiers, "purge_expired").wait_more(2)  # type: ignore[attr-defined]
        row = db.read("SELECT data, status FROM dossiers")[0]
        assert "027090001234" in str(row["data"])  # within retention: kept
        clock.now += timedelta(days=1, minutes=1)
        wait_until(lambda: db.read("SELECT data_purged_at FROM dossiers")[0]["data_purged_at"], 5, "the purge")
        row = db.read("SELECT data, status FROM dossiers")[0]
        assert row == {"data": "{}", "status": "cancelled"}  # never received at a desk: closed by retention
    db.close()


def test_ticket_issue_is_rate_limited_per_kiosk(tmp_path: Path):
    settings, service, _clock, tokens, db = _site(tmp_path, ticket_burst=3, ticket_rate_per_min=0.01)
    other = create_token(db, "kiosk")
    with TestClient(create_app(settings, service=service, with_mqtt=False)) as client:

        def issue(token: str, key: str) -> int:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
            return client.post("/api/v1/tickets", json={"service": "HT", "lang": "vi"}, headers=headers).status_code

        assert [issue(tokens["kiosk"], f"k{i}") for i in range(4)] == [201, 201, 201, 429]
        assert issue(other, "o1") == 201  # per kiosk, not global
    db.close()


def test_feedback_tablet_enrols_with_its_own_token_role(tmp_path: Path):
    settings, service, _clock, tokens, db = _site(tmp_path)
    with TestClient(create_app(settings, service=service, with_mqtt=False)) as client:
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        code = client.post("/api/v1/provisioning/codes", json={"role": "feedback", "counter_id": "1"}, headers=admin)
        _key, csr = new_key_and_csr("fb")
        r = client.post("/api/v1/provisioning/enrol", json={"code": code.json()["code"], "csr_pem": csr.decode()})
        assert r.status_code == 200, r.text
        token = r.json()["api_token"]
        ticket = client.post(
            "/api/v1/tickets",
            json={"service": "HT", "lang": "vi"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "f"},
        )
        assert ticket.status_code == 403  # a feedback tablet cannot issue tickets
    db.close()


def test_motcua_server_announces_itself_on_its_bind_address_with_https(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_PROVISION_TLS": "true"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "motcua.cli",
            "server",
            "--data-dir",
            str(tmp_path),
            "--port",
            str(port),
            "--site",
            "site-s",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        assert wait_for_port("127.0.0.1", port, 20)
        found = discover(["127.0.0.1"], timeout=8, first=True, site="site-s")
        assert [(s.port, s.scheme) for s in found] == [(port, "https")]
        from motcua.runtime.pki import fingerprint_of_pem

        assert found[0].fingerprint == fingerprint_of_pem((tmp_path / "provisioning" / "ca.pem").read_text())
    finally:
        proc.terminate()
        proc.wait(10)
