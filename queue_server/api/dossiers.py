"""Dossiers: submitted by kiosks, read by the counter that serves the ticket."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from queue_server.api.deps import (
    IdempotencyKey,
    KioskDep,
    PrincipalDep,
    check_counter,
    request_hash,
    require_idempotency_key,
)
from queue_server.api.errors import ApiError, ErrorBody
from queue_server.dossiers import DossierDesk

router = APIRouter(prefix="/api/v1", tags=["dossiers"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 422)}


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


@router.get("/dossiers/{dossier_id}", responses=ERRORS)
def get_dossier(
    dossier_id: Annotated[str, Path(min_length=1, max_length=64)], request: Request, principal: PrincipalDep
) -> dict[str, Any]:
    """A dossier with its form data, for the counter staff who serve it."""
    if principal.role not in ("counter", "admin"):
        raise ApiError(403, "forbidden_role", "Chỉ cán bộ tại quầy được xem hồ sơ.", "Only counter staff may read.")
    return desk(request).get(dossier_id)
