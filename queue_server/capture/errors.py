"""Capture refusals: an HTTP-style status, a stable code and the message in Vietnamese then English."""

from __future__ import annotations

from typing import Any

__all__ = ["MESSAGES", "CaptureError", "refuse"]

# code -> (status, message_vi, message_en). One catalogue, so the backend and the docs quote the same text.
MESSAGES: dict[str, tuple[int, str, str]] = {
    "capture.too_large": (
        413,
        "Tệp quá lớn (tối đa {limit_mb} MB).",
        "The file is too large (at most {limit_mb} MB).",
    ),
    "capture.empty": (422, "Tệp rỗng.", "The file is empty."),
    "capture.unsupported_type": (
        415,
        "Chỉ nhận ảnh JPEG, PNG, TIFF hoặc tệp PDF.",
        "Only JPEG, PNG or TIFF images and PDF files are accepted.",
    ),
    "capture.unreadable": (
        422,
        "Không đọc được tệp: tệp bị hỏng hoặc không đầy đủ.",
        "The file cannot be read: it is damaged or incomplete.",
    ),
    "capture.image_too_large": (
        422,
        "Ảnh có kích thước điểm ảnh quá lớn (tối đa {limit_mpx} triệu điểm ảnh mỗi trang).",
        "The image has too many pixels (at most {limit_mpx} megapixels per page).",
    ),
    "capture.too_many_pages": (
        422,
        "Tệp có quá nhiều trang (tối đa {limit} trang).",
        "The file has too many pages (at most {limit}).",
    ),
    "capture.pdf_page_too_large": (
        422,
        "Trang PDF có khổ giấy quá lớn.",
        "A PDF page is too large.",
    ),
    "capture.pdf_encrypted": (
        422,
        "Tệp PDF được đặt mật khẩu; hãy gửi bản không khóa.",
        "The PDF is password-protected; send an unlocked copy.",
    ),
    "capture.processing_limit": (
        422,
        "Tệp vượt quá giới hạn xử lý (thời gian hoặc bộ nhớ).",
        "The file exceeds the processing limits (time or memory).",
    ),
    "capture.no_scanner": (
        503,
        "Không tìm thấy máy quét hoặc máy quét không sẵn sàng.",
        "No scanner found, or the scanner is not ready.",
    ),
    "capture.scanner_timeout": (
        504,
        "Máy quét không phản hồi kịp thời.",
        "The scanner did not answer in time.",
    ),
    "capture.scan_failed": (
        502,
        "Máy quét báo lỗi khi quét.",
        "The scanner reported an error while scanning.",
    ),
    "capture.ocr_unavailable": (
        503,
        "Chưa cài đặt Tesseract OCR tiếng Việt trên máy chủ.",
        "Tesseract OCR with Vietnamese is not installed on the server.",
    ),
    "capture.bad_photo": (
        422,
        "Ảnh chụp không hợp lệ.",
        "The photo is not a valid image.",
    ),
}


class CaptureError(Exception):
    """A refused capture; ``status`` is the HTTP status the caller should answer with."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.status = status
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en

    def to_json(self) -> dict[str, Any]:
        """The project's 4xx body: ``{"code", "message_vi", "message_en"}``."""
        return {"code": self.code, "message_vi": self.message_vi, "message_en": self.message_en}


def refuse(code: str, **fmt: Any) -> CaptureError:
    """Build the CaptureError for catalogue ``code`` (raise it: ``raise refuse(...)``)."""
    status, vi, en = MESSAGES[code]
    return CaptureError(status, code, vi.format(**fmt), en.format(**fmt))
