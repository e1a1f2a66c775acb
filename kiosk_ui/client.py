"""Synchronous client of the site server's kiosk API (``/api/v1``), over httpx.

Connection errors, timeouts, 429 and 5xx answers are retried a bounded number of times with
exponential backoff, always with the SAME ``Idempotency-Key``, so a ticket is never issued twice
for one press of the button. A 4xx answer is not retried: it raises :class:`RequestRejected` with
the server's code and its Vietnamese and English messages. When every attempt fails the client
raises :class:`ServerUnavailable`; the kiosk may retry later with the same key.

Request bodies (they carry citizen data) and response bodies are never logged.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from pydantic import TypeAdapter, ValidationError

from motcua.contract.tickets import PriorityPublic, TicketPublic

__all__ = [
    "ClientError",
    "DossierReceipt",
    "QueueClient",
    "RequestRejected",
    "ServerUnavailable",
    "UnexpectedResponse",
]

logger = logging.getLogger(__name__)

_PRIORITY_LIST = TypeAdapter(list[PriorityPublic])
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_BACKOFF_S = 4.0


class ClientError(Exception):
    """Base of the errors the kiosk shows; ``message_vi`` / ``message_en`` are for the screen."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en


class ServerUnavailable(ClientError):
    """The server could not be reached, or kept failing, after every retry."""

    def __init__(self, attempts: int, last_status: int | None = None) -> None:
        super().__init__(
            "Không kết nối được máy chủ, vui lòng thử lại sau ít phút",
            "The server cannot be reached, please try again in a few minutes",
        )
        self.attempts = attempts
        self.last_status = last_status


class RequestRejected(ClientError):
    """The server refused the request (4xx); not retried."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_vi, message_en)
        self.status = status
        self.code = code


class UnexpectedResponse(ClientError):
    """A 2xx answer that does not have the documented shape."""

    def __init__(self, what: str) -> None:
        super().__init__("Máy chủ trả lời không đúng định dạng", f"Unexpected server response: {what}")


@dataclass(frozen=True)
class DossierReceipt:
    """The server's acknowledgement of a submitted dossier."""

    id: str
    receipt_code: str


def _rejected(response: httpx.Response) -> RequestRejected:
    code = f"http_{response.status_code}"
    vi, en = "Yêu cầu không được chấp nhận", "The request was refused"
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        if isinstance(body.get("code"), str):
            code = body["code"]
        message_vi, message_en = body.get("message_vi"), body.get("message_en")
        vi = message_vi if isinstance(message_vi, str) else vi
        en = message_en if isinstance(message_en, str) else en
        if "detail" in body and response.status_code == 422 and "code" not in body:
            code = "validation_error"
            vi, en = "Dữ liệu gửi lên không hợp lệ", "The submitted data is not valid"
    return RequestRejected(response.status_code, code, vi, en)


class QueueClient:
    """The kiosk's calls to the site server: tickets, procedures, dossiers."""

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = 5.0,
        *,
        retries: int = 3,
        backoff: float = 0.25,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )
        self._retries = max(0, retries)
        self._backoff = backoff
        self._sleep = sleep

    def __enter__(self) -> QueueClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        attempts = self._retries + 1
        last_status: int | None = None
        for attempt in range(attempts):
            if attempt:
                self._sleep(min(self._backoff * 2 ** (attempt - 1), _MAX_BACKOFF_S))
            try:
                response = self._http.request(method, path, json=json, params=params, headers=headers)
            except httpx.TransportError as exc:
                logger.warning("%s %s attempt %d/%d: %s", method, path, attempt + 1, attempts, type(exc).__name__)
                last_status = None
                continue
            if response.status_code in _RETRY_STATUS:
                logger.warning(
                    "%s %s attempt %d/%d: HTTP %d", method, path, attempt + 1, attempts, response.status_code
                )
                last_status = response.status_code
                continue
            if response.status_code >= 400:
                raise _rejected(response)
            try:
                return response.json()
            except ValueError:
                raise UnexpectedResponse("body is not JSON") from None
        raise ServerUnavailable(attempts, last_status)

    def issue_ticket(
        self,
        service: str,
        priority: str | None = None,
        lang: Literal["vi", "en"] = "vi",
        idempotency_key: str | None = None,
    ) -> TicketPublic:
        """POST /api/v1/tickets; keep ``idempotency_key`` to retry the same press of the button.

        ``priority`` is one of the codes ``GET /api/v1/priorities`` serves; the server refuses others (4xx).
        """
        if lang not in ("vi", "en"):
            raise ValueError(f"Ngôn ngữ không hỗ trợ / Unsupported language {lang!r}")
        body = self._request(
            "POST",
            "/api/v1/tickets",
            json={"service": service, "priority": priority, "lang": lang},
            idempotency_key=idempotency_key or str(uuid.uuid4()),
        )
        if not isinstance(body, dict):
            raise UnexpectedResponse("ticket is not an object")
        try:
            return TicketPublic.model_validate(body)
        except ValidationError as exc:
            wrong = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
            raise UnexpectedResponse(f"ticket fields {wrong}") from None

    def list_priorities(self) -> list[PriorityPublic]:
        """GET /api/v1/priorities: the priority lanes this site offers."""
        try:
            return _PRIORITY_LIST.validate_python(self._request("GET", "/api/v1/priorities"))
        except ValidationError:
            raise UnexpectedResponse("priorities are not a list of lanes") from None

    def list_procedures(self, q: str | None = None, field: str | None = None) -> list[dict[str, Any]]:
        """GET /api/v1/procedures, optionally searched (``q``) or filtered by field (``field``)."""
        params = {k: v for k, v in (("q", q), ("field", field)) if v}
        body = self._request("GET", "/api/v1/procedures", params=params)
        items = body.get("items") if isinstance(body, dict) else body
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise UnexpectedResponse("procedures are not a list")
        return items

    def submit_dossier(
        self, procedure_code: str, ticket_id: str | None, data: Mapping[str, Any], idempotency_key: str
    ) -> DossierReceipt:
        """POST /api/v1/dossiers with the validated form data; returns id and receipt code."""
        body = self._request(
            "POST",
            "/api/v1/dossiers",
            json={"procedure_code": procedure_code, "ticket_id": ticket_id, "data": dict(data)},
            idempotency_key=idempotency_key,
        )
        if not isinstance(body, dict) or "id" not in body or "receipt_code" not in body:
            raise UnexpectedResponse("dossier receipt lacks id/receipt_code")
        return DossierReceipt(id=str(body["id"]), receipt_code=str(body["receipt_code"]))

    def submit_feedback(self, body: Mapping[str, Any], idempotency_key: str) -> dict[str, Any]:
        """POST /api/v1/feedback (a citizen's rating of a served ticket); the stored feedback."""
        stored = self._request("POST", "/api/v1/feedback", json=dict(body), idempotency_key=idempotency_key)
        if not isinstance(stored, dict):
            raise UnexpectedResponse("feedback answer is not an object")
        return stored
