"""Pure sentiment logic: text normalisation, topic rules, rating/comment mismatch.

``normalize_text`` is the one function applied to a comment both when the model is trained
(``models/sentiment/train.py``) and when it is scored on a device (``edge_agent.sentiment``);
changing it means retraining the model (bump ``NORMALIZER_VERSION``).

The lexicons are data shipped beside this module: ``abbreviations.tsv`` (part of the normaliser) and
``topics.tsv`` (the topic rules). They are read once, at import, with ``importlib.resources``: the
only I/O of this module, and no framework.
"""

from __future__ import annotations

import importlib.resources
import re
import unicodedata
from collections.abc import Mapping
from typing import Final

from motcua.contract.feedback import (
    MISMATCH_THRESHOLD,
    SENTIMENT_LABELS,
    Rating,
    SentimentResult,
    parse_rating,
    rating_mismatch,
)
from motcua.domain.vntext import strip_diacritics

__all__ = [
    "LABELS",
    "MISMATCH_THRESHOLD",
    "NORMALIZER_VERSION",
    "TOPICS",
    "Rating",
    "SentimentResult",
    "detect_topics",
    "fold_diacritics",
    "make_result",
    "normalize_text",
    "parse_rating",
    "rating_mismatch",
]

NORMALIZER_VERSION: Final = "1"
LABELS: Final = SENTIMENT_LABELS


def _read_table(name: str, *, unique_keys: bool = False) -> list[tuple[str, str]]:
    """The ``key<TAB>value`` rows of a lexicon file shipped beside this module (``#`` lines are comments).

    Reading a package resource is the only I/O here, once at import; a malformed row fails the import.
    """
    text = importlib.resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    rows: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        key, tab, value = line.partition("\t")
        if not tab or not key or not value or "\t" in value or not unicodedata.is_normalized("NFC", line):
            raise ValueError(f"{name}:{number}: expected 'key<TAB>value' in NFC, got {line!r}")
        rows.append((key, value))
    keys = [key for key, _ in rows]
    if unique_keys and len(set(keys)) != len(keys):
        raise ValueError(f"{name}: a key is listed twice")
    return rows


def _topic_phrases(rows: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Group ``topic<TAB>phrase`` rows by topic, in the order topics first appear."""
    grouped: dict[str, list[str]] = {}
    for topic, phrase in rows:
        if phrase != strip_diacritics(phrase).lower() or phrase != " ".join(phrase.split()):
            raise ValueError(f"topics.tsv: phrase {phrase!r} must be lower-case, without diacritics, single-spaced")
        grouped.setdefault(topic, []).append(phrase)
    return {topic: tuple(phrases) for topic, phrases in grouped.items()}


# Emoticons first (before lower-casing: ":D" and "XD" differ from ":d"), longest first.
_POS_EMOTICONS: Final = (
    ":))))",
    ":)))",
    ":))",
    ":-)",
    ":)",
    ":D",
    ":-D",
    "=)",
    "^^",
    "^_^",
    "<3",
    ";)",
    ":P",
    ":p",
    "XD",
    "xD",
)
_NEG_EMOTICONS: Final = (":((((", ":(((", ":((", ":-(", ":(", ":'(", ">:(", ":/", "-_-", ":|", "=((", "=(")
_EMOTICON_RE: Final = re.compile(
    "|".join(re.escape(e) for e in sorted((*_POS_EMOTICONS, *_NEG_EMOTICONS), key=len, reverse=True))
)
_EMOTICON_TOKEN: Final = dict.fromkeys(_POS_EMOTICONS, " emopos ") | dict.fromkeys(_NEG_EMOTICONS, " emoneg ")

# Emoji: a few dozen that citizens actually type; the rest become spaces.
_POS_EMOJI: Final = "😀😃😄😁😆😊☺🙂😍🥰😘😇🤗👍👏💯❤💕💖💗💓🌹🌸🎉✨🙏💪🤩😎✅⭐🌟"
_NEG_EMOJI: Final = "😡😠🤬😤😞😔😟😢😭😩😫😒🙄😑😐😕☹🙁👎💔😓😖😣🤦🤮❌⏳⌛🐌"
_EMOJI_TOKEN: Final = dict.fromkeys(_POS_EMOJI, " emopos ") | dict.fromkeys(_NEG_EMOJI, " emoneg ")

# Texting abbreviations -> the written word (only whole tokens; "50k" stays "50k"): abbreviations.tsv.
_ABBREVIATIONS: Final[Mapping[str, str]] = dict(_read_table("abbreviations.tsv", unique_keys=True))

_DIGITS_OR_LETTERS: Final = re.compile(r"[^\w?!]+")
_UNDERSCORE: Final = re.compile(r"_+")
_REPEATS: Final = re.compile(r"(\D)\1{2,}")  # "quáaaa" -> "quáa", "!!!!" -> "!!"


def normalize_text(text: str) -> str:
    """Return ``text`` NFC-normalised, lower-cased, emoji mapped, abbreviations expanded, space-joined.

    The output holds only word characters, ``?``, ``!`` and single spaces, so a plain ``[^ ]+``
    tokeniser splits it the same way in scikit-learn and in ONNX Runtime.
    """
    text = unicodedata.normalize("NFC", text)
    text = _EMOTICON_RE.sub(lambda m: _EMOTICON_TOKEN[m.group(0)], text)
    text = "".join(_EMOJI_TOKEN.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFC", text.lower())
    text = _REPEATS.sub(r"\1\1", text)
    text = text.replace("?", " ? ").replace("!", " ! ")
    text = _UNDERSCORE.sub(" ", _DIGITS_OR_LETTERS.sub(" ", text))
    tokens = [_ABBREVIATIONS.get(tok, tok) for tok in text.split()]
    return " ".join(tokens)


def fold_diacritics(text: str) -> str:
    """Return ``text`` with Vietnamese diacritics removed (``đ`` -> ``d``), NFC."""
    return strip_diacritics(text)


# Topic rules (topics.tsv): phrases matched on whole tokens of the folded, normalised text.
_TOPIC_PHRASES: Final[Mapping[str, tuple[str, ...]]] = _topic_phrases(_read_table("topics.tsv"))
TOPICS: Final[tuple[str, ...]] = tuple(_TOPIC_PHRASES)
_TOPIC_FOLDED: Final = {topic: tuple(f" {p} " for p in phrases) for topic, phrases in _TOPIC_PHRASES.items()}


# "3 tiếng", "hai tiếng", "40 phút", "cả tiếng": a duration is about waiting.
_DURATION_RE: Final = re.compile(r" (\d+|mot|hai|ba|bon|nam|may|ca|nua|hon \d+) (tieng|phut|gio dong ho|buoi|ngay) ")


def detect_topics(text: str) -> tuple[str, ...]:
    """Return the topic tags whose keyword phrases occur in ``text`` (any case, any diacritics)."""
    padded = f" {fold_diacritics(normalize_text(text))} "
    found = [topic for topic, phrases in _TOPIC_FOLDED.items() if any(p in padded for p in phrases)]
    if "waiting_time" not in found and _DURATION_RE.search(padded):
        found.insert(0, "waiting_time")
    return tuple(found)


def make_result(text: str, probabilities: Mapping[str, float]) -> SentimentResult:
    """Build the result for ``text`` from class probabilities: the arg-max label and the topics."""
    if not probabilities:
        raise ValueError("no probabilities")
    label = max(LABELS, key=lambda name: probabilities.get(name, 0.0))
    rounded = {name: float(probabilities.get(name, 0.0)) for name in LABELS}
    topics = detect_topics(text)
    return SentimentResult(label=label, score=rounded[label], probabilities=rounded, topics=topics)
