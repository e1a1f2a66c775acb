"""The SQLite connection: WAL, synchronous=FULL, one writer at a time, migrations in place."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

logger = logging.getLogger(__name__)

Migration = Callable[[sqlite_utils.Database], None]


def discover_migrations() -> tuple[tuple[int, str, Migration], ...]:
    """Migrations from ``queue_server/store/migrations/mNNN_name.py`` (each has ``migrate(db)``), in order.

    A migration's number is its schema version; numbers may have gaps (a feature's migration can land
    before or after another's), and each runs once, in number order, on files below its version.
    """
    found = []
    package = "queue_server.store.migrations"
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
        match = re.fullmatch(r"m(\d{3})_\w+", module.name)
        if match:
            migrate = importlib.import_module(f"{package}.{module.name}").migrate
            found.append((int(match.group(1)), module.name, migrate))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(numbers) != len(set(numbers)):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return tuple(found)


MIGRATIONS = discover_migrations()
LATEST_VERSION = MIGRATIONS[-1][0]


class Database:
    """One SQLite file shared by the server's threads; writes are serialised by a lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        # Personal data that is purged (dossier fields, comment text) must not linger in free space
        # of the file: overwrite deleted content, and keep the WAL from growing past 4 MB.
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA journal_size_limit=4194304")
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
        self._reader: sqlite3.Connection | None = None
        self._reader_lock = threading.Lock()

    @property
    def schema_version(self) -> int:
        """The migration level of the file (PRAGMA user_version)."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int | None = None) -> int:
        """Apply pending migrations in place (up to ``target``), each in its own transaction; returns the version."""
        with self.lock:
            version = self.schema_version
            pending = [(n, m) for n, _, m in MIGRATIONS if n > version and (target is None or n <= target)]
            for number, migration in pending:
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

    def read(self, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
        """A read on a second connection: never waits for a writer's lock or fsync (WAL readers don't)."""
        with self._reader_lock:
            if self._reader is None:
                self._reader = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
                self._reader.execute("PRAGMA query_only=ON")
            cursor = self._reader.execute(sql, params)
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def query(self, sql: str, params: tuple[object, ...] | dict[str, object] = ()) -> list[sqlite3.Row]:
        """Run a read query and return rows addressable by column name."""
        with self.lock:
            cursor = self.conn.execute(sql, params)
            names = [d[0] for d in cursor.description or ()]
            return [_Row(names, row) for row in cursor.fetchall()]  # type: ignore[misc]

    def close(self) -> None:
        """Close the connections."""
        with self.lock:
            self.conn.close()
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None


class _Row(dict):  # type: ignore[type-arg]
    def __init__(self, names: list[str], values: tuple[object, ...]) -> None:
        super().__init__(zip(names, values, strict=True))


def open_database(data_dir: Path) -> Database:
    """Open (creating if needed) ``queue.db`` under ``data_dir`` and migrate it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(data_dir / "queue.db")
    database.migrate()
    return database
