"""Vietnamese text normalisation for storage (NFC) and for search (folding)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "nfc", "strip_diacritics"]

# đ/Đ are letters of their own, not d + a combining mark, so NFD does not split them.
_D_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})
_WORDS = re.compile(r"[^\W_]+")


def nfc(s: str) -> str:
    """Return `s` in Unicode NFC, the form every stored Vietnamese text uses."""
    return unicodedata.normalize("NFC", s)


def _is_mark(ch: str) -> bool:
    # Any non-zero combining class is dropped too, so what is left needs no canonical reordering;
    # that makes strip_diacritics idempotent for arbitrary Unicode, not only for Vietnamese.
    return unicodedata.category(ch) in ("Mn", "Me") or unicodedata.combining(ch) != 0


def strip_diacritics(s: str) -> str:
    """Remove tone and vowel marks (and map đ/Đ to d/D), keeping case; the result is NFC."""
    decomposed = unicodedata.normalize("NFD", s)
    bare = "".join(ch for ch in decomposed if not _is_mark(ch))
    return unicodedata.normalize("NFC", bare.translate(_D_LETTERS))


def fold(s: str) -> str:
    """Search key: NFC, lower case, no diacritics, runs of punctuation/whitespace as one space."""
    # Lower-casing can emit combining marks (İ → i + U+0307), hence the second strip.
    folded = strip_diacritics(strip_diacritics(s).casefold())
    return " ".join(_WORDS.findall(folded))
