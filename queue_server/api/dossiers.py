"""Dossiers: submitted by kiosks, taken in at the desk, followed by the departments (see docs/dossiers.md).

Every read of personal data (form values, papers) writes the access log. Shapes: motcua/contract/dossiers.py.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import UploadFile

from motcua.contract.dossiers import (
    ChecklistUpdate,
    DossierDraftCreate,
    DossierEdit,
    ForwardBody,
    ReasonBody,
    SupplementRequest,
)
from queue_server.api.deps import (
    IdempotencyKey,
    KioskDep,
    PrincipalDep,
    check_counter,
    request_hash,
    require_idempotency_key,
    require_roles,
)
from queue_server.api.errors import ApiError, ErrorBody
from queue_server.auth import Principal
from queue_server.dossiers import Actor, DossierDesk

router = APIRouter(prefix="/api/v1", tags=["dossiers"])
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 415, 422)
}
DEFAULT_MAX_PAPER_BYTES = 20_000_000
_MULTIPART_SLACK = 64 * 1024  # headers and the kind field around the file

DeskDep = Annotated[Principal, Depends(require_roles("counter"))]
StaffDep = Annotated[Principal, Depends(require_roles("counter", "department"))]
DepartmentDep = Annotated[Principal, Depends(require_roles("department"))]
DossierId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
PaperId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Purpose = Annotated[str | None, Query(max_length=200)]


class DossierCreate(BaseModel):
    """A dossier prepared at a kiosk: the procedure, the ticket it belongs to, the form's values."""

    model_config = ConfigDict(extra="forbid")
    procedure_code: str = Field(min_length=1, max_length=40)
    ticket_id: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    data: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=500)]] = Field(
        default_factory=dict, max_length=60
    )


class DossierReceipt(BaseModel):
    """What the citizen gets back: the receipt code."""

    id: str
    receipt_code: str
    procedure_code: str
    ticket_id: str | None
    created_at: str


def desk(request: Request) -> DossierDesk:
    """The dossier desk of this app."""
    found: DossierDesk = request.app.state.dossiers
    return found


def actor_of(request: Request, principal: Principal) -> Actor:
    """The acting staff: a counter's signed-in clerk, a department token's label."""
    staff_id = None
    if principal.role == "counter" and principal.counter_id:
        counter, _current = desk(request).service.counter(principal.counter_id)
        staff_id = counter.staff_id
    elif principal.role in ("department", "admin"):
        staff_id = principal.label or principal.token_id
    return Actor(
        token_id=principal.token_id,
        role=principal.role,
        counter_id=principal.counter_id,
        department=getattr(principal, "department", None),
        staff_id=staff_id,
    )


def _purpose(principal: Principal, purpose: str | None) -> str:
    if purpose and purpose.strip():
        return purpose.strip()
    return {"counter": "intake", "department": "processing"}.get(principal.role, "administration")


@router.post("/dossiers", status_code=201, response_model=DossierReceipt, responses=ERRORS)
def submit_dossier(
    body: DossierCreate,
    request: Request,
    principal: KioskDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Submit a dossier; a retry with the same Idempotency-Key returns the same receipt."""
    key = require_idempotency_key(idempotency_key)
    receipt, replayed = desk(request).submit(
        body.procedure_code,
        body.ticket_id,
        body.data,
        idempotency_key=key,
        scope=principal.token_id,
        request_hash=request_hash(body.model_dump()),
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return receipt


@router.get("/counters/{counter_id}/dossiers", responses=ERRORS)
def counter_dossiers(
    counter_id: Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")],
    request: Request,
    principal: PrincipalDep,
) -> list[dict[str, Any]]:
    """Dossiers waiting for this counter (without form data)."""
    check_counter(principal, counter_id)
    return desk(request).for_counter(counter_id)


@router.get("/counters/{counter_id}/current-dossier", responses=ERRORS)
def current_dossier(
    counter_id: Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")],
    request: Request,
    principal: PrincipalDep,
) -> dict[str, Any]:
    """The dossier of the ticket this counter calls or serves, with every form field and the checklist."""
    check_counter(principal, counter_id)
    return desk(request).current_for_counter(actor_of(request, principal), counter_id)


@router.post("/dossiers/draft", status_code=201, responses=ERRORS)
def create_draft(
    body: DossierDraftCreate,
    request: Request,
    principal: DeskDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Start a walk-in's dossier at the desk for a procedure."""
    key = require_idempotency_key(idempotency_key)
    view, replayed = desk(request).create_draft(
        actor_of(request, principal),
        body.procedure_code,
        body.ticket_id,
        dict(body.data),
        idempotency_key=key,
        request_hash=request_hash(body.model_dump()),
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return view


@router.get("/dossiers", responses=ERRORS)
def list_dossiers(
    request: Request,
    principal: StaffDep,
    status: Annotated[str | None, Query(max_length=30, pattern=r"^[a-z_]+$")] = None,
    late: bool = False,
    day: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    department: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")] = None,
) -> list[dict[str, Any]]:
    """Dossiers without personal data: the site's, or a department's queue."""
    return desk(request).list_dossiers(
        actor_of(request, principal), status=status, late=late, department=department, day=day
    )


@router.get("/departments/dossiers", responses=ERRORS)
def department_queue(
    request: Request,
    principal: DepartmentDep,
    status: Annotated[str | None, Query(max_length=30, pattern=r"^[a-z_]+$")] = None,
    late: bool = False,
    department: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")] = None,
) -> list[dict[str, Any]]:
    """A department's queue: received dossiers sent to it, late ones flagged."""
    return desk(request).list_dossiers(actor_of(request, principal), status=status, late=late, department=department)


@router.get("/dossiers/{dossier_id}", responses=ERRORS)
def get_dossier(
    dossier_id: DossierId, request: Request, principal: StaffDep, purpose: Purpose = None
) -> dict[str, Any]:
    """A dossier with its form data and checklist (the read is written to the access log)."""
    return desk(request).view(actor_of(request, principal), dossier_id, _purpose(principal, purpose))


@router.patch("/dossiers/{dossier_id}", responses=ERRORS)
def edit_dossier(dossier_id: DossierId, body: DossierEdit, request: Request, principal: DeskDep) -> dict[str, Any]:
    """Change form values while the dossier is at the desk."""
    return desk(request).edit(actor_of(request, principal), dossier_id, dict(body.data))


@router.put("/dossiers/{dossier_id}/checklist", responses=ERRORS)
def tick_papers(dossier_id: DossierId, body: ChecklistUpdate, request: Request, principal: DeskDep) -> dict[str, Any]:
    """Tick (or untick) papers received at the desk."""
    items = {kind: (tick.received, tick.count) for kind, tick in body.items.items()}
    return desk(request).set_ticks(actor_of(request, principal), dossier_id, items)


@router.get("/dossiers/{dossier_id}/missing", responses=ERRORS)
def missing_papers(dossier_id: DossierId, request: Request, principal: StaffDep) -> dict[str, Any]:
    """The papers still to bring: the data of the printed phiếu hướng dẫn bổ sung hồ sơ."""
    return desk(request).missing(actor_of(request, principal), dossier_id)


@router.get("/dossiers/{dossier_id}/access-log", responses=ERRORS)
def access_log(
    dossier_id: DossierId, request: Request, principal: Annotated[Principal, Depends(require_roles())]
) -> list[dict[str, Any]]:
    """Who opened this dossier's personal data (admins only)."""
    return desk(request).access_log(dossier_id)


# -- papers


def _too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "too_large",
        f"Tệp quá lớn (tối đa {limit // 1_000_000} MB).",
        f"The file is too large (at most {limit // 1_000_000} MB).",
    )


async def _bounded_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed ``limit`` (never read whole)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit + _MULTIPART_SLACK:
                raise _too_large(limit)
        except ValueError:
            raise ApiError(400, "bad_length", "Content-Length không hợp lệ.", "Invalid Content-Length.") from None
    buffer = bytearray()
    async for chunk in request.stream():
        buffer += chunk
        if len(buffer) > limit + _MULTIPART_SLACK:
            raise _too_large(limit)
    return bytes(buffer)


async def _parse_upload(request: Request, limit: int) -> tuple[UploadFile, str]:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(
            415,
            "multipart_required",
            "Gửi tệp theo dạng multipart/form-data (trường 'file' và 'kind').",
            "Send the file as multipart/form-data (fields 'file' and 'kind').",
        )
    body = await _bounded_body(request, limit)
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=4)
    except Exception:
        raise ApiError(
            400, "bad_multipart", "Dữ liệu tải lên không hợp lệ.", "The multipart upload is malformed."
        ) from None
    file, kind = form.get("file"), form.get("kind")
    if not isinstance(file, UploadFile):
        raise ApiError(422, "file_required", "Thiếu tệp (trường 'file').", "The 'file' field is required.")
    if not isinstance(kind, str) or not kind.strip() or len(kind) > 24:
        raise ApiError(422, "kind_required", "Thiếu loại giấy tờ (trường 'kind').", "The 'kind' field is required.")
    return file, kind.strip().upper()


def capture_upload(
    data: bytes, filename: str, content_type: str, max_bytes: int
) -> tuple[bytes, str, list[bytes], int, str]:
    """The one place an upload becomes a stored paper: the capture pipeline's PDF, text and thumbnails."""
    try:
        from queue_server.capture import CaptureError, process_upload
    except ImportError:  # pragma: no cover - the capture package ships with the server
        return _as_is(data)
    try:
        paper = process_upload(data, filename, content_type, max_bytes=max_bytes)
    except CaptureError as exc:
        raise ApiError(exc.status, exc.code, exc.message_vi, exc.message_en) from None
    return paper.pdf, paper.text, list(paper.thumbnails), paper.pages, "application/pdf"


_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def _as_is(data: bytes) -> tuple[bytes, str, list[bytes], int, str]:
    kind = next((ct for magic, ct in _MAGIC if data.startswith(magic)), None)
    if kind is None:
        raise ApiError(415, "unsupported_media", "Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF.", "Only JPEG, PNG or PDF files.")
    return data, "", [], 1, kind


_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "PDF, JPEG, PNG or TIFF"},
                        "kind": {"type": "string", "maxLength": 24, "description": "a checklist kind, or KETQUA"},
                    },
                }
            }
        },
    }
}


@router.post("/dossiers/{dossier_id}/papers", status_code=201, responses=ERRORS, openapi_extra=_UPLOAD_BODY)
async def add_paper(dossier_id: DossierId, request: Request, principal: StaffDep, response: Response) -> dict[str, Any]:
    """Attach a paper (multipart ``file`` + ``kind``; ``KETQUA`` for a result): captured to a PDF with OCR
    text, encrypted at rest; the same bytes again give back the same paper (200, ``duplicate``)."""
    limit = int(getattr(request.app.state.settings, "paper_max_bytes", DEFAULT_MAX_PAPER_BYTES))
    the_desk = desk(request)
    actor = await run_in_threadpool(actor_of, request, principal)
    file, kind = await _parse_upload(request, limit)
    data = await file.read()
    if len(data) > limit:
        raise _too_large(limit)
    real_id = await run_in_threadpool(the_desk.check_paper_target, actor, dossier_id, kind)
    source = hashlib.sha256(data).hexdigest()
    same = await run_in_threadpool(the_desk.find_upload, real_id, source)
    if same is None:
        pdf, text, thumbs, pages, content_type = await run_in_threadpool(
            capture_upload, data, file.filename or "", file.content_type or "", limit
        )
        same = await run_in_threadpool(
            the_desk.add_paper, actor, real_id, kind, pdf, text, thumbs, pages, content_type, source
        )
    if same.duplicate:
        response.status_code = 200
    return same.public()


@router.get("/dossiers/{dossier_id}/papers/{paper_id}", responses=ERRORS)
def read_paper(
    dossier_id: DossierId, paper_id: PaperId, request: Request, principal: StaffDep, purpose: Purpose = None
) -> Response:
    """A paper's content (PDF), decrypted and checked against its hash; the read is logged."""
    data, media = desk(request).read_paper(
        actor_of(request, principal), dossier_id, paper_id, _purpose(principal, purpose)
    )
    return Response(data, media_type=media, headers={"Cache-Control": "no-store"})


@router.get("/dossiers/{dossier_id}/papers/{paper_id}/thumbnails/{index}", responses=ERRORS)
def read_thumbnail(
    dossier_id: DossierId,
    paper_id: PaperId,
    index: Annotated[int, Path(ge=0, le=999)],
    request: Request,
    principal: StaffDep,
    purpose: Purpose = None,
) -> Response:
    """One page thumbnail (PNG) of a paper; the read is logged."""
    data, media = desk(request).read_paper(
        actor_of(request, principal), dossier_id, paper_id, _purpose(principal, purpose), thumbnail=index
    )
    return Response(data, media_type=media, headers={"Cache-Control": "no-store"})


# -- transitions


@router.post("/dossiers/{dossier_id}/receive", responses=ERRORS)
def receive(
    dossier_id: DossierId,
    request: Request,
    principal: DeskDep,
    response: Response,
    body: ForwardBody | None = None,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Receive the complete dossier: its code and appointment date (idempotent by Idempotency-Key)."""
    key = require_idempotency_key(idempotency_key)
    department = body.department if body else None
    view, replayed = desk(request).transition(
        actor_of(request, principal),
        dossier_id,
        "receive",
        department=department,
        idempotency_key=key,
        request_hash=request_hash({"dossier": dossier_id, "department": department}),
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return view


def _act(request: Request, principal: Principal, dossier_id: str, action: str, **kw: Any) -> dict[str, Any]:
    view, _ = desk(request).transition(actor_of(request, principal), dossier_id, action, **kw)
    return view


@router.post("/dossiers/{dossier_id}/forward", responses=ERRORS)
def forward(
    dossier_id: DossierId, request: Request, principal: DeskDep, body: ForwardBody | None = None
) -> dict[str, Any]:
    """Send the received dossier to the competent department."""
    return _act(request, principal, dossier_id, "forward", department=body.department if body else None)


@router.post("/dossiers/{dossier_id}/supplement-request", responses=ERRORS)
def supplement_request(
    dossier_id: DossierId, body: SupplementRequest, request: Request, principal: DepartmentDep
) -> dict[str, Any]:
    """The department asks for more papers."""
    return _act(request, principal, dossier_id, "request_supplement", reason=body.reason, kinds=tuple(body.kinds))


@router.post("/dossiers/{dossier_id}/supplemented", responses=ERRORS)
def supplemented(dossier_id: DossierId, request: Request, principal: DeskDep) -> dict[str, Any]:
    """The citizen brought what was asked (ticked at the desk)."""
    return _act(request, principal, dossier_id, "supplement")


@router.post("/dossiers/{dossier_id}/result-ready", responses=ERRORS)
def result_ready(dossier_id: DossierId, request: Request, principal: StaffDep) -> dict[str, Any]:
    """The result is ready (a counter may mark it only for an on-the-spot procedure)."""
    if principal.role == "counter":
        row = desk(request).get(dossier_id)
        procedure = desk(request).catalogue.get_procedure(row["procedure_code"])
        if procedure is None or not procedure.on_the_spot:
            raise ApiError(
                403,
                "forbidden_role",
                "Chỉ cơ quan chuyên môn đánh dấu có kết quả (trừ thủ tục giải quyết tại chỗ).",
                "Only the department marks a result ready (except on-the-spot procedures).",
            )
    return _act(request, principal, dossier_id, "result_ready")


@router.post("/dossiers/{dossier_id}/return", responses=ERRORS)
def return_result(dossier_id: DossierId, request: Request, principal: DeskDep) -> dict[str, Any]:
    """The result is handed to the citizen."""
    return _act(request, principal, dossier_id, "return_result")


@router.post("/dossiers/{dossier_id}/cancel", responses=ERRORS)
def cancel(dossier_id: DossierId, body: ReasonBody, request: Request, principal: DeskDep) -> dict[str, Any]:
    """Withdraw the dossier, with a reason."""
    return _act(request, principal, dossier_id, "cancel", reason=body.reason)


@router.post("/dossiers/{dossier_id}/refuse", responses=ERRORS)
def refuse(dossier_id: DossierId, body: ReasonBody, request: Request, principal: StaffDep) -> dict[str, Any]:
    """Refuse the dossier, with the reason the citizen is told."""
    return _act(request, principal, dossier_id, "refuse", reason=body.reason)
