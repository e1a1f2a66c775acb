"""Shared dependencies: the service, the caller's principal, role checks, the Idempotency-Key header."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from queue_server.api.errors import ApiError
from queue_server.auth import Principal, authenticate
from queue_server.service import QueueService

_bearer = HTTPBearer(auto_error=False, description="A device or staff token from `motcua admin create-token`.")


# The dependencies are ``async def`` on purpose: FastAPI runs a plain ``def`` dependency in the thread
# pool, one thread hop each; these never block (token lookups read a WAL snapshot, cached).


async def get_service(request: Request) -> QueueService:
    """The queue service of this app."""
    service: QueueService = request.app.state.service
    return service


ServiceDep = Annotated[QueueService, Depends(get_service)]


async def get_principal(
    service: ServiceDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The caller, from the bearer token; 401 when missing or unknown."""
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "missing_token", "Cần mã truy cập (Bearer token).", "A bearer token is required.")
    principal = authenticate(service.db, credentials.credentials)
    if principal is None:
        raise ApiError(
            401, "invalid_token", "Mã truy cập không hợp lệ hoặc đã bị thu hồi.", "The token is invalid or revoked."
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that admits only the given roles (admins always)."""

    async def check(principal: PrincipalDep) -> Principal:
        if principal.role != "admin" and principal.role not in roles:
            raise ApiError(
                403,
                "forbidden_role",
                "Thiết bị này không được phép thực hiện thao tác này.",
                f"A {principal.role} token may not do this.",
            )
        return principal

    return check


def check_counter(principal: Principal, counter_id: str) -> None:
    """A counter token acts only on its own counter."""
    if principal.role == "admin":
        return
    if principal.role != "counter":
        raise ApiError(
            403,
            "forbidden_role",
            "Chỉ quầy hoặc quản trị được thao tác tại quầy.",
            "Only a counter or an admin token may act on a counter.",
        )
    if principal.counter_id != counter_id:
        raise ApiError(
            403, "forbidden_counter", "Mã truy cập này thuộc quầy khác.", "This token belongs to another counter."
        )


# Role sets, each defined once here (admins pass every check).
KioskDep = Annotated[Principal, Depends(require_roles("kiosk"))]
# The site's screens: the queue, the counters, the day's KPIs.
ReaderDep = Annotated[Principal, Depends(require_roles("kiosk", "counter", "display"))]
# The site's screens and the feedback tablets: the feedback KPIs only.
FeedbackReaderDep = Annotated[Principal, Depends(require_roles("kiosk", "counter", "display", "feedback"))]
AdminDep = Annotated[Principal, Depends(require_roles())]


# Idempotent creates (tickets, dossiers, feedback): the header is checked in the route, after the body's
# own validation, so a malformed body is a 422 whether or not the key is there.
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", description="Unique per tap: a retry with the same key returns the same result."),
]


def require_idempotency_key(key: str | None) -> str:
    """The Idempotency-Key header's value; 400 when it is missing, too long or not printable."""
    if key is None or not key.strip():
        raise ApiError(
            400, "missing_idempotency_key", "Thiếu tiêu đề Idempotency-Key.", "The Idempotency-Key header is required."
        )
    if len(key) > 128 or not key.isprintable():
        raise ApiError(
            400,
            "invalid_idempotency_key",
            "Idempotency-Key không hợp lệ (tối đa 128 ký tự in được).",
            "Invalid Idempotency-Key (at most 128 printable characters).",
        )
    return key.strip()


def request_hash(body: Mapping[str, Any]) -> str:
    """The hash a replay is compared by: SHA-256 of the body as canonical JSON (sorted keys)."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
