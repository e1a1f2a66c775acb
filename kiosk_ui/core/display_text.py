"""The displays' message catalogue (Vietnamese first, English second) and date formatting."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

UiLang = Literal["vi", "en"]

MESSAGES: dict[str, dict[str, str]] = {
    "title": {"vi": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "en": "PUBLIC ADMINISTRATIVE SERVICE CENTRE"},
    "now_calling": {"vi": "Mời công dân số", "en": "Now calling number"},
    "to_counter": {"vi": "đến {counter}", "en": "go to {counter}"},
    "no_call": {"vi": "Xin chào quý công dân", "en": "Welcome"},
    "no_call_hint": {"vi": "Vui lòng chờ đến lượt", "en": "Please wait for your number"},
    "recent": {"vi": "Vừa gọi", "en": "Recent calls"},
    "waiting": {"vi": "Đang chờ", "en": "Waiting"},
    "waiting_count": {"vi": "{count} người", "en": "{count} waiting"},
    "offline": {"vi": "Mất kết nối", "en": "Offline"},
    "no_server": {
        "vi": "Không có tín hiệu từ máy chủ điểm {site}",
        "en": "No signal from the server of site {site}",
    },
    "page": {"vi": "{title} · trang {page}/{pages}", "en": "{title} · page {page}/{pages}"},
    "serving": {"vi": "Đang phục vụ số", "en": "Now serving"},
    "paused": {"vi": "Tạm dừng", "en": "Paused"},
    "closed": {"vi": "Đã đóng", "en": "Closed"},
    "counter_idle": {"vi": "Sẵn sàng", "en": "Ready"},
    "notice": {
        "vi": "Công dân vui lòng giữ phiếu số thứ tự và chú ý màn hình. Xin cảm ơn!",
        "en": "Please keep your ticket and watch the screen. Thank you!",
    },
}

WEEKDAYS: dict[str, tuple[str, ...]] = {
    "vi": ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def message(key: str, lang: UiLang, **values: object) -> str:
    """The catalogue text for ``key`` in ``lang`` (falling back to Vietnamese), formatted."""
    entry = MESSAGES[key]
    return entry.get(lang, entry["vi"]).format(**values)


def format_date(now: datetime, lang: UiLang) -> str:
    """Weekday and date the Vietnamese way: "Thứ Bảy, 28/11/2026" (English: "Saturday, 28/11/2026")."""
    return f"{WEEKDAYS[lang][now.weekday()]}, {now:%d/%m/%Y}"


def format_time(now: datetime) -> str:
    """Wall-clock time, 24-hour: "14:05"."""
    return f"{now:%H:%M}"
