"""Form definitions, field validation (full and partial), prefill from a CCCD."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_ui.core.cccd import parse_cccd_qr
from kiosk_ui.core.forms import (
    FieldDef,
    parse_field,
    parse_fields,
    prefill_from_identity,
    validate_field,
    validate_form,
)

TODAY = date(2025, 3, 18)
CATALOGUE: list[dict[str, Any]] = [
    {
        "name": "child_full_name",
        "label_vi": "Họ, chữ đệm và tên của trẻ",
        "label_en": "Child's full name",
        "type": "text",
        "required": True,
        "max_length": 20,
        "help_vi": "Viết có dấu",
        "help_en": "With diacritics",
    },
    {
        "name": "child_date_of_birth",
        "label_vi": "Ngày sinh của trẻ",
        "label_en": "Child's date of birth",
        "type": "date",
        "required": True,
    },
    {
        "name": "child_sex",
        "label_vi": "Giới tính",
        "label_en": "Sex",
        "type": "choice",
        "required": True,
        "choices": [
            {"value": "nam", "label_vi": "Nam", "label_en": "Male"},
            {"value": "nu", "label_vi": "Nữ", "label_en": "Female"},
        ],
    },
    {
        "name": "applicant_id",
        "label_vi": "Số CCCD người yêu cầu",
        "label_en": "Applicant's ID number",
        "type": "id_number",
        "required": True,
        "prefill": "id_number",
    },
    {
        "name": "applicant_name",
        "label_vi": "Họ tên người yêu cầu",
        "label_en": "Applicant's name",
        "type": "text",
        "required": True,
        "prefill": "full_name",
    },
    {
        "name": "applicant_dob",
        "label_vi": "Ngày sinh người yêu cầu",
        "label_en": "Applicant's birth date",
        "type": "date",
        "prefill": "date_of_birth",
    },
    {
        "name": "applicant_sex",
        "label_vi": "Giới tính người yêu cầu",
        "label_en": "Applicant's sex",
        "type": "choice",
        "prefill": "sex",
        "choices": [
            {"value": "nam", "label_vi": "Nam", "label_en": "Male"},
            {"value": "nu", "label_vi": "Nữ", "label_en": "Female"},
        ],
    },
    {"name": "old_id", "label_vi": "Số CMND cũ", "label_en": "Old ID", "type": "id_number", "prefill": "old_id_number"},
    {"name": "phone", "label_vi": "Số điện thoại", "label_en": "Phone number", "type": "phone", "required": True},
    {"name": "email", "label_vi": "Thư điện tử", "label_en": "Email", "type": "email"},
    {"name": "copies", "label_vi": "Số bản sao", "label_en": "Number of copies", "type": "number"},
    {"name": "appointment", "label_vi": "Ngày hẹn", "label_en": "Appointment date", "type": "date"},
]
FIELDS = {f.name: f for f in parse_fields(CATALOGUE)}


def check(name: str, raw: str | None, *, partial: bool = False) -> tuple[bool, str | None, str | None]:
    result = validate_field(FIELDS[name], raw, today=TODAY, partial=partial)
    return result.ok, result.value, result.message_en


def test_definitions_parse_into_frozen_dataclasses() -> None:
    field = FIELDS["child_sex"]
    assert isinstance(field, FieldDef)
    assert field.choices[1].label_vi == "Nữ"
    assert FIELDS["child_full_name"].max_length == 20
    assert FIELDS["child_full_name"].help_en == "With diacritics"
    with pytest.raises(AttributeError):
        field.required = False  # type: ignore[misc]


def test_birth_dates_refuse_the_future_and_appointments_do_not() -> None:
    assert FIELDS["child_date_of_birth"].not_future
    assert FIELDS["applicant_dob"].not_future
    assert not FIELDS["appointment"].not_future
    assert parse_field({**CATALOGUE[-1], "not_future": True}).not_future


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "x", "type": "colour"},
        {"name": "", "type": "text"},
        {"type": "text"},
        {"name": "x", "type": "choice"},
        {"name": "x", "type": "text", "prefill": "passport"},
        {"name": "x", "type": "text", "max_length": 0},
        {"name": "x", "type": "text", "required": "yes"},
        {"name": "x", "type": "choice", "choices": ["a"]},
    ],
)
def test_broken_definitions_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=" / "):
        parse_field(bad)


def test_duplicate_field_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        parse_fields([CATALOGUE[0], CATALOGUE[0]])


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("child_date_of_birth", "15/08/2019", "15/08/2019"),
        ("child_date_of_birth", "5/8/2019", "05/08/2019"),
        ("child_date_of_birth", "05-08-2019", "05/08/2019"),
        ("child_date_of_birth", "29/02/2024", "29/02/2024"),
        ("appointment", "01/04/2025", "01/04/2025"),
        ("phone", "0912345678", "0912345678"),
        ("phone", "+84 912 345 678", "0912345678"),
        ("phone", "0912.345.678", "0912345678"),
        ("phone", "0084912345678", "0912345678"),
        ("applicant_id", "001 089 012 345", "001089012345"),
        ("old_id", "125678901", "125678901"),
        ("child_sex", "nu", "nu"),
        ("child_sex", "Nữ", "nu"),
        ("child_sex", "female", "nu"),
        ("child_full_name", "  Nguyễn   Thị  Mai ", "Nguyễn Thị Mai"),
        ("email", "An.Nguyen@Example.VN", "An.Nguyen@example.vn"),
        ("copies", "2", "2"),
        ("copies", "1,5", "1.5"),
        ("email", "", None),
    ],
)
def test_valid_values_are_normalised(name: str, raw: str, value: str | None) -> None:
    assert check(name, raw) == (True, value, None)


@pytest.mark.parametrize(
    ("name", "raw", "fragment"),
    [
        ("child_date_of_birth", "19/03/2025", "cannot be in the future"),
        ("child_date_of_birth", "2019-08-15", "dd/mm/yyyy"),
        ("child_date_of_birth", "15081989", "dd/mm/yyyy"),
        ("child_date_of_birth", "31/04/2019", "not a real date"),
        ("child_date_of_birth", "29/02/2023", "not a real date"),
        ("child_date_of_birth", "01/01/1850", "1900 or later"),
        ("applicant_id", "00108901234", "exactly 12 digits"),
        ("applicant_id", "0010890123456", "exactly 12 digits"),
        ("phone", "912345678", "10 digits starting with 0"),
        ("phone", "09123456789", "10 digits"),
        ("phone", "09l2345678", "10 digits"),
        ("child_full_name", "", "Please fill in Child's full name"),
        ("child_full_name", "   ", "Please fill in"),
        ("child_full_name", "Nguyễn Thị Mai Phương Anh", "at most 20 characters"),
        ("child_sex", "khác", "choose one of: Male, Female"),
        ("email", "an@", "valid email"),
        ("copies", "hai", "digits only"),
    ],
)
def test_invalid_values_say_how_to_fix_them(name: str, raw: str, fragment: str) -> None:
    result = validate_field(FIELDS[name], raw, today=TODAY)
    assert not result.ok
    assert result.message_en is not None
    assert fragment in result.message_en
    assert result.message_vi
    assert result.message_vi != result.message_en


def test_vietnamese_message_names_the_field() -> None:
    result = validate_field(FIELDS["child_date_of_birth"], "01/01/2030", today=TODAY)
    assert result.message_vi is not None
    assert result.message_vi.startswith("Ngày sinh của trẻ: không thể là ngày trong tương lai")


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("child_date_of_birth", ""),
        ("child_date_of_birth", "1"),
        ("child_date_of_birth", "15"),
        ("child_date_of_birth", "15/"),
        ("child_date_of_birth", "15/0"),
        ("child_date_of_birth", "15/08/"),
        ("child_date_of_birth", "15/08/2"),
        ("child_date_of_birth", "15/08/20"),
        ("child_date_of_birth", "15/08/202"),
        ("phone", "+"),
        ("phone", "+84 9"),
        ("phone", "091"),
        ("applicant_id", "0010"),
        ("child_sex", "N"),
        ("email", "an@exa"),
        ("copies", "1,"),
        ("copies", "-"),
    ],
)
def test_partial_mode_accepts_incomplete_but_valid_so_far(name: str, raw: str) -> None:
    result = validate_field(FIELDS[name], raw, today=TODAY, partial=True)
    assert result.ok
    assert not result.complete
    assert result.value is None


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("child_date_of_birth", "32"),
        ("child_date_of_birth", "32/"),
        ("child_date_of_birth", "15/13"),
        ("child_date_of_birth", "31/02/"),
        ("child_date_of_birth", "00/"),
        ("child_date_of_birth", "15/08/3"),  # a birth year cannot start with 3
        ("child_date_of_birth", "15/08/2026"),
        ("child_date_of_birth", "1a"),
        ("phone", "1"),
        ("phone", "09a"),
        ("applicant_id", "0010890123456"),
        ("child_sex", "x"),
        ("child_full_name", "x" * 21),
    ],
)
def test_partial_mode_reports_input_that_cannot_become_valid(name: str, raw: str) -> None:
    assert not validate_field(FIELDS[name], raw, today=TODAY, partial=True).ok


def test_partial_mode_returns_complete_values() -> None:
    result = validate_field(FIELDS["child_date_of_birth"], "15/08/2019", today=TODAY, partial=True)
    assert (result.ok, result.complete, result.value) == (True, True, "15/08/2019")


def test_validate_form_collects_every_error() -> None:
    result = validate_form(FIELDS.values(), {"child_full_name": "Mai", "phone": "12"}, TODAY)
    assert not result.ok
    assert set(result.errors) == {"child_date_of_birth", "child_sex", "applicant_id", "applicant_name", "phone"}
    assert result.values == {}


def test_validate_form_returns_normalised_values_and_ignores_unknown_names() -> None:
    values = {
        "child_full_name": "Nguyễn Thị Mai",
        "child_date_of_birth": "1/6/2024",
        "child_sex": "Nữ",
        "applicant_id": "001089012345",
        "applicant_name": "Nguyễn Văn An",
        "phone": "+84 912 345 678",
        "hacker": "x",
    }
    result = validate_form(FIELDS.values(), values, TODAY)
    assert result.ok, result.errors
    assert result.values["child_date_of_birth"] == "01/06/2024"
    assert result.values["phone"] == "0912345678"
    assert result.values["email"] is None
    assert "hacker" not in result.values


def test_prefill_from_identity_uses_prefill_keys_and_formats_dates() -> None:
    ident = parse_cccd_qr("001089012345|125678901|Nguyễn Văn An|15081989|Nam|Số 12, Bắc Ninh|20042021", today=TODAY)
    values = prefill_from_identity(FIELDS.values(), ident)
    assert values == {
        "applicant_id": "001089012345",
        "applicant_name": "Nguyễn Văn An",
        "applicant_dob": "15/08/1989",
        "applicant_sex": "nam",
        "old_id": "125678901",
    }
    assert validate_form(FIELDS.values(), values, TODAY).errors.keys() >= {"child_full_name"}
    for name, value in values.items():
        assert validate_field(FIELDS[name], value, today=TODAY).ok


def test_prefill_skips_missing_old_id() -> None:
    ident = parse_cccd_qr("001089012345||Nguyễn Văn An|15081989|Nữ|Số 12, Bắc Ninh|20042021", today=TODAY)
    values = prefill_from_identity(FIELDS.values(), ident)
    assert "old_id" not in values
    assert values["applicant_sex"] == "nu"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(FIELDS)), st.text(max_size=30), st.booleans())
def test_validation_never_raises(name: str, raw: str, partial: bool) -> None:
    result = validate_field(FIELDS[name], raw, today=TODAY, partial=partial)
    assert result.ok or (result.message_vi and result.message_en)


def test_field_from_the_servers_json_with_null_optional_texts_parses():
    from kiosk_ui.core.forms import parse_field

    field = parse_field(
        {
            "name": "phone",
            "label_vi": "Số điện thoại",
            "label_en": "Phone",
            "type": "phone",
            "required": True,
            "help_vi": None,
            "help_en": None,
            "choices": [],
            "prefill": None,
            "max_length": None,
        }
    )
    assert field.name == "phone" and field.help_vi == ""
