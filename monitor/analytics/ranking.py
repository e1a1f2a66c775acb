"""Ranking of sites on the province's criteria, within each level.

Each site gets up to seven component scores from 0 to 100 over the period:

| component      | weight | score                                                                  |
|----------------|--------|------------------------------------------------------------------------|
| wait           | 0.25   | share of visits called within 15 min (the 2025 target)                  |
| satisfaction   | 0.25   | share of ratings "very satisfied" or "satisfied", as % of the 95 % target (capped at 100) |
| negative       | 0.10   | 100 − 5 × share of negative comments (20 % negative or more scores 0)   |
| productivity   | 0.15   | dossiers received per one-stop person a year, % of the level's lower target (max 100) |
| desk           | 0.10   | share of dossiers received within 30 min of the call (desk time)        |
| on_time        | 0.10   | share of results ready on time                                          |
| digitisation   | 0.05   | share of received dossiers whose papers were digitised                  |

The score is the weighted mean of the components the site has data for (the weights of missing ones
are shared out). A site with fewer than ``MIN_VISITS`` visits in the period is not ranked ("not enough
data"). Sites are ranked only against sites of the same level, because a commune desk and the
province centre face different loads and targets; ties go to the site with more visits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from monitor.analytics.model import LEVELS, SATISFACTION_TARGET_PCT

WEIGHTS: Mapping[str, float] = {
    "wait": 0.25,
    "satisfaction": 0.25,
    "negative": 0.10,
    "productivity": 0.15,
    "desk": 0.10,
    "on_time": 0.10,
    "digitisation": 0.05,
}
MIN_VISITS = 30
MIN_FEEDBACK = 10
NEGATIVE_PENALTY = 5.0


@dataclass(frozen=True, slots=True)
class ScoreInput:
    """A site's period figures that the ranking uses."""

    site: str
    level: str
    visits: int
    within_target_pct: float | None
    satisfaction_pct: float | None
    negative_pct: float | None
    feedback: int
    productivity_attainment_pct: float | None
    desk_within_target_pct: float | None = None
    on_time_pct: float | None = None
    digitised_pct: float | None = None


@dataclass(frozen=True, slots=True)
class Ranked:
    """A site's score, its components and its place among the sites of its level."""

    site: str
    level: str
    score: float | None
    components: Mapping[str, float | None]
    rank: int | None
    of: int


def components(item: ScoreInput) -> dict[str, float | None]:
    """The component scores (None where the site has too little data for one)."""
    enough_feedback = item.feedback >= MIN_FEEDBACK
    satisfaction = (
        min(100.0, 100.0 * item.satisfaction_pct / SATISFACTION_TARGET_PCT)
        if enough_feedback and item.satisfaction_pct is not None
        else None
    )
    negative = (
        max(0.0, 100.0 - NEGATIVE_PENALTY * item.negative_pct)
        if enough_feedback and item.negative_pct is not None
        else None
    )
    return {
        "wait": item.within_target_pct,
        "satisfaction": None if satisfaction is None else round(satisfaction, 1),
        "negative": None if negative is None else round(negative, 1),
        "productivity": item.productivity_attainment_pct,
        "desk": item.desk_within_target_pct,
        "on_time": item.on_time_pct,
        "digitisation": item.digitised_pct,
    }


def score(parts: Mapping[str, float | None]) -> float | None:
    """The weighted mean of the available components; None when none is available."""
    available = {name: value for name, value in parts.items() if value is not None}
    weight = sum(WEIGHTS[name] for name in available)
    if weight <= 0:
        return None
    return round(sum(WEIGHTS[name] * value for name, value in available.items()) / weight, 1)


def rank_sites(items: Iterable[ScoreInput]) -> list[Ranked]:
    """Every site scored and ranked within its level; levels province, district, commune in that order."""
    by_level: dict[str, list[tuple[ScoreInput, dict[str, float | None], float | None]]] = {}
    for item in items:
        parts = components(item)
        value = score(parts) if item.visits >= MIN_VISITS else None
        by_level.setdefault(item.level, []).append((item, parts, value))
    order = [*LEVELS, *sorted(set(by_level) - set(LEVELS))]
    out: list[Ranked] = []
    for level in order:
        group = by_level.get(level, [])
        group.sort(key=lambda row: (row[2] is None, -(row[2] or 0.0), -row[0].visits, row[0].site))
        ranked_count = sum(1 for row in group if row[2] is not None)
        for position, (item, parts, value) in enumerate(group, start=1):
            out.append(
                Ranked(
                    site=item.site,
                    level=level,
                    score=value,
                    components=parts,
                    rank=position if value is not None else None,
                    of=ranked_count,
                )
            )
    return out
