"""Parse the QR code printed on a Vietnamese citizen ID card (CCCD).

The QR decodes to ``ID|old ID|full name|ddmmyyyy birth|sex|address|ddmmyyyy issue``.
Some cards append further fields (e.g. a second date); those trailing fields are accepted and
ignored, but only when the first seven are valid: the seven we understand are checked in full.

Privacy: no message raised here contains the scanned values, and ``repr()`` of a
:class:`CitizenIdentity` masks the ID numbers and the name and hides the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

__all__ = ["CCCD_FIELD_COUNT", "CitizenIdentity", "mask_id_number", "mask_name", "parse_cccd_qr"]

CCCD_FIELD_COUNT = 7
_ID_RE = re.compile(r"[0-9]{12}")
_OLD_ID_RE = re.compile(r"[0-9]{9}")
_DATE_RE = re.compile(r"[0-9]{8}")
_MAX_AGE_YEARS = 130
_MAX_QR_CHARS = 2000  # a CCCD payload is ~150 characters; refuse anything absurd before splitting
_SEX_VALUES = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ"}


@dataclass(frozen=True, repr=False)
class CitizenIdentity:
    """The seven fields of a CCCD QR code, validated and NFC-normalised."""

    id_number: str
    old_id_number: str | None
    full_name: str
    date_of_birth: date
    sex: str
    address: str
    issue_date: date

    def __repr__(self) -> str:
        old = mask_id_number(self.old_id_number) if self.old_id_number else None
        return (
            f"CitizenIdentity(id_number={mask_id_number(self.id_number)!r}, old_id_number={old!r}, "
            f"full_name={mask_name(self.full_name)!r}, date_of_birth=<hidden>, sex=<hidden>, "
            f"address=<hidden>, issue_date=<hidden>)"
        )

    __str__ = __repr__


def mask_id_number(value: str) -> str:
    """Return the ID number with all but its last three digits replaced by '*'."""
    keep = 3 if len(value) > 6 else 0
    return "*" * (len(value) - keep) + value[len(value) - keep :]


def mask_name(value: str) -> str:
    """Return the initials of a name ('Nguyễn Văn An' -> 'N. V. A.')."""
    return " ".join(f"{part[0]}." for part in value.split())


def _err(vi: str, en: str) -> ValueError:
    return ValueError(f"{vi} / {en}")


def _clean(field: str) -> str:
    return " ".join(field.split())


def _parse_date(raw: str, vi_name: str, en_name: str, today: date) -> date:
    if not _DATE_RE.fullmatch(raw):
        raise _err(
            f"{vi_name} phải có dạng ngàythángnăm gồm 8 chữ số (ddmmyyyy)",
            f"The {en_name} must be 8 digits in the form ddmmyyyy",
        )
    try:
        value = date(int(raw[4:8]), int(raw[2:4]), int(raw[0:2]))
    except ValueError:
        raise _err(f"{vi_name} không tồn tại", f"The {en_name} is not a real date") from None
    if value > today:
        raise _err(f"{vi_name} nằm trong tương lai", f"The {en_name} is in the future")
    if value.year < today.year - _MAX_AGE_YEARS:
        raise _err(f"{vi_name} quá xa trong quá khứ", f"The {en_name} is implausibly old")
    return value


def parse_cccd_qr(text: str, *, today: date | None = None) -> CitizenIdentity:
    """Parse and validate a CCCD QR payload; raise ValueError (vi / en message) if malformed."""
    if not isinstance(text, str):
        raise _err("Dữ liệu mã QR không phải văn bản", "The QR data is not text")
    if len(text) > _MAX_QR_CHARS:
        raise _err("Mã QR quá dài, không phải CCCD", "The QR code is too long to be a CCCD")
    today = today or date.today()
    normalised = unicodedata.normalize("NFC", text).strip().strip("\ufeff").strip()
    if any(unicodedata.category(ch) == "Cc" for ch in normalised):
        raise _err("Mã QR chứa ký tự điều khiển không hợp lệ", "The QR code contains control characters")
    fields = [_clean(part) for part in normalised.split("|")]
    if len(fields) < CCCD_FIELD_COUNT:
        raise _err(
            f"Mã QR phải có ít nhất {CCCD_FIELD_COUNT} trường cách nhau bởi '|', nhưng chỉ có {len(fields)}",
            f"The QR code must have at least {CCCD_FIELD_COUNT} '|'-separated fields, found {len(fields)}",
        )
    id_number, old_id, full_name, dob_raw, sex_raw, address, issue_raw = fields[:CCCD_FIELD_COUNT]

    if not _ID_RE.fullmatch(id_number):
        raise _err("Số CCCD phải có 12 chữ số", "The ID number must have 12 digits")
    if old_id and not _OLD_ID_RE.fullmatch(old_id):
        raise _err("Số CMND cũ phải có 9 chữ số", "The old ID number must have 9 digits")
    if not full_name:
        raise _err("Họ và tên không được để trống", "The full name must not be empty")
    if not any(ch.isalpha() for ch in full_name) or any(ch.isdigit() for ch in full_name):
        raise _err("Họ và tên chỉ được chứa chữ cái", "The full name must consist of letters")
    sex = _SEX_VALUES.get(sex_raw.casefold())
    if sex is None:
        raise _err("Giới tính phải là 'Nam' hoặc 'Nữ'", "The sex must be 'Nam' or 'Nữ'")
    if not address:
        raise _err("Nơi thường trú không được để trống", "The address must not be empty")
    date_of_birth = _parse_date(dob_raw, "Ngày sinh", "date of birth", today)
    issue_date = _parse_date(issue_raw, "Ngày cấp", "issue date", today)
    if issue_date < date_of_birth:
        raise _err("Ngày cấp không thể trước ngày sinh", "The issue date cannot be before the date of birth")
    return CitizenIdentity(
        id_number=id_number,
        old_id_number=old_id or None,
        full_name=full_name,
        date_of_birth=date_of_birth,
        sex=sex,
        address=address,
        issue_date=issue_date,
    )
