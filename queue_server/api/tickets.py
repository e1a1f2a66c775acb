"""Tickets: issue (idempotent), follow, cancel, reinstate; appointments."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from motcua.contract.tickets import TicketPublic
from queue_server.api.deps import (
    IdempotencyKey,
    KioskDep,
    PrincipalDep,
    ServiceDep,
    check_counter,
    request_hash,
    require_idempotency_key,
)
from queue_server.api.errors import ApiError, ErrorBody
from queue_server.api.schemas import AppointmentCreate, AppointmentPublic, TicketCreate

router = APIRouter(prefix="/api/v1", tags=["tickets"])

ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 422)}
TicketId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


def _check_rate(request: Request, token_id: str) -> None:
    """429 when one kiosk token issues tickets faster than the configured token bucket allows."""
    limiter = getattr(request.app.state, "ticket_limiter", None)
    if limiter is None:
        return
    wait = limiter.take(token_id, time.monotonic())
    if wait > 0:
        raise ApiError(
            429,
            "rate_limited",
            f"Ki-ốt này lấy số quá nhanh, hãy thử lại sau {max(1, round(wait))} giây.",
            f"This kiosk is issuing tickets too fast; retry in {max(1, round(wait))} s.",
        )


@router.post("/tickets", status_code=201, response_model=TicketPublic, responses=ERRORS)
def issue_ticket(
    body: TicketCreate,
    service: ServiceDep,
    principal: KioskDep,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Take a ticket. Retrying with the same Idempotency-Key returns the same ticket; a different body → 422."""
    key = require_idempotency_key(idempotency_key)
    if principal.role != "admin":
        _check_rate(request, principal.token_id)
    ticket, replayed = service.issue_ticket(
        body.service,
        priority=body.priority,
        lang=body.lang,
        idempotency_key=key,
        scope=principal.token_id,
        request_hash=request_hash(body.model_dump()),
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return ticket


@router.get("/tickets/{ticket_id}", response_model=TicketPublic, responses=ERRORS)
def get_ticket(ticket_id: TicketId, service: ServiceDep) -> dict[str, Any]:
    """Follow a ticket from a phone (public: the id is unguessable; no personal data)."""
    return service.get_ticket(ticket_id)


@router.post("/tickets/{ticket_id}/cancel", response_model=TicketPublic, responses=ERRORS)
def cancel_ticket(ticket_id: TicketId, service: ServiceDep, principal: KioskDep) -> dict[str, Any]:
    """Withdraw a waiting ticket."""
    service.cancel(ticket_id)
    return service.get_ticket(ticket_id)


@router.post("/tickets/{ticket_id}/reinstate", response_model=TicketPublic, responses=ERRORS)
def reinstate_ticket(ticket_id: TicketId, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """A no-show who came back within the window goes to the head of its queue (counter staff)."""
    if principal.role != "admin":
        check_counter(principal, principal.counter_id or "")
    service.reinstate(ticket_id)
    return service.get_ticket(ticket_id)


@router.post("/appointments", status_code=201, response_model=AppointmentPublic, responses=ERRORS)
def book_appointment(body: AppointmentCreate, service: ServiceDep, principal: KioskDep) -> dict[str, Any]:
    """Book a slot ("hẹn giờ") for a service."""
    return service.book_appointment(body.service, body.start, body.end)


@router.post("/appointments/{code}/check-in", status_code=201, response_model=TicketPublic, responses=ERRORS)
def check_in(
    code: Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9]+$")],
    service: ServiceDep,
    principal: KioskDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Check in for an appointment: the ticket is served within its window ahead of walk-ins."""
    key = require_idempotency_key(idempotency_key)
    ticket, replayed = service.check_in(
        code, idempotency_key=key, scope=principal.token_id, request_hash=request_hash({"appointment": code.upper()})
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return ticket
