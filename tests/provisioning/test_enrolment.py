"""Enrolment against the real queue server (uvicorn subprocess, HTTPS from the site CA, zeroconf on loopback)."""

from __future__ import annotations

import os
import ssl
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from serve_site_tls import SCRIPT as SERVE

from motcua.runtime.broker import free_port, wait_for_port
from motcua.runtime.pki import new_key_and_csr
from provisioning.client import EnrolError, enrol
from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    admin: str
    ca_file: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=ssl.create_default_context(cafile=str(self.ca_file)), timeout=10)

    def code(self, role: str, counter: str | None = None) -> dict:
        with self.client() as c:
            r = c.post(
                "/api/v1/provisioning/codes",
                json={"role": role, "counter_id": counter},
                headers={"Authorization": f"Bearer {self.admin}"},
            )
        assert r.status_code == 201, r.text
        return r.json()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {**os.environ, "MOTCUA_PROVISION_TLS": "true", "MOTCUA_PROVISION_ENROL_BURST": "50", "PYTHONPATH": str(ROOT)}
    log = (data_dir / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, SERVE, str(data_dir), str(port), "site-e"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        assert wait_for_port("127.0.0.1", port, 20), (data_dir / "server.log").read_text()
        db = open_database(data_dir)
        admin = create_token(db, "admin", label="test")
        db.close()
        yield LiveServer(f"https://127.0.0.1:{port}", data_dir, admin, data_dir / "provisioning" / "ca.pem")
    finally:
        proc.terminate()
        proc.wait(10)


def test_enrol_command_discovers_the_server_and_stores_credentials_0600(live_server, tmp_path):
    issued = live_server.code("kiosk")
    out = tmp_path / "identity"
    result = subprocess.run(
        [
            *(
                sys.executable,
                "-m",
                "motcua.cli",
                "provision",
                "enroll",
                "--interface",
                "127.0.0.1",
                "--site",
                "site-e",
            ),
            *("--code", issued["code"].lower().replace("-", " "), "--out", str(out), "--timeout", "10"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert issued["device_id"] in result.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for name in ("identity.json", "key.pem", "cert.pem", "ca.pem", "config.json"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name
    import json

    identity = json.loads((out / "identity.json").read_text())
    assert identity["role"] == "kiosk" and identity["server_url"] == live_server.url
    with live_server.client() as c:
        headers = {"Authorization": f"Bearer {identity['api_token']}", "Idempotency-Key": "k1"}
        assert c.post("/api/v1/tickets", json={"service": "HT", "lang": "vi"}, headers=headers).status_code == 201
        # trusted for exactly its role: a kiosk cannot administer
        assert c.get("/api/v1/provisioning/devices", headers=headers).status_code == 403


def test_a_wrong_ca_fingerprint_is_refused_before_the_code_is_sent(live_server, tmp_path):
    issued = live_server.code("display")
    with pytest.raises(EnrolError) as refused:
        enrol(live_server.url, issued["code"], "ab" * 32, tmp_path / "x")
    assert refused.value.code == "bad_fingerprint"
    identity = enrol(live_server.url, issued["code"], issued["ca_fingerprint"], tmp_path / "ok")
    assert identity.role == "display"


def test_a_code_is_single_use(live_server, tmp_path):
    issued = live_server.code("display")
    enrol(live_server.url, issued["code"], issued["ca_fingerprint"], tmp_path / "a")
    with pytest.raises(EnrolError) as refused:
        enrol(live_server.url, issued["code"], issued["ca_fingerprint"], tmp_path / "b")
    assert refused.value.code == "code_used"


def test_a_code_locks_after_five_wrong_attempts(live_server, tmp_path):
    issued = live_server.code("kiosk")
    code_id = issued["code"][:4]
    for attempt in range(5):
        with pytest.raises(EnrolError) as refused:
            enrol(live_server.url, f"{code_id}-2222-2222", issued["ca_fingerprint"], tmp_path / "x")
        assert refused.value.code == ("code_locked" if attempt == 4 else "invalid_code")
    with pytest.raises(EnrolError) as refused:
        enrol(live_server.url, issued["code"], issued["ca_fingerprint"], tmp_path / "x")
    assert refused.value.code == "code_locked"


def test_revoked_device_is_refused_by_the_api_at_once(live_server, tmp_path):
    issued = live_server.code("counter_display", "1")
    identity = enrol(live_server.url, issued["code"], issued["ca_fingerprint"], tmp_path / "c")
    assert identity.counter_id == "1"
    admin = {"Authorization": f"Bearer {live_server.admin}"}
    device = {"Authorization": f"Bearer {identity.api_token}"}
    with live_server.client() as c:
        assert c.get("/api/v1/counters/1", headers=device).status_code == 200
        # a counter display only reads: it may not call tickets at its counter
        assert c.post("/api/v1/counters/1/next", headers=device).status_code == 403
        listed = {d["id"]: d for d in c.get("/api/v1/provisioning/devices", headers=admin).json()}
        assert listed[identity.device_id]["status"] == "enrolled"
        assert c.post(f"/api/v1/provisioning/devices/{identity.device_id}/revoke", headers=admin).status_code == 200
        refused = c.get("/api/v1/counters/1", headers=device)
        assert refused.status_code == 401 and refused.json()["code"] == "invalid_token"
        listed = {d["id"]: d for d in c.get("/api/v1/provisioning/devices", headers=admin).json()}
        assert listed[identity.device_id]["status"] == "revoked"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def inproc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MOTCUA_PROVISION_ENROL_BURST", "3")
    monkeypatch.setenv("MOTCUA_PROVISION_ENROL_RATE_PER_MIN", "0.001")
    settings = ServerSettings(data_dir=tmp_path, site_id="site-i")
    db = open_database(tmp_path)
    seed_demo(db)
    clock = Clock()
    service = QueueService(db, settings.site_id, settings.queue_config(), clock=clock)
    admin = create_token(db, "admin")
    kiosk = create_token(db, "kiosk")
    with TestClient(create_app(settings, service=service, with_mqtt=False)) as client:
        yield client, clock, {"Authorization": f"Bearer {admin}"}, {"Authorization": f"Bearer {kiosk}"}
    db.close()


def test_a_code_expires_after_ten_minutes_and_shows_as_expired(inproc):
    client, clock, admin, _ = inproc
    issued = client.post("/api/v1/provisioning/codes", json={"role": "display"}, headers=admin).json()
    assert issued["qr_svg"].startswith("<svg") and issued["code"] in issued["enrol_uri"]
    clock.now += timedelta(minutes=10, seconds=1)
    _key, csr = new_key_and_csr("d")
    r = client.post("/api/v1/provisioning/enrol", json={"code": issued["code"], "csr_pem": csr.decode()})
    assert r.status_code == 403 and r.json()["code"] == "code_expired"
    statuses = {d["id"]: d["status"] for d in client.get("/api/v1/provisioning/devices", headers=admin).json()}
    assert statuses[issued["device_id"]] == "expired"


def test_enrolment_attempts_are_rate_limited_per_address(inproc):
    client, _clock, _admin, _ = inproc
    _key, csr = new_key_and_csr("d")
    body = {"code": "AAAA-BBBB-CCCC", "csr_pem": csr.decode()}
    answers = [client.post("/api/v1/provisioning/enrol", json=body) for _ in range(4)]
    assert [a.status_code for a in answers] == [403, 403, 403, 429]
    assert answers[-1].json()["code"] == "too_many_attempts" and int(answers[-1].headers["Retry-After"]) >= 1


def test_only_an_admin_creates_codes_and_bad_input_is_a_clear_4xx(inproc):
    client, _clock, admin, kiosk = inproc
    assert client.post("/api/v1/provisioning/codes", json={"role": "kiosk"}, headers=kiosk).status_code == 403
    assert client.post("/api/v1/provisioning/codes", json={"role": "kiosk"}).status_code == 401
    bad = client.post("/api/v1/provisioning/codes", json={"role": "counter_display"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["message_vi"]
    assert client.post("/api/v1/provisioning/codes", json={"role": "root"}, headers=admin).status_code == 422
    missing = client.post(
        "/api/v1/provisioning/codes", json={"role": "counter_display", "counter_id": "99"}, headers=admin
    )
    assert missing.status_code == 404
    assert client.post("/api/v1/provisioning/enrol", json={"code": "x"}).status_code == 422
    page = client.get("/console/provisioning")
    assert page.status_code == 200 and "provisioning.js" in page.text
