"""Redaction of citizen personal data from feedback comments (Vietnamese names, ID and phone numbers)."""

from __future__ import annotations

import pytest

from edge_agent.core.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chị Nguyễn Thị Lan ở quầy 3 rất nhiệt tình", "Chị [NAME] ở quầy 3 rất nhiệt tình"),
        ("cảm ơn anh Tuấn và cô Hoa Mai", "cảm ơn anh [NAME] và cô [NAME]"),
        ("nhân viên Trần Văn Bình làm nhanh", "nhân viên [NAME] làm nhanh"),
        ("cán bộ Hùng hướng dẫn kỹ", "cán bộ [NAME] hướng dẫn kỹ"),
        ("Ông Phạm Văn Đức và bà Lý Thị Hồng chờ lâu", "Ông [NAME] và bà [NAME] chờ lâu"),
        ("Hoàng Minh Châu, Huỳnh Thu, Vũ Đức Anh, Võ Văn Kiệt", "[NAME], [NAME], [NAME], [NAME]"),
        ("Đặng Thu Thảo, Bùi Xuân Phái, Đỗ Mười, Hồ Xuân Hương", "[NAME], [NAME], [NAME], [NAME]"),
        ("Ngô Bảo Châu và Dương Thu Hương", "[NAME] và [NAME]"),
        ("Lê Văn Tám phục vụ tốt", "[NAME] phục vụ tốt"),
        ("nhan vien Nguyen Van Hung rat tot", "nhan vien [NAME] rat tot"),
        ("em bác Ba đến sớm", "em bác [NAME] đến sớm"),
        ("CCCD 001234567890 và CMND 123456789", "CCCD [ID] và CMND [ID]"),
        ("số 0012 3456 7890", "số [ID]"),
        ("gọi 0912 345 678 hoặc 0912.345.678 hoặc +84 912 345 678", "gọi [PHONE] hoặc [PHONE] hoặc [PHONE]"),
        ("máy bàn 0222 3822 123", "máy bàn [PHONE]"),
        ("email a.b@gmail.com", "email [EMAIL]"),
    ],
)
def test_personal_data_is_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "em cảm ơn chị ấy nhiều",
        "Phục vụ nhanh, chờ 30 phút, 2 lần, phí 50000 đồng",
        "Lê phép quá. Do đó mất thời gian",
        "ngày 12/03/2024 lúc 10:30, quầy số 5",
        "Rất hài lòng với Trung tâm",
        "",
    ],
)
def test_ordinary_text_is_kept(text):
    assert redact(text) == text


def test_output_is_nfc():
    decomposed = "Chi\u0323 Lan"  # "Chị" decomposed
    assert redact(decomposed) == "Chị [NAME]"
