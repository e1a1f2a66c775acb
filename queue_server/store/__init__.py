"""SQLite storage of the queue server (sqlite-utils, WAL, synchronous=FULL)."""

from queue_server.store.db import Database, open_database

__all__ = ["Database", "open_database"]
