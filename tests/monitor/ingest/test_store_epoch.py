"""Outbox epochs at the monitor: the dedup key is (site, epoch, seq), acks name their epoch, and a store made
before epochs is upgraded in place (SQLite and PostgreSQL) without losing a row."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from monitor.alerts import AlertEngine
from monitor.auth import AuthService
from monitor.ingest.http import create_app
from monitor.ingest.service import IngestService
from monitor.store import open_store
from motcua.contract.mqtt import decode_payload, encode_payload
from motcua.contract.uplink import UplinkAck, UplinkBatch, UplinkEvent

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
OLD = "0" * 16 + "a" * 16
NEW = uuid.uuid4().hex


def ev(seq, epoch="", site="bn", **data):
    return UplinkEvent(
        site=site,
        epoch=epoch,
        seq=seq,
        kind="business",
        type="ticket.issued",
        at=T0 + timedelta(seconds=seq),
        data=data,
    )


def batch(seqs, epoch="", site="bn"):
    return UplinkBatch(site=site, events=[ev(s, epoch, site, n=f"{epoch[:4]}-{s}") for s in seqs])


def test_a_new_epoch_numbering_from_1_again_is_stored_and_a_resend_counts_once(store):
    ack, new = store.ingest_new(batch(range(1, 6), OLD))
    assert (ack.epoch, ack.acked, len(new)) == (OLD, [1, 2, 3, 4, 5], 5)
    # the outbox file was lost: a new epoch numbers from 1 again; none of it is a duplicate
    ack, new = store.ingest_new(batch(range(1, 4), NEW))
    assert (ack.epoch, ack.acked, [e.seq for e in new]) == (NEW, [1, 2, 3], [1, 2, 3])
    assert store.count_events("bn") == 8
    # a resend within one epoch still counts once (also a late resend of the old epoch)
    for epoch, seqs in ((NEW, range(1, 4)), (OLD, range(4, 6))):
        ack, new = store.ingest_new(batch(seqs, epoch))
        assert ack.epoch == epoch and ack.acked == list(seqs) and new == []
    assert store.count_events("bn") == 8
    assert store.seqs("bn", NEW) == [1, 2, 3]
    assert store.seqs("bn", OLD) == [1, 2, 3, 4, 5]
    assert store.seqs("bn") == [1, 1, 2, 2, 3, 3, 4, 5]
    assert set(store.epochs("bn")) == {OLD, NEW}
    stored = {(e.epoch, e.seq): e for e in store.events("bn")}
    assert stored[(NEW, 1)].data == {"n": f"{NEW[:4]}-1"}
    assert stored[(NEW, 1)].to_uplink().epoch == NEW


def test_an_agent_from_before_epochs_is_still_accepted(store):
    legacy = b'{"v":1,"site":"bn","events":[{"v":1,"site":"bn","seq":1,"kind":"business","type":"ticket.issued","at":"2026-11-30T01:00:00Z","data":{}}]}'
    old_batch = decode_payload(UplinkBatch, legacy)
    assert old_batch.events[0].epoch == ""
    ack = store.ingest(old_batch)
    assert (ack.epoch, ack.acked) == ("", [1])
    assert store.ingest(old_batch).acked == [1]
    assert store.count_events("bn") == 1
    # and an older agent reads the newer ack (unknown fields are ignored), a newer one an older monitor's
    assert decode_payload(UplinkAck, b'{"v":1,"site":"bn","acked":[1]}').epoch is None


def test_a_batch_mixing_epochs_or_a_malformed_epoch_is_refused(store):
    with pytest.raises(ValidationError, match="one epoch"):
        UplinkBatch(site="bn", events=[ev(1, OLD), ev(2, NEW)])
    with pytest.raises(ValidationError):
        ev(1, "Not-Hex!")
    app = create_app(store, IngestService(store, AlertEngine(store)))
    token = store.create_site_token("bn")
    mixed = {
        "site": "bn",
        "events": [json.loads(ev(1, OLD).model_dump_json()), json.loads(ev(2, NEW).model_dump_json())],
    }
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        r = client.post("/api/v1/ingest", content=json.dumps(mixed), headers=headers)
        assert r.status_code == 422 and r.json()["code"] == "invalid_batch"
        r = client.post("/api/v1/ingest", content=encode_payload(batch([1, 2], NEW)), headers=headers)
        assert r.status_code == 200 and r.json()["epoch"] == NEW and r.json()["acked"] == [1, 2]
        _, reader = AuthService(store).create_token("test reader", "operator", None, actor="test")
        auth = {"Authorization": f"Bearer {reader}"}
        listed = client.get("/api/v1/store/events", params={"site": "bn"}, headers=auth).json()
        assert [(e["epoch"], e["seq"]) for e in listed] == [(NEW, 1), (NEW, 2)]
    assert store.count_events() == 2


# The events table as every store made before epochs has it (monitor/store/base.py before the upgrade).
V1_EVENTS = """CREATE TABLE events (
    site TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL, type TEXT NOT NULL, at {ts} NOT NULL,
    source_seq BIGINT, data {js} NOT NULL, received_at {ts} NOT NULL, PRIMARY KEY (site, seq))"""
V1_INDEXES = [
    "CREATE INDEX events_at ON events (at)",
    "CREATE INDEX events_site_type_at ON events (site, type, at)",
    "CREATE TABLE sites (site TEXT PRIMARY KEY, name TEXT, level TEXT, one_stop_staff INTEGER, last_seen {ts})",
]
V1_ROWS = 1200


@pytest.fixture(params=["sqlite", "postgresql"])
def v1_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a store in the layout of before epochs, holding ``V1_ROWS`` events of two sites."""
    rows = [
        (
            site,
            seq,
            "business",
            "ticket.issued",
            (T0 + timedelta(seconds=seq)).isoformat(timespec="microseconds"),
            seq,
            json.dumps({"number": f"A{seq:03d}"}),
            T0.isoformat(timespec="microseconds"),
        )
        for site in ("bn", "hn")
        for seq in range(1, V1_ROWS // 2 + 1)
    ]
    insert = "INSERT INTO events (site, seq, kind, type, at, source_seq, data, received_at) VALUES "
    if request.param == "sqlite":
        path = tmp_path / "v1.db"
        with sqlite3.connect(path) as conn:
            for ddl in [V1_EVENTS, *V1_INDEXES]:
                conn.execute(ddl.format(ts="TEXT", js="TEXT"))
            conn.executemany(insert + "(?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.close()
        yield f"sqlite:///{path}"
        return
    import psycopg

    server = request.getfixturevalue("postgres")
    name = f"v{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = server.url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(url) as conn:
        for ddl in [V1_EVENTS, *V1_INDEXES]:
            conn.execute(ddl.format(ts="TIMESTAMPTZ", js="JSONB"))
        with conn.cursor() as cur:
            cur.executemany(insert + "(%s, %s, %s, %s, %s, %s, %s::jsonb, %s)", rows)
    yield url


def test_a_store_from_before_epochs_is_upgraded_in_place_without_losing_rows(v1_store_url):
    store = open_store(v1_store_url)
    try:
        # (the accounts' tables too: the store is older than the monitor's login)
        assert store.upgraded == ["events_epoch", "auth_tables"]
        assert store.count_events() == V1_ROWS
        assert store.seqs("bn") == list(range(1, V1_ROWS // 2 + 1))
        first = store.events("hn", limit=1)[0]
        assert (first.epoch, first.seq, first.source_seq, first.data) == ("", 1, 1, {"number": "A001"})
        # the rows were the agent's epoch "": its resends are still duplicates ...
        ack, new = store.ingest_new(batch(range(1, 11), ""))
        assert (ack.epoch, ack.acked, new) == ("", list(range(1, 11)), [])
        # ... and a new outbox's events with the same numbers are not
        ack, new = store.ingest_new(batch(range(1, 11), NEW))
        assert len(new) == 10
        assert store.count_events() == V1_ROWS + 10
    finally:
        store.close()
    again = open_store(v1_store_url)
    try:
        assert again.upgraded == []
        assert again.count_events() == V1_ROWS + 10
        assert again.ingest_new(batch(range(1, 11), NEW))[1] == []
    finally:
        again.close()


def test_a_store_from_before_heartbeats_is_upgraded_and_keeps_its_devices(postgres, tmp_path):
    old_devices = """CREATE TABLE devices (site TEXT NOT NULL, device_id TEXT NOT NULL, role TEXT NOT NULL,
        state TEXT NOT NULL, version TEXT NOT NULL, last_seen {ts} NOT NULL, details {js} NOT NULL,
        PRIMARY KEY (site, device_id))"""
    row = ("bn", "tv", "display-waiting-room", "online", "0.1.0", T0.isoformat(timespec="microseconds"), "{}")
    insert = "INSERT INTO devices (site, device_id, role, state, version, last_seen, details) VALUES "
    path = tmp_path / "v2.db"
    with sqlite3.connect(path) as conn:
        conn.execute(old_devices.format(ts="TEXT", js="TEXT"))
        conn.execute(insert + "(?, ?, ?, ?, ?, ?, ?)", row)
    conn.close()
    import psycopg

    name = f"h{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    pg_url = postgres.url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(pg_url) as conn:
        conn.execute(old_devices.format(ts="TIMESTAMPTZ", js="JSONB"))
        conn.execute(insert + "(%s, %s, %s, %s, %s, %s, %s::jsonb)", row)
    for url in (f"sqlite:///{path}", pg_url):
        store = open_store(url)
        try:
            assert store.upgraded == ["devices_heartbeat"]
            ((device_id, role, last_seen, heartbeat),) = [
                (d.device_id, d.role, d.last_seen, d.heartbeat) for d in store.devices()
            ]
            assert (device_id, role, last_seen, heartbeat) == ("tv", "display-waiting-room", T0, False)
        finally:
            store.close()
        again = open_store(url)
        assert again.upgraded == []
        again.close()


def test_a_new_store_needs_no_upgrade(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'new.db'}")
    assert store.upgraded == []
    store.close()
