"""HTTPS ingest: bearer site token, dedup, the agent's HTTP transport against a real ``motcua monitor``."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from edge_agent.outbox import NewEvent, Outbox
from edge_agent.uplink import HttpTransport, Uplinker
from monitor.alerts import AlertEngine
from monitor.auth import AuthService
from monitor.ingest.http import create_app
from monitor.ingest.service import IngestService
from motcua.contract.mqtt import encode_payload
from motcua.contract.uplink import UplinkBatch, UplinkEvent
from motcua.runtime.broker import free_port

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def _batch(site, seqs):
    return UplinkBatch(
        site=site,
        events=[UplinkEvent(site=site, seq=s, kind="business", type="ticket.issued", at=T0, data={}) for s in seqs],
    )


def test_ingest_endpoint_authenticates_and_dedups(store):
    app = create_app(store, IngestService(store, AlertEngine(store)))
    token = store.create_site_token("bn")
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        r = client.post("/api/v1/ingest", content=encode_payload(_batch("bn", [1, 2, 3])), headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["acked"] == [1, 2, 3]
        r = client.post("/api/v1/ingest", content=encode_payload(_batch("bn", [2, 3, 4])), headers=headers)
        assert r.json()["acked"] == [2, 3, 4]
        assert store.seqs("bn") == [1, 2, 3, 4]
        assert client.post("/api/v1/ingest", content=encode_payload(_batch("bn", [5]))).status_code == 401
        bad = client.post("/api/v1/ingest", content=b"{", headers=headers)
        assert bad.status_code == 422
        assert bad.json()["code"] == "invalid_batch"
        other = client.post("/api/v1/ingest", content=encode_payload(_batch("other", [1])), headers=headers)
        assert other.status_code == 403
        assert other.json()["message_vi"]
        # reading needs an account or API token, and a site's ingest token is not one
        assert client.get("/api/v1/store/events", params={"site": "bn"}).status_code == 401
        as_site = client.get("/api/v1/store/events", params={"site": "bn"}, headers=headers)
        assert as_site.status_code == 401 and as_site.json()["code"] == "invalid_token"
        _, reader = AuthService(store).create_token("test reader", "viewer", None, actor="test")
        listed = client.get(
            "/api/v1/store/events", params={"site": "bn"}, headers={"Authorization": f"Bearer {reader}"}
        ).json()
        assert [e["seq"] for e in listed] == [1, 2, 3, 4]


def test_agent_http_uplink_to_a_real_monitor_survives_its_restart(tmp_path: Path):
    """The HTTP transport against ``motcua monitor`` (uvicorn): the monitor restarts mid-stream."""
    data = tmp_path / "monitor"
    cmd = [sys.executable, "-m", "motcua.cli", "monitor", "--data-dir", str(data)]
    token = subprocess.run([*cmd, "--create-site-token", "bn"], check=True, capture_output=True, text=True)
    token_value = token.stdout.strip()
    reader = subprocess.run(
        [*cmd, "create-token", "--data-dir", str(data), "--name", "test", "--role", "site_manager", "--site", "bn"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = free_port()

    def start():
        proc = subprocess.Popen([*cmd, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/healthz", timeout=0.5).status_code == 200:
                    return proc
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("monitor did not start")

    monitor = start()
    outbox = Outbox(tmp_path / "outbox.db", "bn")
    uplinker = Uplinker(
        outbox, HttpTransport(f"http://127.0.0.1:{port}", token_value), site="bn", batch_size=50, retry_max=0.5
    )
    uplinker.start()
    try:
        for i in range(300):
            outbox.append(NewEvent("business", "ticket.issued", T0, {"number": f"A{i:03d}"}))
            if i == 150:
                monitor.kill()
                monitor.wait(5)
                monitor = start()
        uplinker.notify()
        deadline = time.monotonic() + 60
        while outbox.stats().events and time.monotonic() < deadline:
            time.sleep(0.1)
        assert outbox.stats().events == 0
        url = f"http://127.0.0.1:{port}/api/v1/store/events"
        assert httpx.get(url, params={"site": "bn"}).status_code == 401
        listed = httpx.get(
            url, params={"site": "bn", "limit": 1000}, headers={"Authorization": f"Bearer {reader}"}
        ).json()
        assert [e["seq"] for e in listed] == list(range(1, 301))
        other = httpx.get(url, params={"site": "hn"}, headers={"Authorization": f"Bearer {reader}"})
        assert other.status_code == 403 and other.json()["code"] == "forbidden_site"
    finally:
        uplinker.stop()
        outbox.close()
        monitor.terminate()
        monitor.wait(10)
