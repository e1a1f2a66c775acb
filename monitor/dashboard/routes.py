"""HTTP routes of the dashboard: two pages, their JSON, an export, and the static files.

Access is the app's guard's (``monitor.core.access.RULES``): a site manager's overview holds only their
sites, another site's page or JSON answers 403, and every export is written to the audit log.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from monitor.auth.http import AuthDep, PrincipalDep, client_ip
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
    mark = f"{data.get('version')}:{data.get('generated_at')}:{data.get('scope')}"
    tag = '"' + hashlib.sha1(mark.encode()).hexdigest()[:16] + '"'
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return JSONResponse(data, headers={"ETag": tag, "Cache-Control": "no-cache"})


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((WEB / name).read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})


def _csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV (UTF-8 with a BOM, so that a spreadsheet reads the diacritics); nested values flattened."""
    flat = [
        {
            **{k: v for k, v in row.items() if not isinstance(v, dict)},
            **{f"component_{k}": v for k, v in (row.get("components") or {}).items()},
        }
        for row in rows
    ]
    columns = list(dict.fromkeys(k for row in flat for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(flat)
    return "\ufeff" + out.getvalue()


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
    def overview(request: Request, service: ServiceDep, principal: PrincipalDep) -> Response:
        """Every site's live status, ranking and productivity; the province's totals (for a caller who reads
        some sites only: their rows, ranked among their level, and their totals; ``scope`` lists them)."""
        try:
            return _json(request, service.overview(principal.sites))
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

    @router.get("/api/v1/dashboard/export", tags=["dashboard"])
    def export(
        request: Request,
        service: ServiceDep,
        principal: PrincipalDep,
        auth: AuthDep,
        site: str | None = None,
        format: Literal["csv", "json"] = "csv",
    ) -> Response:
        """Download the live table (of ``site``, else of every site the caller may read) as CSV or JSON;
        operators and site managers; written to the audit log."""
        try:
            data = service.overview(principal.sites)
        except NotReady:
            return _not_ready()
        rows = [r for r in data["sites"] if site is None or r["site"] == site]
        if site is not None and not rows and not service.has_site(site):
            return _error(404, "site_not_found", f"Không có điểm phục vụ “{site}”.", f"No site “{site}”.")
        auth.audit(
            "export",
            principal,
            site=site,
            ip=client_ip(request),
            detail={"format": format, "rows": len(rows), "day": data["day"]},
        )
        name = f"motcua-{site or 'sites'}-{data['day']}.{format}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
        if format == "json":
            body = json.dumps(
                {"day": data["day"], "generated_at": data["generated_at"], "sites": rows}, ensure_ascii=False
            )
            return Response(body, media_type="application/json", headers=headers)
        return Response(_csv(rows), media_type="text/csv; charset=utf-8", headers=headers)

    @router.get("/api/v1/dashboard/status", tags=["dashboard"])
    def status(service: ServiceDep) -> dict[str, Any]:
        """Events loaded, first-load time, last overview computation time."""
        return {**service.status(), "ready": service.ready}

    return router
