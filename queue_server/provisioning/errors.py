"""Refusals of provisioning: an HTTP status, a machine code and messages in Vietnamese and English."""

from __future__ import annotations

from typing import Final


class ProvisioningError(Exception):
    """A refusal with an HTTP status, a machine code and messages in Vietnamese and English."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str, retry_after: float = 0) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message_vi, self.message_en = status, code, message_vi, message_en
        self.retry_after = retry_after


Refusal = tuple[int, str, str, str]

INVALID_CODE: Final[Refusal] = (403, "invalid_code", "Mã đăng ký không đúng.", "The enrolment code is not valid.")
CODE_REFUSALS: Final[dict[str, Refusal]] = {
    "locked": (
        403,
        "code_locked",
        "Mã đăng ký đã bị khoá do nhập sai nhiều lần.",
        "The code is locked after too many wrong attempts.",
    ),
    "expired": (
        403,
        "code_expired",
        "Mã đăng ký đã hết hạn, hãy tạo mã mới.",
        "The code has expired; create a new one.",
    ),
    "used": (403, "code_used", "Mã đăng ký đã được sử dụng.", "The code was already used."),
    "revoked": (403, "code_revoked", "Thiết bị này đã bị thu hồi.", "This device was revoked."),
}
UNKNOWN_DEVICE: Final[Refusal] = (404, "unknown_device", "Không tìm thấy thiết bị.", "Device not found.")
NOT_ENROLLED: Final[Refusal] = (
    409,
    "not_enrolled",
    "Thiết bị chưa đăng ký hoặc đã bị thu hồi.",
    "The device is not enrolled.",
)
