"""Every error is JSON ``{code, message_vi, message_en}``; bad input is a 4xx, never a 500."""

from __future__ import annotations

import errno
import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from queue_server.core.errors import DomainError
from queue_server.core.validation_text import describe_vi, field_vi

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """The body of every error response."""

    code: str
    message_vi: str
    message_en: str
    details: list[dict[str, Any]] | None = None


class ApiError(Exception):
    """An HTTP error raised by the API layer itself (auth, headers)."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


def error_response(
    status: int, code: str, message_vi: str, message_en: str, details: list[dict[str, Any]] | None = None
) -> JSONResponse:
    """A JSON error response."""
    body: dict[str, Any] = {"code": code, "message_vi": message_vi, "message_en": message_en}
    if details:
        body["details"] = details
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_MESSAGES = {
    404: ("not_found", "Không tìm thấy địa chỉ này.", "Not found."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed."),
    406: ("not_acceptable", "Định dạng không được hỗ trợ.", "Not acceptable."),
    415: ("unsupported_media_type", "Nội dung phải là JSON.", "The body must be JSON."),
}


def _clean(errors: list[Any]) -> list[dict[str, Any]]:
    cleaned = []
    for e in errors[:10]:
        loc = [str(p) for p in e.get("loc", ())]
        kind = str(e.get("type", ""))
        cleaned.append(
            {"loc": loc, "msg": str(e.get("msg", "")), "msg_vi": describe_vi(kind, e.get("ctx")), "type": kind}
        )
    return cleaned


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the JSON error body."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message_vi, exc.message_en)

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message_vi, exc.message_en)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _clean(list(exc.errors()))
        where = ".".join(details[0]["loc"]) if details else "request"
        what = details[0]["msg"] if details else ""
        where_vi = field_vi(details[0]["loc"]) if details else "yêu cầu"
        what_vi = details[0]["msg_vi"] if details else "giá trị không hợp lệ"
        return error_response(
            422,
            "invalid_request",
            f"Dữ liệu gửi lên không hợp lệ ở '{where_vi}': {what_vi}",
            f"Invalid request at '{where}': {what}",
            details,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, vi, en = _HTTP_MESSAGES.get(
            exc.status_code, ("http_error", f"Lỗi yêu cầu ({exc.status_code}).", f"Request error ({exc.status_code}).")
        )
        return error_response(exc.status_code, code, vi, en)

    def _storage_full(exc: BaseException) -> bool:
        if isinstance(exc, sqlite3.OperationalError):
            return "full" in str(exc).lower()  # SQLITE_FULL: "database or disk is full"
        return isinstance(exc, OSError) and exc.errno == errno.ENOSPC

    @app.exception_handler(sqlite3.OperationalError)
    @app.exception_handler(OSError)
    async def _storage(request: Request, exc: Exception) -> JSONResponse:
        if not _storage_full(exc):
            return await _unexpected(request, exc)
        logger.error("storage full on %s %s: %s", request.method, request.url.path, exc)
        response = error_response(
            503,
            "storage_full",
            "Bộ nhớ máy chủ đã đầy: vé chưa được cấp, xin thử lại sau hoặc báo cán bộ.",
            "The server's storage is full: no ticket was issued; try again later or ask staff.",
        )
        response.headers["Retry-After"] = "30"
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "Lỗi hệ thống, xin thử lại.", "Internal error, please try again.")
