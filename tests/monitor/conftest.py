"""Fixtures of the monitor tests: the store on SQLite and on a real PostgreSQL server started for the session
(the dashboard tests override ``store`` with their simulated province)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.store import Store, open_store
from monitor.store.postgres_server import TempPostgres


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TempPostgres]:
    server = TempPostgres(Path(tmp_path_factory.mktemp("pg"))).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'monitor.db'}")
    else:
        import psycopg

        server: TempPostgres = request.getfixturevalue("postgres")
        name = f"t{uuid.uuid4().hex[:10]}"
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        opened = open_store(server.url.rsplit("/", 1)[0] + f"/{name}")
    yield opened
    opened.close()
