"""Notification texts: Vietnamese with diacritics (e-mail, Zalo), a diacritics-free SMS of ≤ 160 GSM chars.

Nothing personal goes in: only the dossier code, the appointment date and the centre's (public) name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

SMS_MAX = 160
# The GSM 03.38 basic characters a message may use here (ASCII subset; no escape-table characters).
GSM_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;/-()!?'\"+=%&*#@")


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str  # Vietnamese with diacritics, then English
    sms: str  # ASCII, ≤ 160


def ascii_vi(text: str) -> str:
    """Vietnamese without diacritics (``đ`` → ``d``), restricted to GSM-safe characters."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return "".join(c if c in GSM_SAFE else " " for c in plain)


def _ddmmyyyy(iso_day: str | None) -> str | None:
    if not iso_day:
        return None
    y, m, d = iso_day[:10].split("-")
    return f"{d}/{m}/{y}"


def build(event_type: str, code: str, *, due_date: str | None, site_name_vi: str, site_name_en: str) -> Message:
    """The message of one dossier event (``dossier.result_ready`` or ``dossier.supplement_requested``)."""
    due = _ddmmyyyy(due_date)
    if event_type == "dossier.supplement_requested":
        subject = f"Hồ sơ {code} cần bổ sung giấy tờ / Dossier {code} needs more papers"
        vi = (
            f"Hồ sơ {code} cần bổ sung giấy tờ. Mời ông/bà đến {site_name_vi}, quầy tiếp nhận, "
            "mang theo giấy tiếp nhận hồ sơ để biết giấy tờ cần bổ sung."
        )
        en = f"Dossier {code} needs more papers. Please come to {site_name_en} with your receipt slip."
        short = f"Ho so {code} can bo sung giay to. Moi ong/ba den {{site}} mang theo giay tiep nhan."
    else:
        subject = f"Hồ sơ {code} đã có kết quả / Dossier {code}: result ready"
        when = f" (hẹn trả: {due})" if due else ""
        vi = (
            f"Hồ sơ {code} đã có kết quả{when}. Mời ông/bà đến {site_name_vi} nhận kết quả, "
            "mang theo giấy tiếp nhận hồ sơ; tại ki-ốt quét mã QR trên giấy để lấy số thứ tự \"Trả kết quả\"."
        )
        en = (
            f"The result of dossier {code} is ready. Please collect it at {site_name_en}: bring your receipt slip "
            "and scan its QR code at the kiosk for a \"Result collection\" ticket."
        )
        short = f"Ho so {code} da co ket qua. Moi ong/ba den {{site}} nhan, mang theo giay tiep nhan."
    return Message(subject=subject, text=f"{vi}\n\n{en}", sms=sms_text(short, site_name_vi))


def sms_text(template: str, site_name_vi: str) -> str:
    """``template`` with ``{site}``, shortened until it fits one SMS (the site name goes first)."""
    site = ascii_vi(site_name_vi).strip()
    for candidate in (site, site.replace("Trung tam Phuc vu hanh chinh cong", "TT PVHCC"), "trung tam"):
        text = " ".join(ascii_vi(template.replace("{site}", candidate)).split())
        if len(text) <= SMS_MAX:
            return text
    return " ".join(ascii_vi(template.replace("{site}", "")).split())[:SMS_MAX]
