"""The ``alerts`` table: add, resolve, list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.store._connection import StoreConnection
from monitor.store.rows import AlertRow
from motcua.contract.uplink import Alert


class AlertsMixin(StoreConnection):
    """``add_alert``, ``resolve_alert``, ``alerts``."""

    def add_alert(self, alert: Alert) -> int:
        """Store an alert; returns its id."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO alerts (site, kind, severity, message_vi, message_en, at, data) "
                    f"VALUES (?, ?, ?, ?, ?, ?, {self.dialect.json_param}) RETURNING id"
                ),
                [
                    alert.site,
                    alert.kind,
                    alert.severity,
                    alert.message_vi,
                    alert.message_en,
                    self._ts(alert.at),
                    self._json_in(alert.data),
                ],
            )
            return int(cur.fetchone()[0])

    def resolve_alert(self, alert_id: int, at: datetime) -> None:
        """Mark an alert resolved at ``at`` (no-op when already resolved)."""
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE alerts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL"),
                [self._ts(at), alert_id],
            )

    def alerts(
        self, site: str | None = None, *, since: datetime | None = None, open_only: bool = False
    ) -> list[AlertRow]:
        """Alerts, oldest first; ``open_only`` keeps the unresolved ones."""
        clauses: list[str] = []
        params: list[Any] = []
        if site is not None:
            clauses.append("site = ?")
            params.append(site)
        if since is not None:
            clauses.append("at >= ?")
            params.append(self._ts(since))
        if open_only:
            clauses.append("resolved_at IS NULL")
        sql = "SELECT id, site, kind, severity, message_vi, message_en, at, data, resolved_at FROM alerts"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        with self._tx() as cur:
            cur.execute(self._sql(sql + " ORDER BY at, id"), params)
            rows = cur.fetchall()
        return [
            AlertRow(
                int(r[0]),
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                self._dt(r[6]),
                self._json_out(r[7]),
                None if r[8] is None else self._dt(r[8]),
            )
            for r in rows
        ]
