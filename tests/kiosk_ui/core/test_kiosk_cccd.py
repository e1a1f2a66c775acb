"""CCCD QR parsing: the happy path, every malformed field, privacy, and fuzzing."""

from __future__ import annotations

import contextlib
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_ui.core.cccd import CitizenIdentity, parse_cccd_qr
from kiosk_ui.identity import parse_cccd_qr as reexported

TODAY = date(2025, 3, 18)
GOOD = "001089012345||Nguyễn Văn An|15081989|Nam|Số 12, phường Suối Hoa, TP Bắc Ninh, Bắc Ninh|20042021"


def _with(index: int, value: str) -> str:
    fields = GOOD.split("|")
    fields[index] = value
    return "|".join(fields)


def test_parses_a_card_with_no_old_id_number() -> None:
    ident = parse_cccd_qr(GOOD, today=TODAY)
    assert ident == CitizenIdentity(
        id_number="001089012345",
        old_id_number=None,
        full_name="Nguyễn Văn An",
        date_of_birth=date(1989, 8, 15),
        sex="Nam",
        address="Số 12, phường Suối Hoa, TP Bắc Ninh, Bắc Ninh",
        issue_date=date(2021, 4, 20),
    )
    assert reexported is parse_cccd_qr


def test_parses_old_id_number_and_female_sex() -> None:
    ident = parse_cccd_qr(_with(4, "Nữ").replace("||", "|125678901|"), today=TODAY)
    assert ident.old_id_number == "125678901"
    assert ident.sex == "Nữ"


def test_nfd_input_is_normalised_to_nfc_and_whitespace_stripped() -> None:
    nfd = unicodedata.normalize("NFD", GOOD)
    ident = parse_cccd_qr(f"\ufeff  {nfd}\r\n", today=TODAY)
    assert ident.full_name == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", ident.address)


def test_inner_whitespace_of_fields_is_collapsed() -> None:
    ident = parse_cccd_qr(_with(2, "  Nguyễn   Văn  An "), today=TODAY)
    assert ident.full_name == "Nguyễn Văn An"


def test_extra_trailing_fields_are_ignored_when_first_seven_are_valid() -> None:
    ident = parse_cccd_qr(GOOD + "|20042036|extra", today=TODAY)
    assert ident.issue_date == date(2021, 4, 20)


def test_extra_trailing_fields_do_not_rescue_an_invalid_record() -> None:
    with pytest.raises(ValueError, match="12 chữ số"):
        parse_cccd_qr(_with(0, "12345") + "|x", today=TODAY)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "at least 7"),
        ("001089012345|Nguyễn Văn An|15081989", "at least 7"),
        (_with(0, "00108901234"), "The ID number must have 12 digits"),
        (_with(0, "0010890123456"), "12 digits"),
        (_with(0, "00108901234a"), "12 digits"),
        (_with(0, "００１０８９０１２３４５"), "12 digits"),  # full-width digits are not ASCII digits
        (_with(1, "12345678"), "old ID number must have 9 digits"),
        (_with(2, ""), "full name must not be empty"),
        (_with(2, "Nguyen 123"), "full name must consist of letters"),
        (_with(3, "31021989"), "date of birth is not a real date"),
        (_with(3, "1508198"), "8 digits"),
        (_with(3, "15081789"), "implausibly old"),
        (_with(3, "19032025"), "date of birth is in the future"),
        (_with(4, "X"), "sex must be"),
        (_with(5, ""), "address must not be empty"),
        (_with(6, "29022021"), "issue date is not a real date"),
        (_with(6, "01012030"), "issue date is in the future"),
        (_with(6, "01011980"), "issue date cannot be before the date of birth"),
        (GOOD.replace("Nam", "Na\x00m"), "control characters"),
    ],
)
def test_malformed_payloads_raise_a_bilingual_value_error(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment) as info:
        parse_cccd_qr(text, today=TODAY)
    assert " / " in str(info.value)  # Vietnamese / English


def test_leap_day_birth_is_accepted() -> None:
    assert parse_cccd_qr(_with(3, "29022000"), today=TODAY).date_of_birth == date(2000, 2, 29)


def test_error_messages_never_contain_the_scanned_values() -> None:
    for bad in (_with(0, "98765432101"), _with(3, "99999999"), _with(1, "55555")):
        with pytest.raises(ValueError, match=" / ") as info:
            parse_cccd_qr(bad, today=TODAY)
        message = str(info.value)
        assert "98765432101" not in message
        assert "99999999" not in message
        assert "55555" not in message
        assert "Nguyễn" not in message


def test_repr_masks_id_number_and_name() -> None:
    ident = parse_cccd_qr(GOOD.replace("||", "|125678901|"), today=TODAY)
    text = repr(ident) + str(ident) + f"{ident}"
    assert "001089012345" not in text
    assert "125678901" not in text
    assert "Nguyễn" not in text
    assert "Suối Hoa" not in text
    assert "1989" not in text
    assert "*********345" in text
    assert "N. V. A." in text


def test_today_defaults_to_the_real_date() -> None:
    assert parse_cccd_qr(GOOD).id_number == "001089012345"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_cccd_qr(text, today=TODAY)


_FIELD = st.text(alphabet=st.characters(blacklist_characters="|"), max_size=20)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FIELD, st.from_regex(r"[0-9]{8,12}", fullmatch=True)), min_size=5, max_size=9))
def test_pipe_separated_noise_raises_only_value_error(fields: list[str]) -> None:
    try:
        ident = parse_cccd_qr("|".join(fields), today=TODAY)
    except ValueError:
        return
    assert len(ident.id_number) == 12
    assert ident.date_of_birth <= ident.issue_date <= TODAY
