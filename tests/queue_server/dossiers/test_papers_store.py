"""The paper store: encrypted at rest, content-addressed, verified on read, one paper for the same bytes."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest
from manual_clock import Clock
from site_app import START

from queue_server.papers import MAGIC, PaperCorrupt, PaperStore
from queue_server.store.db import open_database

PLAINTEXT = b"%PDF-1.4\n% Nguyen Van An 027190001234 Giay chung sinh\n" + os.urandom(2048)
TEXT = "GIẤY CHỨNG SINH — Nguyễn Văn An, 027190001234"


@pytest.fixture
def store(tmp_path):
    db = open_database(tmp_path)
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO dossiers (id, receipt_code, procedure_code, data, created_at) VALUES ('d1', 'HS-1', 'P', '{}', ?)",
            (START.isoformat(),),
        )
        conn.execute(
            "INSERT INTO dossiers (id, receipt_code, procedure_code, data, created_at) VALUES ('d2', 'HS-2', 'P', '{}', ?)",
            (START.isoformat(),),
        )
    yield PaperStore(tmp_path, db, Clock(START))
    db.close()


def _files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_files_on_disk_hold_no_plaintext_and_the_key_is_private(store, tmp_path):
    record = store.store_paper("d1", "CHUNGSINH", PLAINTEXT, TEXT, [b"\x89PNG thumbnail bytes"])
    assert record.sha256 == hashlib.sha256(PLAINTEXT).hexdigest() and record.thumbnails == 1
    files = _files(tmp_path / "papers")
    assert len(files) == 3  # pdf, text, one thumbnail
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(MAGIC)
        assert b"027190001234" not in raw and b"Nguyen Van An" not in raw and PLAINTEXT[:40] not in raw
        assert b"027190001234" not in raw and TEXT.encode("utf-8") not in raw
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = tmp_path / "keys" / "papers.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    db_bytes = (tmp_path / "queue.db").read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("queue.db-*"))
    assert b"027190001234" not in db_bytes  # neither the content nor the OCR text in the database
    assert store.read_paper(record.id) == PLAINTEXT
    assert store.read_text(record.id) == TEXT
    assert store.read_thumbnail(record.id, 0) == b"\x89PNG thumbnail bytes"


def test_the_key_survives_a_restart_and_another_key_cannot_read(store, tmp_path):
    record = store.store_paper("d1", "CHUNGSINH", PLAINTEXT, TEXT)
    again = PaperStore(tmp_path, store.db, store.clock)
    assert again.key == store.key and again.read_paper(record.id) == PLAINTEXT
    (tmp_path / "keys" / "papers.key").write_bytes(os.urandom(32))
    stranger = PaperStore(tmp_path, store.db, store.clock)
    with pytest.raises(PaperCorrupt) as err:
        stranger.read_paper(record.id)
    assert err.value.code == "paper_corrupt" and err.value.message_vi


def test_tampering_is_detected_on_read(store, tmp_path):
    record = store.store_paper("d1", "CHUNGSINH", PLAINTEXT, TEXT)
    path = tmp_path / "papers" / record.stored_path
    raw = bytearray(path.read_bytes())
    raw[40] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(PaperCorrupt):
        store.read_paper(record.id)
    # Swapping in another paper's (valid) file under this name fails too: the hash is the associated data.
    other = store.store_paper("d1", "TOKHAI", b"%PDF-1.4 another paper", "")
    path.write_bytes((tmp_path / "papers" / other.stored_path).read_bytes())
    with pytest.raises(PaperCorrupt):
        store.read_paper(record.id)
    path.unlink()
    with pytest.raises(PaperCorrupt) as err:
        store.read_paper(record.id)
    assert err.value.code == "paper_missing"


def test_the_same_bytes_twice_are_one_paper_and_one_file(store, tmp_path):
    first = store.store_paper("d1", "CHUNGSINH", PLAINTEXT, TEXT)
    second = store.store_paper("d1", "CHUNGSINH", PLAINTEXT, TEXT)
    assert second.id == first.id and second.duplicate and not first.duplicate
    elsewhere = store.store_paper("d2", "CHUNGSINH", PLAINTEXT, TEXT)  # another dossier: its own row …
    assert elsewhere.id != first.id
    assert len([p for p in _files(tmp_path / "papers") if p.name.endswith(".pdf")]) == 1  # … one file
    with store.db.transaction() as conn:
        assert store.delete_papers(conn, "d1") == 1
    assert store.read_paper(elsewhere.id) == PLAINTEXT  # still referenced: the file stays
    with store.db.transaction() as conn:
        store.delete_papers(conn, "d2")
    assert _files(tmp_path / "papers") == []
