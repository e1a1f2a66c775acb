"""The desk's printouts and capture devices: receipt and supplement slips, scanner and camera papers.

``GET /dossiers/{id}/receipt`` and ``/missing/slip`` give a slip's lines (and its QR as a PNG) for the
browser-printed fallback; ``POST …/receipt/print`` and ``…/missing/print`` print it on the counter's network
ESC/POS printer (``MOTCUA_COUNTER_PRINTERS``). ``POST /dossiers/{id}/scan`` scans a paper on the server's
SANE scanner and ``POST /dossiers/{id}/photo`` takes a document-camera frame (page found, flattened, deskewed);
both store it like an upload. The department's page is served here too.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from queue_server import printing
from queue_server.api.deps import require_roles
from queue_server.api.dossiers import ERRORS, DossierId, _parse_upload, _too_large, actor_of, desk
from queue_server.api.errors import ApiError
from queue_server.auth import Principal

router = APIRouter(tags=["dossiers"])
WEB_DIR = resources.files("queue_server") / "web"

DeskDep = Annotated[Principal, Depends(require_roles("counter"))]
StaffDep = Annotated[Principal, Depends(require_roles("counter", "department"))]
CounterQuery = Annotated[str | None, Query(max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]
PRINTED_STATUSES = frozenset({"received", "forwarded", "supplement_requested", "supplemented", "result_ready"})


@router.get("/console/department", include_in_schema=False)
def department_page() -> FileResponse:
    """The department's page of the staff console."""
    return FileResponse(str(WEB_DIR / "department.html"), media_type="text/html; charset=utf-8")


def _counter_of(principal: Principal, counter: str | None) -> str | None:
    return principal.counter_id if principal.role == "counter" else counter


def _counter_name(request: Request, counter_id: str | None) -> str | None:
    if not counter_id:
        return None
    try:
        found, _current = desk(request).service.counter(counter_id)
    except Exception:  # an admin naming an unknown counter: print without its name
        return None
    return str(found.name_vi)


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.timezone)


def _follow(request: Request, code: str) -> str:
    base = request.app.state.settings.public_url or str(request.base_url)
    return printing.follow_url(base, code)


def _receipt(request: Request, principal: Principal, dossier_id: str, counter: str | None) -> tuple[list[Any], str]:
    view = desk(request).view(actor_of(request, principal), dossier_id, "receipt")
    if view["status"] not in PRINTED_STATUSES or not view.get("code"):
        raise ApiError(
            409,
            "not_received",
            "Hồ sơ chưa được tiếp nhận: chưa có giấy tiếp nhận để in.",
            "The dossier has not been received: there is no receipt to print yet.",
        )
    url = _follow(request, view["code"])
    settings = request.app.state.settings
    lines = printing.receipt_lines(
        view,
        site_name_vi=settings.site_name_vi,
        counter_name_vi=_counter_name(request, _counter_of(principal, counter)),
        url=url,
        zone=_zone(request),
    )
    return lines, url


def _supplement(request: Request, principal: Principal, dossier_id: str, counter: str | None) -> list[Any]:
    missing = desk(request).missing(actor_of(request, principal), dossier_id)
    if not missing.get("missing"):
        raise ApiError(
            409,
            "nothing_missing",
            "Hồ sơ không thiếu giấy tờ bắt buộc nào: không cần phiếu bổ sung.",
            "No required paper is missing: there is no supplement list to print.",
        )
    return printing.supplement_lines(
        missing, counter_name_vi=_counter_name(request, _counter_of(principal, counter)), zone=_zone(request)
    )


def _print(request: Request, principal: Principal, counter: str | None, lines: list[Any]) -> dict[str, Any]:
    from motcua.runtime.escpos import PrinterUnavailable

    counter_id = _counter_of(principal, counter)
    try:
        url = printing.printer_url(request.app.state.settings.counter_printers, counter_id)
    except ValueError:
        url = None
    if url is None:
        raise ApiError(
            409,
            "no_printer",
            "Quầy chưa được cấu hình máy in (MOTCUA_COUNTER_PRINTERS): hãy in bằng trình duyệt.",
            "This counter has no printer configured (MOTCUA_COUNTER_PRINTERS): print from the browser.",
        )
    try:
        printing.send(lines, url)
    except PrinterUnavailable as exc:
        raise ApiError(503, f"printer_{exc.reason}", exc.message_vi + ".", exc.message_en + ".") from None
    return {"printed": True, "counter_id": counter_id, "printer": url.removeprefix("tcp://")}


def _slip_json(lines: list[Any], url: str | None) -> dict[str, Any]:
    return {
        "lines": [printing.line_json(line) for line in lines],
        "follow_url": url,
        "qr_png": printing.qr_png_data_uri(url) if url else None,
    }


@router.get("/api/v1/dossiers/{dossier_id}/receipt", responses=ERRORS)
def receipt(
    dossier_id: DossierId, request: Request, principal: DeskDep, counter: CounterQuery = None
) -> dict[str, Any]:
    """The receipt and appointment slip's lines and QR (for printing from the browser)."""
    lines, url = _receipt(request, principal, dossier_id, counter)
    return _slip_json(lines, url)


@router.post("/api/v1/dossiers/{dossier_id}/receipt/print", responses={**ERRORS, 503: ERRORS[409]})
def print_receipt(
    dossier_id: DossierId, request: Request, principal: DeskDep, counter: CounterQuery = None
) -> dict[str, Any]:
    """Print the receipt and appointment slip on the counter's printer."""
    lines, _url = _receipt(request, principal, dossier_id, counter)
    return _print(request, principal, counter, lines)


@router.get("/api/v1/dossiers/{dossier_id}/missing/slip", responses=ERRORS)
def supplement_slip(
    dossier_id: DossierId, request: Request, principal: DeskDep, counter: CounterQuery = None
) -> dict[str, Any]:
    """The supplement list's lines (for printing from the browser)."""
    return _slip_json(_supplement(request, principal, dossier_id, counter), None)


@router.post("/api/v1/dossiers/{dossier_id}/missing/print", responses={**ERRORS, 503: ERRORS[409]})
def print_supplement(
    dossier_id: DossierId, request: Request, principal: DeskDep, counter: CounterQuery = None
) -> dict[str, Any]:
    """Print the phiếu hướng dẫn bổ sung hồ sơ on the counter's printer."""
    return _print(request, principal, counter, _supplement(request, principal, dossier_id, counter))


# -- capture devices


class ScanBody(BaseModel):
    """Scan one paper of a kind on the server's scanner (SANE device name; default: the first found)."""

    model_config = ConfigDict(extra="forbid")
    kind: str = Field(min_length=1, max_length=24, pattern=r"^[A-Z][A-Z0-9_]{0,23}$")
    device: str | None = Field(None, min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_.:/@-]+$")
    resolution: int = Field(200, ge=75, le=600)


def _store(request: Request, principal: Principal, dossier_id: str, kind: str, captured: Any, source: str) -> Any:
    actor = actor_of(request, principal)
    return desk(request).add_paper(
        actor,
        dossier_id,
        kind,
        captured.pdf,
        captured.text,
        list(captured.thumbnails),
        captured.pages,
        "application/pdf",
        source,
    )


def _capture_error(exc: Any) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message_vi, exc.message_en)


@router.post("/api/v1/dossiers/{dossier_id}/scan", status_code=201, responses={**ERRORS, 503: ERRORS[409]})
async def scan_paper(
    dossier_id: DossierId, body: ScanBody, request: Request, principal: StaffDep, response: Response
) -> dict[str, Any]:
    """Scan a paper on the site server's flatbed scanner (SANE), OCR it to a PDF and attach it."""
    from queue_server.capture import CaptureError, list_scanners, scan

    actor = await run_in_threadpool(actor_of, request, principal)
    real_id = await run_in_threadpool(desk(request).check_paper_target, actor, dossier_id, body.kind)
    try:
        device = body.device
        if device is None:
            found = await run_in_threadpool(list_scanners)
            device = found[0] if found else "test"
        captured = await run_in_threadpool(scan, device, body.resolution)
    except CaptureError as exc:
        raise _capture_error(exc) from None
    record = await run_in_threadpool(_store, request, principal, real_id, body.kind, captured, captured.sha256)
    if record.duplicate:
        response.status_code = 200
    return dict(record.public())


@router.post("/api/v1/dossiers/{dossier_id}/photo", status_code=201, responses=ERRORS)
async def photo_paper(
    dossier_id: DossierId, request: Request, principal: StaffDep, response: Response
) -> dict[str, Any]:
    """A document-camera frame (multipart ``file`` JPEG/PNG + ``kind``): page found, flattened, OCR'd, attached."""
    from queue_server.capture import CaptureError, process_photo

    limit = int(request.app.state.settings.paper_max_bytes)
    actor = await run_in_threadpool(actor_of, request, principal)
    file, kind = await _parse_upload(request, limit)
    data = await file.read()
    if len(data) > limit:
        raise _too_large(limit)
    real_id = await run_in_threadpool(desk(request).check_paper_target, actor, dossier_id, kind)
    source = hashlib.sha256(data).hexdigest()
    same: Any = await run_in_threadpool(desk(request).find_upload, real_id, source)
    if same is None:
        try:
            captured = await run_in_threadpool(process_photo, data)
        except CaptureError as exc:
            raise _capture_error(exc) from None
        same = await run_in_threadpool(_store, request, principal, real_id, kind, captured, source)
    if same.duplicate:
        response.status_code = 200
    return dict(same.public())


@router.get("/api/v1/dossiers/{dossier_id}/slip-preview.png", include_in_schema=False)
def receipt_png(dossier_id: DossierId, request: Request, principal: DeskDep, counter: CounterQuery = None) -> Response:
    """The receipt slip rendered as the printer prints it (PNG)."""
    lines, _url = _receipt(request, principal, dossier_id, counter)
    return Response(printing.render_png(lines), media_type="image/png", headers={"Cache-Control": "no-store"})
