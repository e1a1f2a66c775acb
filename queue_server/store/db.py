"""The SQLite connection: WAL, synchronous=FULL, one writer at a time, migrations in place."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

logger = logging.getLogger(__name__)

Migration = Callable[[sqlite_utils.Database], None]


def _m1_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE services (
            code TEXT PRIMARY KEY, letter TEXT NOT NULL UNIQUE, name_vi TEXT NOT NULL, name_en TEXT NOT NULL,
            default_service_min REAL NOT NULL DEFAULT 8, active INTEGER NOT NULL DEFAULT 1,
            position INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE counters (
            id TEXT PRIMARY KEY, name_vi TEXT NOT NULL, name_en TEXT NOT NULL, services TEXT NOT NULL,
            area_vi TEXT NOT NULL DEFAULT '', area_en TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'closed', staff_id TEXT, priority_streak INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE tickets (
            id TEXT PRIMARY KEY, day TEXT NOT NULL, service TEXT NOT NULL, number TEXT NOT NULL,
            priority TEXT, status TEXT NOT NULL, issued_at TEXT NOT NULL, queued_at TEXT NOT NULL,
            appointment_start TEXT, appointment_end TEXT, counter_id TEXT, staff_id TEXT,
            called_at TEXT, started_at TEXT, finished_at TEXT, recall_count INTEGER NOT NULL DEFAULT 0,
            head_of_queue INTEGER NOT NULL DEFAULT 0, estimated_wait_min REAL, position_at_issue INTEGER,
            parent_id TEXT, hops TEXT NOT NULL DEFAULT '[]', lang TEXT NOT NULL DEFAULT 'vi');
        CREATE INDEX tickets_waiting ON tickets (status, service);
        CREATE INDEX tickets_day ON tickets (day);
        CREATE INDEX tickets_counter ON tickets (counter_id, status);
        CREATE TABLE number_sequences (
            day TEXT NOT NULL, service TEXT NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (day, service));
        CREATE TABLE issued_numbers (
            day TEXT NOT NULL, number TEXT NOT NULL, ticket_id TEXT NOT NULL, PRIMARY KEY (day, number));
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, at TEXT NOT NULL, day TEXT NOT NULL,
            data TEXT NOT NULL);
        CREATE INDEX events_day ON events (day);
        CREATE TABLE idempotency (
            key TEXT NOT NULL, scope TEXT NOT NULL, request_hash TEXT NOT NULL, response TEXT NOT NULL,
            created_at TEXT NOT NULL, PRIMARY KEY (scope, key));
        CREATE TABLE tokens (
            id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, counter_id TEXT,
            label TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, revoked_at TEXT);
        CREATE TABLE service_times (service TEXT PRIMARY KEY, ewma_min REAL NOT NULL, samples INTEGER NOT NULL);
        CREATE TABLE appointments (
            code TEXT PRIMARY KEY, service TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'booked', ticket_id TEXT, created_at TEXT NOT NULL);
        """
    )


def _m2_dossiers(db: sqlite_utils.Database) -> None:
    # Dossiers prepared at a kiosk; ``data`` holds the citizen's form (personal data, kept on the server only
    # until ``purge_after``), never copied into the event log.
    db.executescript(
        """
        CREATE TABLE dossiers (
            id TEXT PRIMARY KEY, receipt_code TEXT NOT NULL UNIQUE, procedure_code TEXT NOT NULL,
            ticket_id TEXT, service TEXT, data TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'submitted',
            created_at TEXT NOT NULL, purge_after TEXT);
        CREATE INDEX dossiers_ticket ON dossiers (ticket_id);
        ALTER TABLE tickets ADD COLUMN dossier_id TEXT;
        """
    )


MIGRATIONS: tuple[Migration, ...] = (_m1_initial, _m2_dossiers)


class Database:
    """One SQLite file shared by the server's threads; writes are serialised by a lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.lock = threading.RLock()
        self._committed_cond = threading.Condition(self.lock)
        self._depth = 0
        self._writers_waiting = 0
        self._counter_lock = threading.Lock()
        self._batch = 0
        self._batch_open = False
        self._committed_batch = 0
        self._batch_errors: dict[int, BaseException] = {}

    @property
    def schema_version(self) -> int:
        """The migration level of the file (PRAGMA user_version)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int | None = None) -> int:
        """Apply pending migrations in place (up to ``target``), each in its own transaction; returns the version."""
        with self.lock:
            version = self.schema_version
            pending = MIGRATIONS[version:target]
            for number, migration in enumerate(pending, start=version + 1):
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    migration(self.db)
                    self.conn.execute(f"PRAGMA user_version={number}")
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
                logger.info("database %s migrated to version %d", self.path, number)
            return self.schema_version

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, durable when the block exits; nested use joins the outer one.

        Group commit: each transaction runs as a SAVEPOINT inside a shared BEGIN IMMEDIATE … COMMIT. The
        last writer of a burst commits for all (one fsync instead of one each); the others wait for that
        COMMIT before they return, so nothing is acknowledged before it is on disk. A failing block rolls
        back only its own savepoint; a failing COMMIT is raised in every member of the batch.
        """
        with self._counter_lock:
            self._writers_waiting += 1
        self.lock.acquire()
        with self._counter_lock:
            self._writers_waiting -= 1
        try:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            if not self._batch_open:
                self.conn.execute("BEGIN IMMEDIATE")
                self._batch_open = True
                self._batch += 1
            batch = self._batch
            self.conn.execute("SAVEPOINT motcua_tx")
            self._depth = 1
            failure: BaseException | None = None
            try:
                yield self.conn
            except BaseException as exc:
                failure = exc
                self.conn.execute("ROLLBACK TO motcua_tx")
            finally:
                self._depth = 0
                self.conn.execute("RELEASE motcua_tx")
            self._finish_batch(batch)
            if failure is not None:
                raise failure
            error = self._batch_errors.get(batch)
            if error is not None:
                raise error
        finally:
            self.lock.release()

    def _finish_batch(self, batch: int) -> None:
        """Commit now if no other writer is about to join; else wait until a later member commits."""
        with self._counter_lock:
            others = self._writers_waiting
        if others == 0 and self._batch_open:
            self._commit()
            return
        while self._committed_batch < batch:
            if not self._committed_cond.wait(timeout=0.05):
                with self._counter_lock:
                    others = self._writers_waiting
                if others == 0 and self._batch_open and self._committed_batch < batch:
                    self._commit()  # the writers we waited for went elsewhere: commit ourselves

    def _commit(self) -> None:
        batch = self._batch
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._batch_errors[batch] = exc
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            logger.error("commit of batch %d failed: %s", batch, exc)
        finally:
            self._batch_open = False
            self._committed_batch = batch
            for old in [b for b in self._batch_errors if b < batch - 100]:
                del self._batch_errors[old]
            self._committed_cond.notify_all()

    def query(self, sql: str, params: tuple[object, ...] | dict[str, object] = ()) -> list[sqlite3.Row]:
        """Run a read query and return rows addressable by column name."""
        with self.lock:
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description or ()]
            return [_Row(names, row) for row in cursor.fetchall()]  # type: ignore[misc]

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.conn.close()


class _Row(dict):  # type: ignore[type-arg]
    def __init__(self, names: list[str], values: tuple[object, ...]) -> None:
        super().__init__(zip(names, values, strict=True))


def open_database(data_dir: Path) -> Database:
    """Open (creating if needed) ``queue.db`` under ``data_dir`` and migrate it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(data_dir / "queue.db")
    database.migrate()
    return database
