"""Today's KPIs of the site, computed on the site server from the ticket events the agent has seen.

Every ``kpi_interval_s`` the agent computes the queue server's KPIs (``motcua.domain.kpis.compute_kpis``)
from the day's events kept in the outbox and uplinks a ``kpi.snapshot`` when they changed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from edge_agent.outbox import NewEvent, Outbox
from edge_agent.pipeline import service_day
from edge_agent.settings import AgentSettings
from motcua.contract.events import DomainEvent
from motcua.domain.kpis import compute_kpis

__all__ = ["KpiSnapshots"]


class KpiSnapshots:
    """``run()`` appends a ``kpi.snapshot`` business event whenever today's KPIs change."""

    def __init__(
        self,
        settings: AgentSettings,
        outbox: Outbox,
        *,
        stopping: threading.Event,
        notify_uplink: Callable[[], None],
    ) -> None:
        self.settings = settings
        self.outbox = outbox
        self._stopping = stopping
        self._notify_uplink = notify_uplink
        self._last: dict[str, Any] | None = None

    def snapshot(self, now: datetime) -> dict[str, Any] | None:
        """Today's KPIs from the ticket events seen, or None before the day's first event."""
        day = service_day(now, self.settings.timezone)
        rows = self.outbox.day_events(day)
        if not rows:
            return None
        kpis = compute_kpis([DomainEvent(t, at, data) for t, at, data in rows], now)
        return {"day": day, **kpis}

    async def run(self) -> None:
        """Snapshot every ``kpi_interval_s`` until the agent stops; keep only today's events."""
        while not self._stopping.is_set():
            await asyncio.sleep(self.settings.kpi_interval_s)
            now = datetime.now(UTC)
            snapshot = await asyncio.to_thread(self.snapshot, now)
            if snapshot is not None:
                comparable = {k: v for k, v in snapshot.items() if k != "longest_open_wait_min"}
                if comparable != self._last:
                    self._last = comparable
                    await asyncio.to_thread(self.outbox.append, NewEvent("business", "kpi.snapshot", now, snapshot))
                    self._notify_uplink()
            await asyncio.to_thread(self.outbox.prune_days, service_day(now, self.settings.timezone))
