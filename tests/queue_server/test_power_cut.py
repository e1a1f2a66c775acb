"""Power cut: every ticket the server acknowledged is on the disk, even when unflushed writes are lost.

This kernel has no device-mapper (no dm-flakey, no dm-log-writes: ``dmsetup targets`` finds no driver and
there is no modprobe), so the cut is made one level up. The server's data directory is an ext4 file system
on a loop device; after SIGKILL of the server, the loop device's backing file is copied at once. The copy
holds what the file system had sent to its block device — every write that was flushed (SQLite's fsync at
COMMIT, synchronous=FULL) — and none of the data still dirty in the file system's page cache: that is the
disk after a power cut, with a disk that has no volatile write cache of its own (the loop device does not
reorder or drop writes it received, which a real disk's cache could). The copy is mounted (the journal is
replayed, as at boot) and read. A control file written without fsync just before the cut shows that
unflushed data really is lost in the copy, so the check is not vacuous.

Needs root (mount, losetup), as the fault rigs do.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from site_process import UNLIMITED_TICKETS, SiteServer, create_token, seed_demo

CONTROL = b"unflushed " * 100_000  # 1 MB never fsync'd


@contextlib.contextmanager
def loop_mount(image: Path, where: Path) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(where)], check=True, capture_output=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False, capture_output=True)


@pytest.mark.slow
def test_acknowledged_tickets_survive_losing_every_unflushed_write(tmp_path):
    assert os.geteuid() == 0, "the power-cut rig mounts a loop device: run as root (CI runs it with sudo)"
    assert shutil.which("mkfs.ext4"), "mkfs.ext4 (e2fsprogs) is needed"
    image = tmp_path / "disk.img"
    with image.open("wb") as f:
        f.truncate(256 * 1024 * 1024)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True, capture_output=True)
    snapshot = tmp_path / "after-cut.img"
    acknowledged: dict[str, tuple[str, str]] = {}
    with loop_mount(image, tmp_path / "disk") as disk:
        data = disk / "site"
        data.mkdir()
        seed_demo(data)
        kiosk = create_token(data, "kiosk")
        server = SiteServer(data, env=UNLIMITED_TICKETS, log=tmp_path / "server.log").start()
        try:
            with httpx.Client(base_url=server.base, timeout=5.0) as client:
                for i in range(200):
                    r = client.post(
                        "/api/v1/tickets",
                        json={"service": ("HT", "CT", "DD")[i % 3], "lang": "vi"},
                        headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex},
                    )
                    assert r.status_code == 201, r.text
                    t = r.json()
                    acknowledged[t["id"]] = (t["day"], t["number"])
            (disk / "control.bin").write_bytes(CONTROL)  # in the page cache only
        finally:
            server.kill()
        # The cut: what the block device holds now, before the file system writes back its dirty pages.
        shutil.copyfile(image, snapshot)
    with loop_mount(snapshot, tmp_path / "restored") as restored:
        control = restored / "control.bin"
        kept = control.read_bytes() if control.exists() else b""
        assert kept != CONTROL, "the copy kept an unflushed write: this rig would not show a lost write"
        conn = sqlite3.connect(restored / "site" / "queue.db")
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, day, number FROM tickets")}
            issued = conn.execute("SELECT COUNT(*) FROM events WHERE type = 'ticket.issued'").fetchone()[0]
        finally:
            conn.close()
    missing = [tid for tid in acknowledged if tid not in rows]
    assert missing == [], f"{len(missing)} acknowledged tickets lost in the power cut"
    assert {tid: rows[tid] for tid in acknowledged} == acknowledged
    assert issued >= len(acknowledged)
