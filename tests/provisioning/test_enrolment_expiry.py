"""Enrolment codes that expire unused: their slots are closed (secret hash dropped), the row kept as the audit trace."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from manual_clock import Clock
from waiting import CallCounter, wait_until

from motcua.runtime.pki import new_key_and_csr
from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.provisioning.service import Provisioner, ProvisioningError
from queue_server.provisioning.settings import ProvisioningSettings
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import Database, open_database

START = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture
def registry(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = open_database(tmp_path)
    seed_demo(db)
    clock = Clock(START)
    settings = ProvisioningSettings(code_ttl_min=10, code_max_attempts=3)
    yield Provisioner(db, "site-x", tmp_path / "provisioning", settings, clock=clock), clock, db
    db.close()


def slot(db: Database, device_id: str) -> dict[str, object]:
    return db.read("SELECT * FROM devices WHERE id = ?", (device_id,))[0]


def enrol(provisioner: Provisioner, code: str) -> str:
    _key, csr = new_key_and_csr("device")
    return provisioner.enrol(code, csr.decode(), "host", "https://127.0.0.1:1").device_id


def wrong(code: str) -> str:
    """The same code id with another secret."""
    head, _, tail = code.partition("-")
    return f"{head}-{'A' if tail[0] != 'A' else 'B'}{tail[1:]}"


def test_codes_that_expire_unused_are_closed_and_kept_for_the_audit(registry, caplog):
    provisioner, clock, db = registry
    caplog.set_level(logging.INFO, logger="queue_server.provisioning.service")
    unused = provisioner.create_code("display", label="TV sảnh chờ")
    counter = provisioner.create_code("counter_display", "1")
    locked = provisioner.create_code("kiosk")
    used = provisioner.create_code("kiosk")
    enrolled_id = enrol(provisioner, used["code"])
    for _ in range(3):
        with pytest.raises(ProvisioningError):
            enrol(provisioner, wrong(locked["code"]))
    clock.advance(9)
    assert provisioner.expire_codes() == 0  # still usable (the locked one is refused, not yet closed)
    assert slot(db, unused["device_id"])["status"] == "pending"

    clock.advance(1)  # ten minutes: expired
    assert provisioner.expire_codes() == 3
    assert provisioner.expire_codes() == 0  # once
    rows = {d: slot(db, d) for d in (unused["device_id"], counter["device_id"], locked["device_id"])}
    assert {d: r["status"] for d, r in rows.items()} == {
        unused["device_id"]: "expired",
        counter["device_id"]: "expired",
        locked["device_id"]: "locked",
    }
    for row in rows.values():
        assert row["code_hash"] is None and row["mqtt_username"] is None and row["enrolled_at"] is None
    audit = rows[unused["device_id"]]
    assert audit["role"] == "display" and audit["label"] == "TV sảnh chờ"
    assert audit["created_at"] == START.isoformat() and audit["code_expires_at"] == unused["expires_at"].isoformat()
    assert rows[locked["device_id"]]["code_attempts"] == 3
    assert slot(db, enrolled_id)["status"] == "enrolled"  # a used code is not touched
    lines = [r.getMessage() for r in caplog.records if "unused" in r.getMessage()]
    assert len(lines) == 3 and any(unused["device_id"] in line and "expired unused" in line for line in lines)
    assert any(counter["device_id"] in line and "counter 1" in line for line in lines)

    # the technician who types an old code still learns it expired; the list shows what it showed before
    with pytest.raises(ProvisioningError) as refused:
        enrol(provisioner, unused["code"])
    assert refused.value.code == "code_expired" and "hết hạn" in refused.value.message_vi
    with pytest.raises(ProvisioningError) as still_locked:
        enrol(provisioner, locked["code"])
    assert still_locked.value.code == "code_locked"
    statuses = {d["id"]: d["status"] for d in provisioner.list_devices()}
    assert statuses[unused["device_id"]] == "expired" and statuses[locked["device_id"]] == "locked"
    assert statuses[enrolled_id] == "enrolled"
    # a slot closed as expired can still be cancelled (revoked) by an admin
    assert provisioner.revoke(counter["device_id"])["status"] == "revoked"


def test_issuing_a_code_closes_the_slots_that_expired_before_it(registry):
    provisioner, clock, db = registry
    old = provisioner.create_code("display")
    clock.advance(11)
    fresh = provisioner.create_code("display")
    assert slot(db, old["device_id"])["status"] == "expired"
    assert slot(db, fresh["device_id"])["status"] == "pending"


def test_the_server_closes_expired_slots_in_its_periodic_purge(tmp_path: Path):
    settings = ServerSettings(data_dir=tmp_path, site_id="site-y", purge_interval_s=0.1)
    db = open_database(tmp_path)
    try:
        seed_demo(db)
        clock = Clock(START)
        service = QueueService(db, settings.site_id, settings.queue_config(), clock=clock)
        admin = {"Authorization": f"Bearer {create_token(db, 'admin')}"}
        with TestClient(create_app(settings, service=service, with_mqtt=False)) as client:
            r = client.post("/api/v1/provisioning/codes", json={"role": "display"}, headers=admin)
            assert r.status_code == 201, r.text
            device_id = r.json()["device_id"]
            # a whole purge within the code's ten minutes
            CallCounter(client.app.state.provisioner, "expire_codes").wait_more(2)  # type: ignore[attr-defined]
            assert slot(db, device_id)["status"] == "pending"
            clock.advance(10.5)
            wait_until(lambda: slot(db, device_id)["status"] != "pending", 5, "the purge to close the slot")
            row = slot(db, device_id)
            assert row["status"] == "expired" and row["code_hash"] is None
            listed = {d["id"]: d["status"] for d in client.get("/api/v1/provisioning/devices", headers=admin).json()}
            assert listed[device_id] == "expired"
    finally:
        db.close()
