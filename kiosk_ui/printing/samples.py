"""Sample slips for previews, the docs and a technician's test print (no real citizen data)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Literal

from kiosk_ui.core.slip import TicketSlip

__all__ = ["sample_slip"]


def sample_slip(lang: Literal["vi", "en"] = "vi", *, priority: bool = False) -> TicketSlip:
    """A realistic ticket for a provincial centre (fixed time, so previews are reproducible)."""
    return TicketSlip(
        centre_name="Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        number="U003" if priority else "B012",
        service_name_vi="Đăng ký khai sinh",
        service_name_en="Birth registration",
        counter_area_vi="Quầy 3, 4 – Tầng 1",
        counter_area_en="Counters 3, 4 – Floor 1",
        issued_at=datetime(2025, 3, 18, 9, 5, tzinfo=timezone(timedelta(hours=7))),
        estimated_wait_min=5 if priority else 25,
        people_ahead=1 if priority else 6,
        priority_label_vi="Ưu tiên: Người cao tuổi" if priority else None,
        priority_label_en="Priority: Elderly" if priority else None,
        track_url="https://motcua.bacninh.gov.vn/t/8F3K2Q",
        receipt_code=None if priority else "H06.25.03.18-0042",
        lang=lang,
    )
