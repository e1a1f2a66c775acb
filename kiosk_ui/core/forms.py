"""Form definitions from the server's procedure catalogue, and validation as the citizen types.

Values are validated as text and normalised to text: dates ``dd/mm/yyyy``, phone numbers
``0xxxxxxxxx``, ID numbers 12 digits, choices their ``value``, numbers with a ``.`` decimal point.

Partial mode (``partial=True``, called on every key press) reports an error only when the input
can no longer become valid by typing more: an empty required field, ``15/0`` for a date, ``+84 9``
for a phone number or ``0011`` for an ID number are fine so far; ``32/``, ``15/13``, a letter in a
phone number, a 13th ID digit or a text over ``max_length`` are reported at once. A partial result
is ``ok`` with ``complete`` telling whether the input is already a full valid value.

A date field refuses future dates when the definition says ``"not_future": true``; when the key
is absent, birth dates (``prefill`` ``date_of_birth``/``issue_date``, or a name containing
``birth``, ``dob`` or ``ngay_sinh``) refuse them and other dates (appointments) do not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, cast

from kiosk_ui.core.cccd import CitizenIdentity

__all__ = [
    "FIELD_TYPES",
    "PREFILL_KEYS",
    "Choice",
    "FieldDef",
    "FieldResult",
    "FieldType",
    "FormResult",
    "parse_field",
    "parse_fields",
    "prefill_from_identity",
    "validate_field",
    "validate_form",
]

FieldType = Literal["text", "date", "choice", "phone", "id_number", "email", "number"]
FIELD_TYPES: tuple[str, ...] = ("text", "date", "choice", "phone", "id_number", "email", "number")
PREFILL_KEYS: tuple[str, ...] = (
    "id_number",
    "old_id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "address",
    "issue_date",
)
MIN_YEAR = 1900
DEFAULT_MAX_LENGTH = 500

_DATE_RE = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})")
_DATE_SEP = re.compile(r"[/.\-]")
_PHONE_JUNK = re.compile(r"[\s.\-()]")
_PHONE_RE = re.compile(r"0[0-9]{9}")
_PHONE_PARTIAL_RE = re.compile(r"|\+|\+8|\+84[0-9]{0,9}|0[0-9]{0,9}")
_ID_RE = re.compile(r"[0-9]{12}")
_OLD_ID_RE = re.compile(r"[0-9]{9}")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
_NUMBER_RE = re.compile(r"-?[0-9]+([.,][0-9]+)?")
_NUMBER_PARTIAL_RE = re.compile(r"-?([0-9]+([.,][0-9]*)?)?")
_BIRTH_HINTS = ("birth", "dob", "ngay_sinh")


@dataclass(frozen=True)
class Choice:
    """One option of a choice field."""

    value: str
    label_vi: str
    label_en: str


@dataclass(frozen=True)
class FieldDef:
    """One form field as the procedure catalogue defines it."""

    name: str
    label_vi: str
    label_en: str
    type: FieldType
    required: bool = False
    choices: tuple[Choice, ...] = ()
    prefill: str | None = None
    max_length: int | None = None
    help_vi: str = ""
    help_en: str = ""
    not_future: bool = False


@dataclass(frozen=True)
class FieldResult:
    """Outcome of validating one field: a normalised value, or how to fix it (vi and en)."""

    ok: bool
    value: str | None = None
    message_vi: str | None = None
    message_en: str | None = None
    complete: bool = True


@dataclass(frozen=True)
class FormResult:
    """Outcome of validating a whole form."""

    ok: bool
    values: dict[str, str | None] = field(default_factory=dict)
    errors: dict[str, FieldResult] = field(default_factory=dict)


def _nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _text(raw: Mapping[str, object], key: str, *, default: str | None = None) -> str:
    value = raw.get(key)
    if value is None:  # absent, or null in the server's JSON for optional texts
        value = default
    if not isinstance(value, str):
        raise ValueError(f"Định nghĩa trường thiếu '{key}' / Field definition needs a string '{key}'")
    return unicodedata.normalize("NFC", value)


def parse_field(raw: Mapping[str, object]) -> FieldDef:
    """Build a FieldDef from one catalogue JSON object; ValueError if the definition is broken."""
    name = _text(raw, "name")
    if not name:
        raise ValueError("Tên trường trống / Field name is empty")
    ftype = _text(raw, "type")
    if ftype not in FIELD_TYPES:
        raise ValueError(f"Kiểu trường không hợp lệ / Unknown field type {ftype!r} for {name!r}")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise ValueError(f"'required' phải là true/false / 'required' must be a boolean ({name!r})")
    choices: list[Choice] = []
    raw_choices = raw.get("choices") or []
    if not isinstance(raw_choices, list):
        raise ValueError(f"'choices' phải là danh sách / 'choices' must be a list ({name!r})")
    for item in raw_choices:
        if not isinstance(item, Mapping):
            raise ValueError(f"Lựa chọn không hợp lệ / Each choice must be an object ({name!r})")
        value = _text(item, "value")
        label_vi = _text(item, "label_vi", default=value)
        choices.append(Choice(value, label_vi, _text(item, "label_en", default=label_vi)))
    if ftype == "choice" and not choices:
        raise ValueError(f"Trường lựa chọn không có lựa chọn / Choice field {name!r} has no choices")
    prefill = raw.get("prefill")
    if prefill is not None and prefill not in PREFILL_KEYS:
        raise ValueError(f"Khoá điền sẵn không hợp lệ / Unknown prefill key {prefill!r} ({name!r})")
    max_length = raw.get("max_length")
    if max_length is not None and (not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1):
        raise ValueError(f"'max_length' phải là số dương / 'max_length' must be positive ({name!r})")
    not_future = raw.get("not_future")
    if not_future is None:
        not_future = prefill in ("date_of_birth", "issue_date") or any(h in name for h in _BIRTH_HINTS)
    if not isinstance(not_future, bool):
        raise ValueError(f"'not_future' phải là true/false / 'not_future' must be a boolean ({name!r})")
    label_vi = _text(raw, "label_vi", default=name)
    return FieldDef(
        name=name,
        label_vi=label_vi,
        label_en=_text(raw, "label_en", default=label_vi),
        type=cast(FieldType, ftype),
        required=required,
        choices=tuple(choices),
        prefill=prefill,
        max_length=max_length,
        help_vi=_text(raw, "help_vi", default=""),
        help_en=_text(raw, "help_en", default=""),
        not_future=not_future,
    )


def parse_fields(raw: Iterable[Mapping[str, object]]) -> tuple[FieldDef, ...]:
    """Parse a list of catalogue field objects; field names must be unique."""
    fields = tuple(parse_field(item) for item in raw)
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise ValueError("Tên trường bị trùng / Field names must be unique")
    return fields


def _fail(vi: str, en: str) -> FieldResult:
    return FieldResult(ok=False, message_vi=vi, message_en=en, complete=False)


def _incomplete() -> FieldResult:
    return FieldResult(ok=True, value=None, complete=False)


def _date_prefix_ok(text: str, fdef: FieldDef, today: date) -> bool:
    parts = _DATE_SEP.split(text)
    if len(parts) > 3 or not all(p.isascii() and (p.isdigit() or p == "") for p in parts):
        return False
    if any(p == "" for p in parts[:-1]):
        return False
    limits = (31, 12)
    for i, part in enumerate(parts[:2]):
        closed = i < len(parts) - 1
        if len(part) > 2 or (part and int(part) > limits[i]) or (closed and int(part) == 0):
            return False
        if len(part) == 2 and int(part) == 0:
            return False
    if len(parts) >= 2 and parts[1] and len(parts) == 3:
        day, month = int(parts[0]), int(parts[1])
        if day > _days_in_month(month, None):
            return False
    if len(parts) == 3:
        last_year = today.year if fdef.not_future else 2099
        if len(parts[2]) > 4 or not any(str(y).startswith(parts[2]) for y in range(MIN_YEAR, last_year + 1)):
            return False
    return True


def _days_in_month(month: int, year: int | None) -> int:
    if month == 2:
        return 29 if year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _validate_date(text: str, fdef: FieldDef, today: date, partial: bool) -> FieldResult:
    how_en = "Enter the date as dd/mm/yyyy, e.g. 15/08/1989"
    how_vi = "Nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 15/08/1989"
    match = _DATE_RE.fullmatch(text)
    if match is None:
        if partial and _date_prefix_ok(text, fdef, today):
            return _incomplete()
        return _fail(f"{fdef.label_vi}: {how_vi}", f"{fdef.label_en}: {how_en}")
    day, month, year = (int(g) for g in match.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        return _fail(
            f"{fdef.label_vi}: ngày {day:02d}/{month:02d}/{year} không tồn tại, hãy kiểm tra ngày và tháng",
            f"{fdef.label_en}: {day:02d}/{month:02d}/{year} is not a real date; check the day and month",
        )
    if year < MIN_YEAR:
        return _fail(
            f"{fdef.label_vi}: năm phải từ {MIN_YEAR} trở đi",
            f"{fdef.label_en}: the year must be {MIN_YEAR} or later",
        )
    if fdef.not_future and value > today:
        return _fail(
            f"{fdef.label_vi}: không thể là ngày trong tương lai, hãy kiểm tra lại năm",
            f"{fdef.label_en}: cannot be in the future; check the year",
        )
    return FieldResult(ok=True, value=value.strftime("%d/%m/%Y"))


def _validate_phone(text: str, fdef: FieldDef, partial: bool) -> FieldResult:
    cleaned = _PHONE_JUNK.sub("", text)
    if cleaned.startswith("0084"):
        cleaned = "+84" + cleaned[4:]
    national = "0" + cleaned[3:] if cleaned.startswith("+84") else cleaned
    if _PHONE_RE.fullmatch(national):
        return FieldResult(ok=True, value=national)
    if partial and _PHONE_PARTIAL_RE.fullmatch(cleaned) and len(national) < 10:
        return _incomplete()
    return _fail(
        f"{fdef.label_vi}: số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84), ví dụ 0912 345 678",
        f"{fdef.label_en}: a phone number has 10 digits starting with 0 (or +84), e.g. 0912 345 678",
    )


def _validate_id(text: str, fdef: FieldDef, partial: bool) -> FieldResult:
    cleaned = re.sub(r"\s", "", text)
    if _ID_RE.fullmatch(cleaned) or (fdef.prefill == "old_id_number" and _OLD_ID_RE.fullmatch(cleaned)):
        return FieldResult(ok=True, value=cleaned)
    if partial and cleaned.isascii() and cleaned.isdigit() and len(cleaned) < 12:
        return _incomplete()
    return _fail(
        f"{fdef.label_vi}: số định danh (CCCD) phải gồm đúng 12 chữ số",
        f"{fdef.label_en}: the ID number must be exactly 12 digits",
    )


def _validate_choice(text: str, fdef: FieldDef, partial: bool) -> FieldResult:
    key = text.casefold()
    for choice in fdef.choices:
        if key in (choice.value.casefold(), choice.label_vi.casefold(), choice.label_en.casefold()):
            return FieldResult(ok=True, value=choice.value)
    if partial and any(
        c.casefold().startswith(key) for ch in fdef.choices for c in (ch.value, ch.label_vi, ch.label_en)
    ):
        return _incomplete()
    options_vi = ", ".join(c.label_vi for c in fdef.choices)
    options_en = ", ".join(c.label_en for c in fdef.choices)
    return _fail(f"{fdef.label_vi}: hãy chọn một trong: {options_vi}", f"{fdef.label_en}: choose one of: {options_en}")


def validate_field(fdef: FieldDef, raw_value: str | None, *, today: date, partial: bool = False) -> FieldResult:
    """Validate and normalise one value; in partial mode accept incomplete-but-valid-so-far input."""
    text = _nfc(raw_value or "")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        return _fail(f"{fdef.label_vi}: có ký tự không hợp lệ", f"{fdef.label_en}: contains invalid characters")
    if not text:
        if fdef.required and not partial:
            return _fail(f"Vui lòng nhập {fdef.label_vi}", f"Please fill in {fdef.label_en}")
        return FieldResult(ok=True, value=None, complete=not fdef.required)
    max_length = fdef.max_length or DEFAULT_MAX_LENGTH
    if len(text) > max_length:
        return _fail(
            f"{fdef.label_vi}: tối đa {max_length} ký tự, hãy rút gọn ({len(text)} ký tự)",
            f"{fdef.label_en}: at most {max_length} characters, please shorten it ({len(text)} now)",
        )
    if fdef.type == "date":
        return _validate_date(text, fdef, today, partial)
    if fdef.type == "phone":
        return _validate_phone(text, fdef, partial)
    if fdef.type == "id_number":
        return _validate_id(text, fdef, partial)
    if fdef.type == "choice":
        return _validate_choice(text, fdef, partial)
    if fdef.type == "email":
        if _EMAIL_RE.fullmatch(text):
            local, _, domain = text.rpartition("@")
            return FieldResult(ok=True, value=f"{local}@{domain.lower()}")
        if partial and " " not in text and text.count("@") <= 1:
            return _incomplete()
        return _fail(
            f"{fdef.label_vi}: địa chỉ email chưa đúng, ví dụ ten@example.com",
            f"{fdef.label_en}: not a valid email address, e.g. name@example.com",
        )
    if fdef.type == "number":
        if _NUMBER_RE.fullmatch(text):
            return FieldResult(ok=True, value=text.replace(",", "."))
        if partial and _NUMBER_PARTIAL_RE.fullmatch(text):
            return _incomplete()
        return _fail(f"{fdef.label_vi}: chỉ nhập chữ số", f"{fdef.label_en}: enter digits only")
    return FieldResult(ok=True, value=text)


def validate_form(fields: Iterable[FieldDef], values: Mapping[str, str | None], today: date) -> FormResult:
    """Validate every field (full mode); values for unknown names are ignored."""
    cleaned: dict[str, str | None] = {}
    errors: dict[str, FieldResult] = {}
    for fdef in fields:
        result = validate_field(fdef, values.get(fdef.name), today=today)
        if result.ok:
            cleaned[fdef.name] = result.value
        else:
            errors[fdef.name] = result
    return FormResult(ok=not errors, values=cleaned if not errors else {}, errors=errors)


def prefill_from_identity(fields: Iterable[FieldDef], identity: CitizenIdentity) -> dict[str, str]:
    """Values for the fields whose ``prefill`` key names a CCCD attribute (dates dd/mm/yyyy)."""
    out: dict[str, str] = {}
    for fdef in fields:
        if fdef.prefill is None:
            continue
        value = getattr(identity, fdef.prefill, None)
        if value is None:
            continue
        text = value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)
        if fdef.type == "choice":
            result = _validate_choice(text, fdef, partial=False)
            if not result.ok or result.value is None:
                continue
            text = result.value
        out[fdef.name] = text
    return out
