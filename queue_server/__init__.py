"""Queue server: FastAPI app, SQLite store, MQTT publisher, staff console.

The public surface other packages (the simulation harness, benchmarks, tests) may use is ``__all__``; names
load on first use, so importing ``queue_server.core`` never pulls in FastAPI or SQLite.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["QueueService", "ServerSettings", "create_app", "open_database"]

_WHERE = {
    "QueueService": "queue_server.service",
    "ServerSettings": "queue_server.settings",
    "create_app": "queue_server.app",
    "open_database": "queue_server.store.db",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'queue_server' has no attribute {name!r}")
