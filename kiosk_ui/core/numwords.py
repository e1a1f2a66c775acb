"""Vietnamese (and minimal English) spelling of numbers, digits, letters and ticket numbers.

Rules of the Vietnamese reading (Nguyễn Đình Hoà, *Vietnamese-English Dictionary*, numerals):
- tens: "mười" for 10-19, "<digit> mươi" for 20-99;
- units after a ten: 1 → "mốt" (from 21), 4 → "tư" (from 24, "bốn" also heard), 5 → "lăm" (from 15);
- an empty tens place inside a group reads "linh" (Northern) or "lẻ" (Southern): 105 → "một trăm linh năm";
- an empty hundreds place inside a larger number reads "không trăm": 1023 → "một nghìn không trăm hai mươi ba";
- groups of three: nghìn (or ngàn), triệu, tỷ.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

DIGITS_VI: tuple[str, ...] = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
DIGITS_EN: tuple[str, ...] = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# How the Latin letters of ticket series are read aloud in Vietnamese (the school alphabet,
# with the usual readings of F, J, W, Z that Vietnamese lacks).
LETTERS_VI: dict[str, str] = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê",
    "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ",
    "N": "en nờ", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "cu", "R": "e rờ", "S": "ét xì",
    "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích xì", "Y": "i dài", "Z": "dét",
}  # fmt: skip

LETTERS_EN: dict[str, str] = {
    "A": "ay", "B": "bee", "C": "see", "D": "dee", "E": "ee", "F": "eff", "G": "gee", "H": "aitch",
    "I": "eye", "J": "jay", "K": "kay", "L": "el", "M": "em", "N": "en", "O": "oh", "P": "pee",
    "Q": "cue", "R": "ar", "S": "ess", "T": "tee", "U": "you", "V": "vee", "W": "double you",
    "X": "ex", "Y": "why", "Z": "zed",
}  # fmt: skip

_SCALES_VI: tuple[str, ...] = ("", "nghìn", "triệu", "tỷ")
MAX_NUMBER = 999_999_999_999

Linh = Literal["linh", "lẻ"]
NumberMode = Literal["digits", "whole"]
Lang = Literal["vi", "en"]

_TICKET = re.compile(r"^\s*([^\W\d_]*)\s*-?\s*(\d+)\s*$")


def _units_after_tens(tens: int, units: int) -> str:
    """The unit word that follows a tens word (mốt, tư, lăm)."""
    if units == 1 and tens >= 2:
        return "mốt"
    if units == 4 and tens >= 2:
        return "tư"
    if units == 5:
        return "lăm"
    return DIGITS_VI[units]


def _group(value: int, *, full: bool, linh: Linh) -> list[str]:
    """Words of a group 0-999; ``full`` reads an empty hundreds place ("không trăm")."""
    hundreds, rest = divmod(value, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS_VI[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(linh)
            words.append(DIGITS_VI[units])
        return words
    words += ["mười"] if tens == 1 else [DIGITS_VI[tens], "mươi"]
    if units:
        words.append(_units_after_tens(tens, units))
    return words


def number_words(value: int, *, linh: Linh = "linh", thousand: str = "nghìn") -> list[str]:
    """Vietnamese words of ``0 <= value <= MAX_NUMBER``, one syllable per item."""
    if not 0 <= value <= MAX_NUMBER:
        raise ValueError(f"number out of range 0..{MAX_NUMBER}: {value}")
    if value == 0:
        return ["không"]
    groups: list[int] = []
    rest = value
    while rest:
        rest, group = divmod(rest, 1000)
        groups.append(group)
    words: list[str] = []
    top = len(groups) - 1
    for index in range(top, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _group(group, full=index != top, linh=linh)
        if index:
            words.append(thousand if index == 1 else _SCALES_VI[index])
    return words


def number_to_words(value: int, *, linh: Linh = "linh", thousand: str = "nghìn") -> str:
    """Vietnamese reading of a whole number: 1023 → "một nghìn không trăm hai mươi ba"."""
    return " ".join(number_words(value, linh=linh, thousand=thousand))


def digits_to_words(digits: str, *, lang: Lang = "vi") -> str:
    """Read a string of digits one by one: "012" → "không một hai"."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"not a string of digits: {digits!r}")
    table = DIGITS_VI if lang == "vi" else DIGITS_EN
    return " ".join(table[int(char)] for char in digits)


def letter_to_words(letter: str, *, lang: Lang = "vi") -> str:
    """How a single service letter is read aloud; unknown letters are returned as they are."""
    key = unicodedata.normalize("NFC", letter).upper()
    table = LETTERS_VI if lang == "vi" else LETTERS_EN
    return table.get(key, letter)


def split_ticket(number: str) -> tuple[str, str]:
    """Split a ticket number into its letter prefix and digits: "B012" → ("B", "012")."""
    match = _TICKET.match(unicodedata.normalize("NFC", number))
    if match is None:
        raise ValueError(f"not a ticket number: {number!r}")
    return match.group(1).upper(), match.group(2)


def ticket_words(number: str, *, mode: NumberMode = "digits", lang: Lang = "vi", linh: Linh = "linh") -> list[str]:
    """Spoken parts of a ticket number: letters first, then the number.

    ``digits`` mode reads every digit, leading zeros included ("B012" → bê / không một hai), the
    way the slip prints it; ``whole`` mode reads the value ("B012" → bê / mười hai).
    """
    letters, digits = split_ticket(number)
    parts = [letter_to_words(letter, lang=lang) for letter in letters]
    if mode == "digits":
        parts.append(digits_to_words(digits, lang=lang))
    elif lang == "vi":
        parts.append(number_to_words(int(digits), linh=linh))
    else:
        parts.append(str(int(digits)))
    return parts


def ticket_to_words(number: str, *, mode: NumberMode = "digits", lang: Lang = "vi", linh: Linh = "linh") -> str:
    """Spoken form of a ticket number: "B012" → "bê không một hai" (digits) or "bê mười hai"."""
    return " ".join(ticket_words(number, mode=mode, lang=lang, linh=linh))
