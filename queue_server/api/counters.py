"""Counters: staff sign in, call next, recall, start, done, no-show, transfer, pause, resume."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from queue_server.api.deps import AdminDep, PrincipalDep, ReaderDep, ServiceDep, check_counter
from queue_server.api.errors import ApiError, ErrorBody
from queue_server.api.schemas import CounterPublic, CounterUpdate, CurrentTicket, SignIn, TransferCreate
from queue_server.core.model import Counter, Ticket
from queue_server.core.policy import call_order
from queue_server.service import QueueService
from queue_server.store import repo

router = APIRouter(prefix="/api/v1/counters", tags=["counters"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)}
CounterId = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]


def counter_public(counter: Counter, current: Ticket | None) -> dict[str, Any]:
    """A counter as the API shows it."""
    return {
        "id": counter.id,
        "name_vi": counter.name_vi,
        "name_en": counter.name_en,
        "services": list(counter.services),
        "area_vi": counter.area_vi,
        "area_en": counter.area_en,
        "status": counter.status.value,
        "staff_id": counter.staff_id,
        "current": _current(current),
    }


def _current(ticket: Ticket | None) -> dict[str, Any] | None:
    if ticket is None:
        return None
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "priority": ticket.priority,
        "status": ticket.status.value,
        "called_at": ticket.called_at,
        "started_at": ticket.started_at,
        "recall_count": ticket.recall_count,
    }


def _view(service: QueueService, counter_id: str) -> dict[str, Any]:
    counter, current = service.counter(counter_id)
    body = counter_public(counter, current)
    order = call_order(service.waiting(), counter, service.clock(), service.config)
    body["waiting"] = [
        {
            "id": t.id,
            "number": t.number,
            "service": t.service,
            "priority": t.priority,
            "issued_at": t.issued_at.isoformat(),
            "wait_min": round((service.clock() - t.issued_at).total_seconds() / 60, 1),
        }
        for t in order
    ]
    body["today"] = service.counter_today(counter_id)
    return body


@router.get("", response_model=list[CounterPublic], responses=ERRORS)
def list_counters(service: ServiceDep, principal: ReaderDep) -> list[dict[str, Any]]:
    """All counters and what each serves now."""
    return [counter_public(c, t) for c, t in service.counters()]


@router.get("/{counter_id}", responses=ERRORS)
def get_counter(counter_id: CounterId, service: ServiceDep, principal: ReaderDep) -> dict[str, Any]:
    """One counter: its current ticket, the waiting list in call order, today's count and mean service time."""
    return _view(service, counter_id)


@router.put("/{counter_id}", response_model=CounterPublic, responses=ERRORS)
def put_counter(counter_id: CounterId, body: CounterUpdate, service: ServiceDep, principal: AdminDep) -> dict[str, Any]:
    """Create or change a counter (admins)."""
    with service.db.transaction() as conn:
        known = repo.load_services(conn)
        unknown = [code for code in body.services if code not in known]
        if unknown:
            from queue_server.core.errors import NotFound

            raise NotFound(
                "unknown_service", f"Không có dịch vụ {', '.join(unknown)}.", f"No service {', '.join(unknown)}."
            )
        position = len(repo.load_counters(conn))
        repo.upsert_counter(
            conn,
            Counter(counter_id, body.name_vi, body.name_en, tuple(body.services), body.area_vi, body.area_en),
            position,
        )
    counter, current = service.counter(counter_id)
    return counter_public(counter, current)


def _act(principal: PrincipalDep, counter_id: str) -> None:
    check_counter(principal, counter_id)


@router.post("/{counter_id}/sign-in", response_model=CounterPublic, responses=ERRORS)
def sign_in(counter_id: CounterId, body: SignIn, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Staff sign in: the counter opens. One clerk per counter: 409 ``counter_taken`` while another holds it,
    unless an admin token sends ``takeover: true`` (the hand-over is recorded); signing in again is a no-op."""
    _act(principal, counter_id)
    if body.takeover and principal.role != "admin":
        raise ApiError(
            403,
            "takeover_forbidden",
            "Chỉ quản lý (mã truy cập quản trị) mới được tiếp quản quầy của cán bộ khác.",
            "Only a manager (an admin token) may take a counter over from another clerk.",
        )
    service.sign_in(counter_id, body.staff_id, takeover_by=principal.token_id if body.takeover else None)
    return counter_public(*service.counter(counter_id))


@router.post("/{counter_id}/sign-out", response_model=CounterPublic, responses=ERRORS)
def sign_out(counter_id: CounterId, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
    """Staff sign out: the counter closes."""
    _act(principal, counter_id)
    service.sign_out(counter_id)
    return counter_public(*service.counter(counter_id))


@router.post(
    "/{counter_id}/next", response_model=CurrentTicket, responses={**ERRORS, 204: {"description": "Nobody waits"}}
)
def call_next(counter_id: CounterId, service: ServiceDep, principal: PrincipalDep) -> Any:
    """Call the next citizen by the queue policy (finishing the one being served). 204 when nobody waits."""
    _act(principal, counter_id)
    ticket = service.call_next(counter_id)
    if ticket is None:
        return Response(status_code=204)
    return _current(ticket)


def _simple(name: str, doc: str) -> None:
    def endpoint(counter_id: CounterId, service: ServiceDep, principal: PrincipalDep) -> dict[str, Any]:
        _act(principal, counter_id)
        getattr(service, name.replace("-", "_"))(counter_id)
        return counter_public(*service.counter(counter_id))

    endpoint.__doc__ = doc
    endpoint.__name__ = name.replace("-", "_")
    router.add_api_route(
        f"/{{counter_id}}/{name}", endpoint, methods=["POST"], response_model=CounterPublic, responses=ERRORS
    )


_simple("recall", "Announce the called ticket again; past the configured recalls it becomes a no-show.")
_simple("start", "The called citizen has arrived: service starts.")
_simple("done", "Service finished.")
_simple("no-show", "The called citizen did not come.")
_simple("pause", "Pause the counter: it calls nobody until resumed.")
_simple("resume", "Resume a paused counter.")


@router.post("/{counter_id}/transfer", response_model=CounterPublic, responses=ERRORS)
def transfer(
    counter_id: CounterId, body: TransferCreate, service: ServiceDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Send the current citizen to another service; they keep their original issue time."""
    _act(principal, counter_id)
    service.transfer(counter_id, body.service)
    return counter_public(*service.counter(counter_id))
