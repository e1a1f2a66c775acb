"""Redact citizen personal data from free text before it leaves the site.

What goes: ID-like numbers (CMND 9 digits, CCCD 12 digits, and any other run of 9+ digits),
phone numbers (10/11 digits starting with 0, or +84/84 …), e-mail addresses, and names of persons —
capitalised words after a form of address (anh, chị, ông, bà, em, cô, chú, bác, nhân viên, cán bộ, …)
and full names that start with a common Vietnamese family name (Nguyễn, Trần, Lê, …, with or without
diacritics). It errs on the side of redacting: a capitalised word after "chị" is taken for a name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["EMAIL", "FAMILY_NAMES", "HONORIFICS", "ID", "NAME", "PHONE", "redact"]

ID: Final = "[ID]"
PHONE: Final = "[PHONE]"
NAME: Final = "[NAME]"
EMAIL: Final = "[EMAIL]"

# Forms of address after which a capitalised word is a person's name (one or two words each).
HONORIFICS: Final[frozenset[str]] = frozenset(
    {
        "anh",
        "chị",
        "ông",
        "bà",
        "em",
        "cô",
        "chú",
        "bác",
        "cậu",
        "dì",
        "thím",
        "mợ",
        "cháu",
        "bạn",
        "thầy",
        "nhân viên",
        "cán bộ",
        "đồng chí",
        "đ/c",
        "đc",
        "nv",
        "cb",
        "chuyên viên",
        "công chức",
        "viên chức",
        # typed without diacritics
        "chi",
        "ong",
        "co",
        "chu",
        "bac",
        "nhan vien",
        "can bo",
        "dong chi",
    }
)

# Common family names (~90% of Vietnamese), with and without diacritics.
FAMILY_NAMES: Final[frozenset[str]] = frozenset(
    {
        "nguyễn",
        "trần",
        "lê",
        "phạm",
        "hoàng",
        "huỳnh",
        "phan",
        "vũ",
        "võ",
        "đặng",
        "bùi",
        "đỗ",
        "hồ",
        "ngô",
        "dương",
        "lý",
        "đinh",
        "trương",
        "đoàn",
        "lương",
        "trịnh",
        "nguyen",
        "tran",
        "pham",
        "hoang",
        "huynh",
        "dang",
        "bui",
        "ngo",
        "duong",
        "dinh",
        "truong",
        "doan",
        "luong",
        "trinh",
    }
)
# Short unaccented family names that are also common words: only as part of a longer capitalised name.
_WEAK_FAMILY: Final = frozenset({"le", "vu", "vo", "do", "ho", "ly"})

_EMAIL_RE: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits, possibly split by single spaces, dots or dashes, optionally after +84.
_NUMBER_RE: Final = re.compile(r"(?<![\w+])(?:\+\s?)?\d(?:[ .\-]?\d){6,}(?!\w)")
_WORD_RE: Final = re.compile(r"[^\W\d_]+(?:/[^\W\d_]+)?")
_MAX_NAME_WORDS: Final = 4


def _classify_number(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    international = raw.lstrip().startswith("+") or (digits.startswith("84") and len(digits) == 11)
    if international and len(digits) in (11, 12) and digits.startswith("84"):
        return PHONE
    if digits.startswith("0") and len(digits) in (10, 11) and digits[1] != "0":
        return PHONE
    if len(digits) >= 9:
        return ID
    return None


def _redact_numbers(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        kind = _classify_number(match.group(0))
        return kind if kind is not None else match.group(0)

    return _NUMBER_RE.sub(replace, text)


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _redact_names(text: str) -> str:
    words = list(_WORD_RE.finditer(text))
    spans: list[tuple[int, int]] = []

    def only_space_between(a: re.Match[str], b: re.Match[str]) -> bool:
        return text[a.end() : b.start()].strip() == "" and text[a.end() : b.start()].count("\n") == 0

    def run_of_capitalised(start: int) -> int:
        """Index after the run of capitalised words beginning at ``start`` (space-separated)."""
        end = start
        while (
            end < len(words)
            and end - start < _MAX_NAME_WORDS
            and _is_capitalised(words[end].group(0))
            and (end == start or only_space_between(words[end - 1], words[end]))
        ):
            end += 1
        return end

    i = 0
    while i < len(words):
        word = words[i].group(0)
        lower = word.lower()
        two = None
        if i + 1 < len(words) and only_space_between(words[i], words[i + 1]):
            two = f"{lower} {words[i + 1].group(0).lower()}"
        # 1. form of address + capitalised words
        for honorific, width in ((two, 2), (lower, 1)):
            if honorific is None or honorific not in HONORIFICS:
                continue
            first = i + width
            if first < len(words) and only_space_between(words[first - 1], words[first]):
                end = run_of_capitalised(first)
                if end > first:
                    spans.append((words[first].start(), words[end - 1].end()))
                    i = end
                    break
        else:
            # 2. a full name starting with a family name
            folded = lower
            if folded in FAMILY_NAMES or folded in _WEAK_FAMILY:
                end = run_of_capitalised(i)
                needed = 3 if folded in _WEAK_FAMILY else 2
                if _is_capitalised(word) and end - i >= needed:
                    spans.append((words[i].start(), words[end - 1].end()))
                    i = end
                    continue
            i += 1
            continue
    if not spans:
        return text
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(NAME)
        last = end
    out.append(text[last:])
    return "".join(out)


def redact(text: str) -> str:
    """``text`` (NFC) with ID numbers, phone numbers, e-mail addresses and person names replaced by markers."""
    text = unicodedata.normalize("NFC", text)
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _redact_numbers(text)
    return _redact_names(text)
