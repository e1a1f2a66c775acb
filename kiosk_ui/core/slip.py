"""The queue-ticket slip: what it says, line by line, independent of how it is printed.

``slip_lines`` lays the slip out as a list of :class:`SlipLine`; the printer adapter prints the
ASCII-only lines as printer text and renders the others (Vietnamese diacritics) as images, and
prints a QR code where a line of kind ``qr`` stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = [
    "LOCAL_TZ", "Align", "LineKind", "Size", "SlipLine", "TicketSlip", "describe_wait", "format_wait", "slip_lines",
]  # fmt: skip

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
Size = Literal["small", "normal", "large", "huge"]
Align = Literal["left", "center", "right"]
LineKind = Literal["text", "qr", "rule", "blank"]


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on one queue ticket."""

    centre_name: str
    number: str
    service_name_vi: str
    service_name_en: str
    counter_area_vi: str
    counter_area_en: str
    issued_at: datetime
    estimated_wait_min: int
    people_ahead: int
    track_url: str
    priority_label_vi: str | None = None
    priority_label_en: str | None = None
    receipt_code: str | None = None
    lang: Literal["vi", "en"] = "vi"

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at phải có múi giờ / issued_at must be timezone-aware")
        if self.lang not in ("vi", "en"):
            raise ValueError(f"Ngôn ngữ không hỗ trợ / Unsupported slip language {self.lang!r}")
        if self.estimated_wait_min < 0 or self.people_ahead < 0:
            raise ValueError("Thời gian chờ và số người chờ không được âm / Wait and queue must be >= 0")
        if not self.number:
            raise ValueError("Số thứ tự trống / The ticket number is empty")


@dataclass(frozen=True)
class SlipLine:
    """One line of the slip and how to show it."""

    text: str
    size: Size = "normal"
    bold: bool = False
    align: Align = "center"
    invert: bool = False
    kind: LineKind = "text"

    @property
    def ascii_only(self) -> bool:
        """True if the printer's own font can print it (no diacritics)."""
        return self.text.isascii()


_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "PHIẾU SỐ THỨ TỰ",
        "ahead": "Số người đang chờ trước bạn: {n}",
        "next": "Bạn là người tiếp theo",
        "wait": "Thời gian chờ dự kiến: {t}",
        "issued": "Giờ lấy số: {t}",
        "receipt": "Mã hồ sơ: {c}",
        "scan": "Quét mã QR để theo dõi lượt trên điện thoại",
        "footer1": "Vui lòng theo dõi màn hình và loa gọi số.",
        "footer2": "Phiếu chỉ có giá trị trong ngày.",
    },
    "en": {
        "title": "QUEUE TICKET",
        "ahead": "People ahead of you: {n}",
        "next": "You are next",
        "wait": "Estimated wait: {t}",
        "issued": "Issued at: {t}",
        "receipt": "Dossier code: {c}",
        "scan": "Scan to follow your turn on your phone",
        "footer1": "Please watch the screens for your number.",
        "footer2": "This ticket is valid today only.",
    },
}


def format_wait(minutes: int, lang: Literal["vi", "en"]) -> str:
    """Human wait time: '15 phút', '1 giờ 20 phút' / '15 min', '1 h 20 min'."""
    hours, mins = divmod(max(minutes, 0), 60)
    if lang == "vi":
        return f"{hours} giờ {mins} phút" if hours else f"{mins} phút"
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def describe_wait(minutes: int, lang: Literal["vi", "en"]) -> str:
    """The estimate as said to a citizen: 'khoảng 15 phút' / 'about 15 min'; under a minute, not 'about 0'."""
    if minutes < 1:
        return "dưới 1 phút" if lang == "vi" else "under a minute"
    return ("khoảng " if lang == "vi" else "about ") + format_wait(minutes, lang)


def slip_lines(slip: TicketSlip) -> list[SlipLine]:
    """Lay out the slip top to bottom in the slip's language."""
    lab = _LABELS[slip.lang]
    vi = slip.lang == "vi"
    local = slip.issued_at.astimezone(LOCAL_TZ)
    lines = [
        SlipLine(slip.centre_name.upper(), size="normal", bold=True),
        SlipLine("", kind="rule"),
        SlipLine(lab["title"], size="large", bold=True),
        SlipLine(slip.number, size="huge", bold=True),
        SlipLine(slip.service_name_vi if vi else slip.service_name_en, size="large", bold=True),
    ]
    if not vi and slip.service_name_vi and slip.service_name_vi != slip.service_name_en:
        lines.append(SlipLine(f"({slip.service_name_vi})", size="small"))
    lines.append(SlipLine(slip.counter_area_vi if vi else slip.counter_area_en, size="normal", bold=True))
    priority = slip.priority_label_vi if vi else slip.priority_label_en
    if priority:
        lines.append(SlipLine(f" {priority} ", size="normal", bold=True, invert=True))
    lines += [
        SlipLine("", kind="blank"),
        SlipLine(lab["ahead"].format(n=slip.people_ahead) if slip.people_ahead else lab["next"]),
        SlipLine(lab["wait"].format(t=describe_wait(slip.estimated_wait_min, slip.lang))),
        SlipLine(lab["issued"].format(t=local.strftime("%H:%M, %d/%m/%Y"))),
    ]
    if slip.receipt_code:
        lines.append(SlipLine(lab["receipt"].format(c=slip.receipt_code), bold=True))
    lines += [
        SlipLine("", kind="rule"),
        SlipLine(slip.track_url, kind="qr"),
        SlipLine(lab["scan"], size="small"),
        SlipLine(slip.track_url, size="small"),
        SlipLine("", kind="blank"),
        SlipLine(lab["footer1"], size="small"),
        SlipLine(lab["footer2"], size="small"),
    ]
    return lines
