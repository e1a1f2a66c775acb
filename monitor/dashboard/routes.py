"""HTTP routes of the dashboard: two pages, their JSON, and the static files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from monitor.dashboard.service import DashboardService, NotReady

WEB = Path(__file__).resolve().parent.parent / "web"


def _service(request: Request) -> DashboardService:
    service: DashboardService = request.app.state.dashboard
    return service


ServiceDep = Annotated[DashboardService, Depends(_service)]


def _error(status: int, code: str, message_vi: str, message_en: str, **headers: str) -> JSONResponse:
    return JSONResponse({"code": code, "message_vi": message_vi, "message_en": message_en}, status, headers=headers)


def _not_ready() -> JSONResponse:
    return _error(
        503,
        "warming_up",
        "Bảng điều khiển đang nạp dữ liệu, vui lòng chờ trong giây lát.",
        "The dashboard is loading its data, please wait a moment.",
        **{"Retry-After": "2"},
    )


def _json(request: Request, data: dict[str, Any]) -> Response:
    """JSON with an ETag of the ledger version and computation time, answering 304 when unchanged."""
    tag = '"' + hashlib.sha1(f"{data.get('version')}:{data.get('generated_at')}".encode()).hexdigest()[:16] + '"'
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return JSONResponse(data, headers={"ETag": tag, "Cache-Control": "no-cache"})


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((WEB / name).read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


def build_router() -> APIRouter:
    """The dashboard's routes (pages under ``/``, JSON under ``/api/v1/dashboard``)."""
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page() -> HTMLResponse:
        return _page("overview.html")

    @router.get("/sites/{site}", response_class=HTMLResponse, include_in_schema=False)
    def site_page(site: str) -> HTMLResponse:
        return _page("site.html")

    @router.get("/api/v1/dashboard/overview", tags=["dashboard"])
    def overview(request: Request, service: ServiceDep) -> Response:
        """Every site's live status, ranking and productivity; the province's totals."""
        try:
            return _json(request, service.overview())
        except NotReady:
            return _not_ready()

    @router.get("/api/v1/dashboard/sites/{site}", tags=["dashboard"])
    def site(site: str, request: Request, service: ServiceDep) -> Response:
        """One site: hourly arrivals and waits, forecast, services, counters, staff, devices, alerts."""
        try:
            data = service.site(site)
        except NotReady:
            return _not_ready()
        if data is None:
            return _error(404, "site_not_found", f"Không có điểm phục vụ “{site}”.", f"No site “{site}”.")
        return _json(request, data)

    @router.get("/api/v1/dashboard/status", tags=["dashboard"])
    def status(service: ServiceDep) -> dict[str, Any]:
        """Events loaded, first-load time, last overview computation time."""
        return {**service.status(), "ready": service.ready}

    return router
