"""Vietnamese number reading: exact cases and the structure of every number 0-9999."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_ui.core.numwords import (
    DIGITS_VI,
    digits_to_words,
    letter_to_words,
    number_to_words,
    number_words,
    split_ticket,
    ticket_to_words,
)

EXACT = {
    0: "không", 1: "một", 4: "bốn", 5: "năm", 10: "mười", 11: "mười một", 14: "mười bốn", 15: "mười lăm",
    20: "hai mươi", 21: "hai mươi mốt", 24: "hai mươi tư", 25: "hai mươi lăm", 31: "ba mươi mốt",
    44: "bốn mươi tư", 55: "năm mươi lăm", 99: "chín mươi chín", 100: "một trăm", 101: "một trăm linh một",
    104: "một trăm linh bốn", 105: "một trăm linh năm", 110: "một trăm mười", 111: "một trăm mười một",
    115: "một trăm mười lăm", 121: "một trăm hai mươi mốt", 123: "một trăm hai mươi ba",
    1000: "một nghìn", 1001: "một nghìn không trăm linh một", 1010: "một nghìn không trăm mười",
    1023: "một nghìn không trăm hai mươi ba", 1100: "một nghìn một trăm", 2014: "hai nghìn không trăm mười bốn",
    2025: "hai nghìn không trăm hai mươi lăm", 9999: "chín nghìn chín trăm chín mươi chín",
    10000: "mười nghìn", 21000: "hai mươi mốt nghìn", 100005: "một trăm nghìn không trăm linh năm",
    1_000_000: "một triệu", 1_000_021: "một triệu không trăm hai mươi mốt", 2_000_000_000: "hai tỷ",
}  # fmt: skip


@pytest.mark.parametrize(("value", "words"), sorted(EXACT.items()))
def test_exact_readings(value: int, words: str) -> None:
    assert number_to_words(value) == words


def test_le_instead_of_linh_and_ngan_instead_of_nghin() -> None:
    assert number_to_words(105, linh="lẻ") == "một trăm lẻ năm"
    assert number_to_words(1005, linh="lẻ", thousand="ngàn") == "một ngàn không trăm lẻ năm"


def test_every_number_to_9999_has_the_vietnamese_structure() -> None:
    seen = set()
    for value in range(10000):
        words = number_words(value)
        text = " ".join(words)
        assert text not in seen, text  # two numbers never read alike
        seen.add(text)
        thousands, rest = divmod(value, 1000)
        hundreds, rest2 = divmod(rest, 100)
        tens, units = divmod(rest2, 10)
        assert ("nghìn" in words) == (thousands > 0)
        assert words.count("trăm") == (hundreds > 0 or (thousands > 0 and rest > 0))
        assert ("mười" in words) == (tens == 1)
        assert ("mươi" in words) == (tens >= 2)
        assert ("linh" in words) == (value >= 100 and rest2 < 10 and units > 0)
        assert ("mốt" in words) == (tens >= 2 and units == 1)
        assert ("tư" in words) == (tens >= 2 and units == 4)
        assert ("lăm" in words) == (tens >= 1 and units == 5)
        if value and units == 0:
            assert words[-1] in {"mười", "mươi", "trăm", "nghìn"}
        assert words[0] != "không" or value == 0
        assert all(word in {*DIGITS_VI, "mười", "mươi", "trăm", "nghìn", "linh", "mốt", "tư", "lăm"} for word in words)


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_any_number_reads_without_gaps(value: int) -> None:
    text = number_to_words(value)
    assert text and "  " not in text and text == text.strip()


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        number_to_words(-1)


def test_tickets_by_digits_and_whole() -> None:
    assert ticket_to_words("B012") == "bê không một hai"
    assert ticket_to_words("B012", mode="whole") == "bê mười hai"
    assert ticket_to_words("A105", mode="whole", linh="lẻ") == "a một trăm lẻ năm"
    assert ticket_to_words("b-7") == "bê bảy"
    assert ticket_to_words("B012", lang="en") == "bee zero one two"
    assert ticket_to_words("B012", lang="en", mode="whole") == "bee 12"
    assert split_ticket("Đ0045") == ("Đ", "0045")
    assert letter_to_words("Đ") == "đê" and letter_to_words("x") == "ích xì"
    assert digits_to_words("0907") == "không chín không bảy"
    with pytest.raises(ValueError, match="ticket"):
        split_ticket("B01X")
