"""SQLite store: WAL + synchronous=FULL, in-place migrations, history kept."""

from __future__ import annotations

import pytest

from queue_server.store.db import LATEST_VERSION, Database, open_database


def test_database_uses_wal_and_full_sync(tmp_path):
    db = open_database(tmp_path)
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.schema_version == LATEST_VERSION


def test_existing_data_file_is_upgraded_in_place_and_keeps_its_data(tmp_path):
    old = Database(tmp_path / "queue.db")
    assert old.migrate(target=1) == 1  # a data file written by the first release
    old.conn.execute(
        "INSERT INTO tickets (id, day, service, number, status, issued_at, queued_at)"
        " VALUES ('t1', '2026-11-30', 'HT', 'A001', 'done', '2026-11-30T01:00:00+00:00', '2026-11-30T01:00:00+00:00')"
    )
    old.close()
    db = open_database(tmp_path)
    assert db.schema_version == LATEST_VERSION >= 2
    assert db.conn.execute("SELECT number, dossier_id FROM tickets WHERE id = 't1'").fetchone() == ("A001", None)
    assert db.conn.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0] == 0


def test_reopening_a_current_file_changes_nothing(tmp_path):
    db = open_database(tmp_path)
    db.conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    db.close()
    db = open_database(tmp_path)
    assert db.conn.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone()[0] == "yes"
    assert db.schema_version == LATEST_VERSION


def test_a_failing_migration_leaves_the_file_at_its_old_version(tmp_path, monkeypatch):
    from queue_server.store import db as dbmod

    def broken(db):
        db.conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk unplugged")

    old = Database(tmp_path / "queue.db")
    old.migrate(target=1)
    monkeypatch.setattr(dbmod, "MIGRATIONS", (*dbmod.MIGRATIONS, (999, "m999_broken", broken)))
    with pytest.raises(RuntimeError, match="disk unplugged"):
        old.migrate()
    assert old.schema_version == LATEST_VERSION
    assert not old.conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchall()
    old.close()
