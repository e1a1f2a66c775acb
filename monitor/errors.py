"""The monitor's HTTP errors: a machine code and messages in Vietnamese and English, answered as JSON."""

from __future__ import annotations


class ApiError(Exception):
    """An error answered as JSON ``{"code", "message_vi", "message_en"}`` with ``status``."""

    def __init__(
        self, status: int, code: str, message_vi: str, message_en: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message_vi, self.message_en = status, code, message_vi, message_en
        self.headers = headers or {}

    def body(self) -> dict[str, str]:
        """The JSON body."""
        return {"code": self.code, "message_vi": self.message_vi, "message_en": self.message_en}
