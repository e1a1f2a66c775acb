"""Backups that restore: a live backup of the real server, restored into a new data directory and served again.

The uplink side uses the real edge-agent outbox (kept under the data directory) and the monitor's rule, one
stored event per (site, epoch, seq), as a set: after a restore nothing the monitor holds is counted twice and
nothing new is taken for a resend.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import subprocess
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PIL import Image
from site_process import MOTCUA, UNLIMITED_TICKETS, SiteServer, create_token, motcua, seed_demo

from edge_agent.outbox import NewEvent, Outbox
from queue_server import backup as backup_mod
from queue_server.backup import BackupError, backup, find_databases, generations, restore, verify_archive
from queue_server.catalogue import load_default_catalogue
from queue_server.papers import PaperStore
from queue_server.store.db import Database

REQUIRED = tuple(d.kind for d in load_default_catalogue().get_procedure("HT-KS-02").documents if d.required)


def _png(n: int) -> bytes:
    image = Image.new("L", (300, 400), 255)
    for x in range(20, 280):
        image.putpixel((x, 20 + n % 360), 0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _rows(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{data_dir / 'queue.db'}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MOTCUA, "admin", *args], capture_output=True, text=True, timeout=120, check=False)


def _ticket(client: httpx.Client, base: str, kiosk: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex}
    return client.post(f"{base}/api/v1/tickets", json={"service": "HT"}, headers=headers)


def _dossier_with_paper(client: httpx.Client, base: str, kiosk: str, counter: str, n: int) -> tuple[str, str, str]:
    """A ticket served at counter 1, a received dossier with one paper: (dossier id, paper id, paper sha256)."""
    h = {"Authorization": f"Bearer {counter}"}
    assert _ticket(client, base, kiosk).status_code == 201
    client.post(f"{base}/api/v1/counters/1/sign-in", json={"staff_id": "NV01"}, headers=h)
    assert client.post(f"{base}/api/v1/counters/1/next", headers=h).status_code == 200
    client.post(f"{base}/api/v1/counters/1/start", headers=h)
    r = client.post(
        f"{base}/api/v1/dossiers/draft",
        json={"procedure_code": "HT-KS-02"},
        headers={**h, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.text
    dossier_id = r.json()["id"]
    r = client.put(
        f"{base}/api/v1/dossiers/{dossier_id}/checklist",
        json={"items": {kind: {"received": True} for kind in REQUIRED}},
        headers=h,
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"{base}/api/v1/dossiers/{dossier_id}/papers",
        files={"file": ("p.png", _png(n), "image/png")},
        data={"kind": "KHAISINH"},
        headers=h,
    )
    assert r.status_code in (200, 201), r.text
    paper = r.json()
    r = client.post(f"{base}/api/v1/dossiers/{dossier_id}/receive", headers={**h, "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 200, r.text
    return dossier_id, paper["id"], paper["sha256"]


def _snapshot(data_dir: Path) -> dict[str, set[tuple[object, ...]]]:
    return {
        "tickets": set(_rows(data_dir, "SELECT id, day, number, service, status FROM tickets")),
        "dossiers": set(_rows(data_dir, "SELECT id, code, status FROM dossiers")),
        "papers": set(_rows(data_dir, "SELECT id, dossier_id, sha256 FROM papers")),
        "tokens": set(_rows(data_dir, "SELECT id, role, token_hash, revoked_at FROM tokens")),
        "events": set(_rows(data_dir, "SELECT seq, type, at, data FROM events")),
    }


def _only_archive(dest: Path) -> Path:
    found = generations(dest)
    assert len(found) == 1, found
    return found[0]


def test_round_trip_with_the_real_server_and_the_uplink_rules(tmp_path: Path) -> None:
    site, usb, fresh = tmp_path / "site", tmp_path / "usb", tmp_path / "fresh"
    seed_demo(site)
    kiosk = create_token(site, "kiosk")
    counter = create_token(site, "counter", counter="1")
    monitor: set[tuple[str, str, int]] = set()  # the monitor's rule: one event per (site, epoch, seq)
    outbox = Outbox(site / "agent-outbox.db", "S1")
    server = SiteServer(site, env=UNLIMITED_TICKETS, log=tmp_path / "server.log").start()
    try:
        with httpx.Client(timeout=10) as client:
            for _ in range(5):
                assert _ticket(client, server.base, kiosk).status_code == 201
            made = [_dossier_with_paper(client, server.base, kiosk, counter, n) for n in range(2)]
            # The agent's uplink: 4 events, the first 2 delivered and acknowledged, 2 still pending.
            seqs = [outbox.append(NewEvent("business", "ticket.issued", datetime.now(UTC), {"n": i})) for i in range(4)]
            for event in outbox.peek(2):
                monitor.add((event.site, event.epoch, event.seq))
            outbox.ack(seqs[:2])
            before = _snapshot(site)
            done = _cli("backup", "--data-dir", str(site), "--to", str(usb))
            assert done.returncode == 0, done.stderr
            assert "KEY" in done.stdout and "uploaded\tno" in done.stdout
            # After the backup the lost machine goes on: events the restored site will never have, numbers the
            # monitor already holds (the pending two delivered, two more made and delivered).
            for _ in range(3):
                assert _ticket(client, server.base, kiosk).status_code == 201
            for i in range(2):
                outbox.append(NewEvent("business", "ticket.issued", datetime.now(UTC), {"n": 10 + i}))
            delivered_after = outbox.peek(10)
            for event in delivered_after:
                monitor.add((event.site, event.epoch, event.seq))
            outbox.ack([e.seq for e in delivered_after])
        lost_max_seq = max(int(str(r[0])) for r in _rows(site, "SELECT seq FROM events"))
        old_epoch = outbox.epoch
        old_outbox_top = max(e.seq for e in delivered_after)
    finally:
        server.stop()
        outbox.close()

    assert {"queue.db", "agent-outbox.db"} <= {str(p) for p in find_databases(site)}
    archive = _only_archive(usb)
    key = site / "keys" / "backup.key"
    assert key.stat().st_mode & 0o777 == 0o600
    done = _cli("restore", "--from", str(archive), "--data-dir", str(fresh), "--key", str(key))
    assert done.returncode == 0, done.stderr

    after = _snapshot(fresh)
    for table, rows in before.items():
        assert rows <= after[table], f"{table}: {len(rows - after[table])} rows lost"
    assert after["events"] == before["events"], "the restored log is exactly the backed-up one"
    store = PaperStore(fresh, Database(fresh / "queue.db"), lambda: datetime.now(UTC))
    try:
        for _dossier, paper_id, sha in made:
            assert hashlib.sha256(store.read_paper(paper_id)).hexdigest() == sha  # decrypted with the restored key
    finally:
        store.db.close()

    restored = SiteServer(fresh, env=UNLIMITED_TICKETS, log=tmp_path / "restored.log").start()
    try:
        with httpx.Client(timeout=10) as client:
            r = _ticket(client, restored.base, kiosk)  # the old kiosk token still works
            assert r.status_code == 201, r.text
            assert r.json()["id"] not in {t[0] for t in before["tickets"]}
            last = client.get(f"{restored.base}/api/v1/healthz").json()["last_event_seq"]
    finally:
        restored.stop()
    new_seqs = [int(str(r[0])) for r in _rows(fresh, "SELECT seq FROM events")]
    assert len(new_seqs) == len(set(new_seqs))
    fresh_events = [s for s in new_seqs if s not in {e[0] for e in before["events"]}]
    assert fresh_events and min(fresh_events) > lost_max_seq, "a restored server reused a sequence number"
    assert last == max(new_seqs)

    # The restored agent outbox: same epoch (its pending events are resends the monitor already counts once),
    # new numbers above everything the lost machine used (a new event is never taken for a resend).
    again = Outbox(fresh / "agent-outbox.db", "S1")
    try:
        assert again.epoch == old_epoch
        pending = again.peek(10)
        assert [e.data["n"] for e in pending] == [2, 3]
        assert all((e.site, e.epoch, e.seq) in monitor for e in pending)  # resent: stored once
        new_seq = again.append(NewEvent("business", "ticket.issued", datetime.now(UTC), {"n": 99}))
        assert new_seq > old_outbox_top
        counted = len(monitor)
        for event in again.peek(10):
            monitor.add((event.site, event.epoch, event.seq))
        assert len(monitor) == counted + 1, "the monitor must store the new event once and nothing twice"
    finally:
        again.close()


@pytest.mark.slow
def test_a_backup_under_load_keeps_every_ticket_answered_before_it(tmp_path: Path) -> None:
    site, usb, fresh = tmp_path / "site", tmp_path / "usb", tmp_path / "fresh"
    seed_demo(site)
    kiosk = create_token(site, "kiosk")
    answered: list[tuple[float, str]] = []  # (monotonic time of the 201, ticket id)
    stop = threading.Event()
    errors: list[str] = []
    server = SiteServer(site, env=UNLIMITED_TICKETS, log=tmp_path / "server.log").start()

    def issue() -> None:
        with httpx.Client(timeout=10) as client:
            while not stop.wait(0.01):  # a ticket every 10 ms (the pace of the load, not a synchronisation)
                r = _ticket(client, server.base, kiosk)
                if r.status_code != 201:
                    errors.append(f"{r.status_code} {r.text}")
                    return
                answered.append((time.monotonic(), r.json()["id"]))

    worker = threading.Thread(target=issue)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while len(answered) < 50 and time.monotonic() < deadline and worker.is_alive():
            time.sleep(0.01)
        began = time.monotonic()
        done = _cli("backup", "--data-dir", str(site), "--to", str(usb))
        ended = time.monotonic()
        count_at_end = len(answered)
        deadline = time.monotonic() + 30
        while len(answered) < count_at_end + 20 and time.monotonic() < deadline and worker.is_alive():
            time.sleep(0.01)  # the load goes on after the backup too
    finally:
        stop.set()
        worker.join(30)
        server.stop()
    assert not errors, errors[:3]
    assert done.returncode == 0, done.stderr
    during = [t for at, t in answered if began <= at <= ended]
    assert len(during) > 0, "the backup did not overlap the load"
    done = _cli("restore", "--from", str(_only_archive(usb)), "--data-dir", str(fresh), "--key", str(site / "keys/backup.key"))
    assert done.returncode == 0, done.stderr
    present = {str(r[0]) for r in _rows(fresh, "SELECT id FROM tickets")}
    before = [t for at, t in answered if at < began]
    assert len(before) >= 50
    missing = [t for t in before if t not in present]
    assert not missing, f"{len(missing)} tickets answered 201 before the backup began are missing"
    print(f"{len(before)} tickets before the backup, {len(during)} during it ({ended - began:.2f} s), all restored")


def test_generations_keep_the_newest_and_a_failed_backup_deletes_nothing(tmp_path: Path, monkeypatch) -> None:
    site, usb = tmp_path / "site", tmp_path / "usb"
    seed_demo(site)
    made = [backup(site, usb, keep=2, now=datetime(2026, 12, 1, 2, i, tzinfo=UTC)).path for i in range(4)]
    assert generations(usb) == made[2:]
    for path in made[2:]:
        verify_archive(path, (site / "keys/backup.key").read_bytes())

    def broken(*_a: object, **_k: object) -> None:
        raise BackupError("simulated verification failure")

    monkeypatch.setattr(backup_mod, "verify_archive", broken)
    with pytest.raises(BackupError):
        backup(site, usb, keep=1, now=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    assert generations(usb) == made[2:], "an unverified backup must not push out a good one"
    assert sorted(p.name for p in usb.iterdir()) == sorted(p.name for p in made[2:]), "no temporary file is left"


def test_a_tampered_truncated_or_foreign_archive_is_refused(tmp_path: Path) -> None:
    site, usb = tmp_path / "site", tmp_path / "usb"
    seed_demo(site)
    (site / "papers" / "ab").mkdir(parents=True)
    (site / "papers" / "ab" / "big.pdf").write_bytes(bytes(range(256)) * 10_000)  # 2.5 MB: several chunks
    archive = backup(site, usb).path
    key = site / "keys" / "backup.key"
    raw = archive.read_bytes()

    flipped = tmp_path / "flipped.mcb"
    flipped.write_bytes(raw[: len(raw) // 2] + bytes([raw[len(raw) // 2] ^ 1]) + raw[len(raw) // 2 + 1 :])
    truncated = tmp_path / "truncated.mcb"
    truncated.write_bytes(raw[: len(raw) - 100])
    cut_at_chunk = tmp_path / "cut.mcb"  # only whole chunks, the last one missing
    cut_at_chunk.write_bytes(raw[: 20 + 4 + int.from_bytes(raw[20:24], "big")])
    for bad in (flipped, truncated, cut_at_chunk):
        target = tmp_path / f"into-{bad.stem}"
        done = _cli("restore", "--from", str(bad), "--data-dir", str(target), "--key", str(key))
        assert done.returncode == 1, (bad, done.stdout, done.stderr)
        assert "không khôi phục được" in done.stderr and "failed" in done.stderr
        assert not target.exists(), "nothing is written before the archive is verified"

    other_key = tmp_path / "other.key"
    other_key.write_bytes(b"\x01" * 32)
    with pytest.raises(BackupError, match="integrity"):
        restore(archive, tmp_path / "wrong-key", key_path=other_key)
    assert not (tmp_path / "wrong-key").exists()

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "queue.db").write_bytes(b"someone's data")
    done = _cli("restore", "--from", str(archive), "--data-dir", str(busy), "--key", str(key))
    assert done.returncode == 1 and "--force" in done.stderr
    assert (busy / "queue.db").read_bytes() == b"someone's data"
    done = _cli("restore", "--from", str(archive), "--data-dir", str(busy), "--key", str(key), "--force")
    assert done.returncode == 0, done.stderr
    assert (busy / "queue.db").read_bytes().startswith(b"SQLite format 3")
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("busy.before-restore-")]
    assert len(aside) == 1 and (aside[0] / "queue.db").read_bytes() == b"someone's data"
    assert motcua("admin", "list-tokens", "--data-dir", str(busy)) == motcua("admin", "list-tokens", "--data-dir", str(site))
