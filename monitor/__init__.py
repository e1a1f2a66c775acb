"""The provincial monitor (``motcua monitor``): ingest of every site's uplink, store, alerts, dashboard.

Its public surface is the sub-packages below, each naming its own in ``__all__``; other packages reach the
monitor only through them (``motcua.cli`` runs ``monitor.cli``). Nothing is imported here, so naming the
package loads neither FastAPI nor a database driver.

- ``monitor.store``: ``open_store``, ``Store`` and its rows (SQLite or PostgreSQL)
- ``monitor.ingest``: ``IngestService`` (the one path into the store), ``MqttIngest``, ``create_app``
- ``monitor.alerts``: ``AlertEngine`` (the rules of ``monitor.core`` applied to the store)
- ``monitor.core``: the pure alert rules, device presence, role names
- ``monitor.analytics``: the pure figures, ranking, productivity and forecast
- ``monitor.dashboard``: ``mount`` (pages and JSON on a FastAPI app)
- ``monitor.generator``: ``generate`` (a demonstration province)
- ``monitor.cli``: ``configure``, ``run``
"""

from __future__ import annotations

__all__ = ["alerts", "analytics", "cli", "core", "dashboard", "generator", "ingest", "store"]
