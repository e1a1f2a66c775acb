"""Feedback on the wire: the one-stop satisfaction scale, the default criteria and the sentiment labels.

The kiosk, the counter tablet, the server and the edge agent all speak these codes; the scale is the
four-point one of the one-stop centres (Rất hài lòng / Hài lòng / Bình thường / Không hài lòng).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final, Literal

from motcua.domain.vntext import strip_diacritics

__all__ = [
    "DEFAULT_CRITERIA",
    "MISMATCH_THRESHOLD",
    "SATISFIED",
    "SCALE",
    "SENTIMENT_LABELS",
    "Criterion",
    "Rating",
    "ScaleOption",
    "SentimentResult",
    "parse_rating",
    "rating_mismatch",
]

# The classes of the on-device sentiment model, in the order of its probability output.
SENTIMENT_LABELS: Final[tuple[str, ...]] = ("negative", "neutral", "positive")
# A comment this confidently against its rating is flagged for a manager's review.
MISMATCH_THRESHOLD: Final = 0.8


class Rating(StrEnum):
    """The four-point satisfaction scale shown after service."""

    VERY_SATISFIED = "very_satisfied"  # Rất hài lòng
    SATISFIED = "satisfied"  # Hài lòng
    NEUTRAL = "neutral"  # Bình thường
    DISSATISFIED = "dissatisfied"  # Không hài lòng


@dataclass(frozen=True)
class ScaleOption:
    """One point of the satisfaction scale as a citizen sees it."""

    rating: Rating
    label_vi: str
    label_en: str
    points: int  # 4 = very satisfied … 1 = dissatisfied


SCALE: Final[tuple[ScaleOption, ...]] = (
    ScaleOption(Rating.VERY_SATISFIED, "Rất hài lòng", "Very satisfied", 4),
    ScaleOption(Rating.SATISFIED, "Hài lòng", "Satisfied", 3),
    ScaleOption(Rating.NEUTRAL, "Bình thường", "Neutral", 2),
    ScaleOption(Rating.DISSATISFIED, "Không hài lòng", "Dissatisfied", 1),
)
SATISFIED: Final = frozenset({Rating.VERY_SATISFIED, Rating.SATISFIED})

_RATING_WORDS: Final[Mapping[str, Rating]] = {
    strip_diacritics(option.label_vi).lower(): option.rating for option in SCALE
}


def parse_rating(value: str | Rating) -> Rating:
    """Return the rating for a code (``satisfied``) or a Vietnamese label (``Hài lòng``); else ValueError."""
    if isinstance(value, Rating):
        return value
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Rating(key)
    except ValueError:
        pass
    folded = " ".join(strip_diacritics(value).lower().split())
    if folded in _RATING_WORDS:
        return _RATING_WORDS[folded]
    raise ValueError(f"unknown rating {value!r}")


@dataclass(frozen=True)
class Criterion:
    """A rated aspect of the visit."""

    code: str
    name_vi: str
    name_en: str

    def name(self, lang: Literal["vi", "en"]) -> str:
        """The name in ``lang``."""
        return self.name_vi if lang == "vi" else self.name_en


DEFAULT_CRITERIA: Final[tuple[Criterion, ...]] = (
    Criterion("staff_attitude", "Thái độ cán bộ", "Staff attitude"),
    Criterion("waiting_time", "Thời gian chờ", "Waiting time"),
    Criterion("guidance", "Hướng dẫn", "Guidance"),
    Criterion("facilities", "Cơ sở vật chất", "Facilities"),
)


@dataclass(frozen=True, slots=True)
class SentimentResult:
    """A scored comment: the label, its probability, every class probability and the topic tags."""

    label: str
    score: float
    probabilities: Mapping[str, float] = field(default_factory=dict)
    topics: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Return the JSON-ready form ``{"label", "score", "probabilities", "topics"}``."""
        return {
            "label": self.label,
            "score": self.score,
            "probabilities": dict(self.probabilities),
            "topics": list(self.topics),
        }


def rating_mismatch(rating: str | Rating, result: SentimentResult, threshold: float = MISMATCH_THRESHOLD) -> bool:
    """True when the comment contradicts the rating and a manager should review it.

    A confidently negative comment (p >= ``threshold``) with "Rất hài lòng"/"Hài lòng", or a
    confidently positive one with "Không hài lòng".  "Bình thường" never mismatches.
    """
    parsed = parse_rating(rating)
    negative = result.probabilities.get("negative", result.score if result.label == "negative" else 0.0)
    positive = result.probabilities.get("positive", result.score if result.label == "positive" else 0.0)
    if parsed in (Rating.VERY_SATISFIED, Rating.SATISFIED):
        return negative >= threshold
    if parsed is Rating.DISSATISFIED:
        return positive >= threshold
    return False
