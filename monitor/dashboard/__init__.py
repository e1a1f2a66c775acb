"""The provincial monitor's web dashboard: all sites live, rankings, per-site pages, demand forecast.

``motcua monitor`` mounts it with :func:`mount`; pages are ``/`` and ``/sites/{site}``, JSON is under
``/api/v1/dashboard/...`` and static files under ``/dashboard-static``. It mounts only on the monitor's app
(``monitor.ingest.create_app``), whose guard makes every page and read require a sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

__all__ = ["mount"]


def mount(
    app: Any,
    store: Any,
    *,
    clock: Callable[[], datetime] | None = None,
    period_days: int = 28,
    refresh_seconds: float = 2.0,
    warm: bool = True,
) -> None:
    """Add the dashboard's routes to ``app`` over ``store``; the first load of events starts in the background.

    Refuses an app without the monitor's access control (``create_app`` installs it): the dashboard would
    answer anyone.
    """
    if getattr(app.state, "auth", None) is None:
        raise RuntimeError("mount the dashboard on monitor.ingest.create_app(...), which requires sign-in")
    from fastapi.staticfiles import StaticFiles

    from monitor.dashboard.routes import WEB, build_router
    from monitor.dashboard.service import DashboardService, utc_now

    service = DashboardService(store, clock=clock or utc_now, period_days=period_days, refresh_seconds=refresh_seconds)
    app.state.dashboard = service
    app.include_router(build_router())
    app.mount("/dashboard-static", StaticFiles(directory=WEB / "static"), name="dashboard-static")
    if warm:
        service.warm()
