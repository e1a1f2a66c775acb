"""Purged personal data leaves no copy in the SQLite file's free space once the WAL is checkpointed.

Debian builds SQLite with SECURE_DELETE on by default; other builds (a device image, a wheel) may not,
so the store turns it on itself, and the test checks the connection as well as the file's bytes.
"""

from __future__ import annotations

from pathlib import Path

from queue_server.store.db import open_database

SECRET = "Nguyễn Văn Bí Mật 0912345678"


def test_blanked_and_deleted_text_is_not_left_in_the_file(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    assert db.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    with db.transaction() as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO notes (body) VALUES (?)", [(f"{SECRET} #{i}",) for i in range(50)])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() in db.path.read_bytes()  # the check below can see the text when it is there
    with db.transaction() as conn:
        conn.execute("UPDATE notes SET body = '' WHERE id <= 25")
        conn.execute("DELETE FROM notes WHERE id > 25")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    leftovers = db.path.read_bytes() + Path(f"{db.path}-wal").read_bytes()
    assert SECRET.encode() not in leftovers
    db.close()
