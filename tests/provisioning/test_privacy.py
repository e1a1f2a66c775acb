"""No citizen ID number or name in any log of the real server (subprocess, debug logging, MQTT on)."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
import uuid
from pathlib import Path

import httpx
from site_process import published_everything
from waiting import wait_until

from motcua.runtime.broker import free_port, wait_for_port
from queue_server.auth import create_token
from queue_server.store.db import open_database

ROOT = Path(__file__).resolve().parents[2]
NAME = "Nguyễn Thị Phương Thảo"
ID_NUMBER = "079203004217"


def _form(**extra: str) -> dict[str, str]:
    return {
        "child_full_name": NAME,
        "child_date_of_birth": "2026-11-01",
        "child_sex": "Nữ",
        "child_place_of_birth": "Bệnh viện Đa khoa tỉnh Bắc Ninh",
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
        "declarant_full_name": NAME,
        "declarant_id_number": ID_NUMBER,
        "declarant_address": "12 Lý Thái Tổ, Bắc Ninh",
        "declarant_relationship": "Mẹ",
        "phone": "0912345678",
        **extra,
    }


def test_no_name_or_id_number_in_any_server_or_broker_log(mosquitto, tmp_path: Path):
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_PROVISION_ANNOUNCE": "false"}
    cmd = [sys.executable, "-m", "motcua.cli", "server", "--data-dir", str(tmp_path), "--port", str(port)]
    cmd += ["--demo", "--verbose", "--broker", mosquitto.url]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            assert wait_for_port("127.0.0.1", port, 20), log.read_text()
            db = open_database(tmp_path)
            kiosk = create_token(db, "kiosk")
            db.close()
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                headers = {"Authorization": f"Bearer {kiosk}"}
                ticket = client.post(
                    "/api/v1/tickets",
                    json={"service": "HT", "lang": "vi"},
                    headers={**headers, "Idempotency-Key": "t1"},
                )
                assert ticket.status_code == 201, ticket.text
                body = {"procedure_code": "HT-KS-01", "ticket_id": ticket.json()["id"], "data": _form()}
                ok = client.post(
                    "/api/v1/dossiers", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
                )
                assert ok.status_code == 201, ok.text
                # error paths too: an unknown field carrying the name, a malformed body, a bad token
                bad = {**body, "data": _form(**{NAME: ID_NUMBER})}
                r = client.post("/api/v1/dossiers", json=bad, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
                assert r.status_code == 422
                r = client.post("/api/v1/dossiers", json={"data": NAME}, headers={**headers, "Idempotency-Key": "x"})
                assert r.status_code == 422
                assert (
                    client.get(
                        f"/api/v1/dossiers/{ID_NUMBER}", headers={"Authorization": f"Bearer {NAME[:3]}x"}
                    ).status_code
                    == 401
                )
            # the events are on the broker (and in its log) before the logs are read
            wait_until(lambda: published_everything(f"http://127.0.0.1:{port}", tmp_path), 10, "the publisher")
        finally:
            proc.terminate()
            proc.wait(10)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "DEBUG" in text or "INFO" in text, "the server logged nothing: the test would prove nothing"
    broker_logs = "".join(p.read_text(errors="replace") for p in Path(mosquitto.data_dir).glob("*.log"))
    for haystack in (text, broker_logs):
        folded = unicodedata.normalize("NFD", haystack)
        for needle in (NAME, "Phương Thảo", ID_NUMBER, "Phuong Thao"):
            assert needle not in haystack and unicodedata.normalize("NFD", needle) not in folded, needle
