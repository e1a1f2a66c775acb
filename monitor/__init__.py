"""The provincial monitor (``motcua monitor``): ingest of every site's uplink, store, alerts, dashboard.

Its public surface is the sub-packages below, each naming its own in ``__all__``; other packages reach the
monitor only through them (``motcua.cli`` runs ``monitor.cli``). Nothing is imported here, so naming the
package loads neither FastAPI nor a database driver.

- ``monitor.store``: ``open_store``, ``Store`` and its rows (SQLite or PostgreSQL)
- ``monitor.ingest``: ``IngestService`` (the one path into the store), ``MqttIngest``, ``create_app``
- ``monitor.auth``: ``AuthService`` (accounts, lock-out, sessions, API tokens, audit log) and, in
  ``monitor.auth.http``, the guard on every route; the access rules are ``monitor.core.access.RULES``
- ``monitor.errors``: ``ApiError`` (a JSON error in Vietnamese and English)
- ``monitor.alerts``: ``AlertEngine`` (the rules of ``monitor.core`` applied to the store)
- ``monitor.core``: the pure alert rules, device presence, role names, access rules
- ``monitor.analytics``: the pure figures, ranking, productivity and forecast
- ``monitor.dashboard``: ``mount`` (pages and JSON on a FastAPI app)
- ``monitor.generator``: ``generate`` (a demonstration province)
- ``monitor.cli``: ``configure``, ``run``
"""

from __future__ import annotations

__all__ = ["alerts", "analytics", "auth", "cli", "core", "dashboard", "errors", "generator", "ingest", "store"]
