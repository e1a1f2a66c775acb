"""Schema migrations: ``mNNN_name.py`` modules with ``migrate(db)``; NNN is the schema version.

Each migration runs inside the transaction that also records its version, so it applies wholly or not
at all. Use ``run_statements`` rather than ``executescript`` (which would commit half-way).
"""

from __future__ import annotations

import sqlite_utils


def run_statements(db: sqlite_utils.Database, script: str) -> None:
    """Execute ``;``-separated DDL statements one by one in the current transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.conn.execute(statement)
