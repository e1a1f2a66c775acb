"""Site-wide reads and administration: services, queue, KPIs, priorities, tokens."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from motcua.contract.tickets import PriorityPublic
from queue_server.api.deps import AdminDep, ReaderDep, ServiceDep
from queue_server.api.errors import ApiError, ErrorBody
from queue_server.api.schemas import ServicePublic, ServiceQueue, ServiceUpdate, TokenCreate
from queue_server.auth import create_token, list_tokens, revoke_token
from queue_server.core.model import Service
from queue_server.store import repo

router = APIRouter(prefix="/api/v1", tags=["site"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403, 404, 422)}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@router.get("/services", response_model=list[ServicePublic])
def list_services(service: ServiceDep) -> list[dict[str, Any]]:
    """Services (queues) with their letter prefixes (public)."""
    return [
        {
            "code": s.code,
            "letter": s.letter,
            "name_vi": s.name_vi,
            "name_en": s.name_en,
            "default_service_min": s.default_service_min,
            "active": s.active,
        }
        for s in service.services()
    ]


@router.put("/services/{code}", response_model=ServicePublic, responses=ERRORS)
def put_service(
    code: Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")],
    body: ServiceUpdate,
    service: ServiceDep,
    principal: AdminDep,
) -> dict[str, Any]:
    """Create or change a service (admins)."""
    with service.db.transaction() as conn:
        services = repo.load_services(conn)
        clash = next((s for s in services.values() if s.letter == body.letter and s.code != code), None)
        if clash is not None:
            raise ApiError(
                409,
                "letter_taken",
                f"Chữ cái {body.letter} đã dùng cho {clash.name_vi}.",
                f"Letter {body.letter} is already used by {clash.name_en}.",
            )
        position = list(services).index(code) if code in services else len(services)
        repo.upsert_service(
            conn,
            Service(code, body.letter, body.name_vi, body.name_en, body.default_service_min, body.active),
            position,
        )
    return {
        "code": code,
        "letter": body.letter,
        "name_vi": body.name_vi,
        "name_en": body.name_en,
        "default_service_min": body.default_service_min,
        "active": body.active,
    }


@router.get("/priorities", response_model=list[PriorityPublic])
def list_priorities(service: ServiceDep) -> list[dict[str, str]]:
    """Priority lanes (public)."""
    return [{"code": p.code, "name_vi": p.name_vi, "name_en": p.name_en} for p in service.config.priorities]


@router.get("/queue", response_model=list[ServiceQueue], responses=ERRORS)
def get_queue(service: ServiceDep, principal: ReaderDep) -> list[dict[str, Any]]:
    """Waiting tickets per service, with the estimated wait of a ticket taken now."""
    return service.queue()


@router.get("/kpis", responses=ERRORS)
def get_kpis(
    service: ServiceDep,
    principal: ReaderDep,
    date: Annotated[str | None, Query(description="Service day, YYYY-MM-DD; today by default.")] = None,
) -> dict[str, Any]:
    """KPIs of a service day from the event log: waits p50/p90/max, share within 15 and 30 min, throughput."""
    if date is not None and not _DATE.match(date):
        raise ApiError(422, "invalid_date", "Ngày phải có dạng YYYY-MM-DD.", "The date must be YYYY-MM-DD.")
    return service.kpis(date)


@router.get("/admin/tokens", responses=ERRORS)
def get_tokens(service: ServiceDep, principal: AdminDep) -> list[dict[str, Any]]:
    """Tokens, without their secrets."""
    return list_tokens(service.db)


@router.post("/admin/tokens", status_code=201, responses=ERRORS)
def post_token(body: TokenCreate, service: ServiceDep, principal: AdminDep) -> dict[str, Any]:
    """Create a token; the secret is shown once."""
    try:
        token = create_token(
            service.db, body.role, counter_id=body.counter_id, label=body.label, department=body.department
        )
    except ValueError as exc:
        raise ApiError(
            422, "invalid_token_request", f"Không tạo được mã: {exc}", f"Cannot create token: {exc}"
        ) from None
    return {"token": token, "role": body.role, "counter_id": body.counter_id, "label": body.label}


@router.post("/admin/tokens/{token_id}/revoke", responses=ERRORS)
def post_revoke(
    token_id: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")],
    service: ServiceDep,
    principal: AdminDep,
) -> dict[str, Any]:
    """Revoke a token at once (a stolen kiosk, a departed clerk)."""
    if not revoke_token(service.db, token_id):
        raise ApiError(404, "unknown_token", "Không có mã truy cập này.", "No such token.")
    return {"id": token_id, "revoked": True}


@router.get("/healthz", tags=["health"])
def healthz(service: ServiceDep) -> dict[str, Any]:
    """Liveness and the last event sequence."""
    with service.db.transaction() as conn:
        last = repo.last_event_seq(conn)
    return {"status": "ok", "site": service.site_id, "last_event_seq": last}
