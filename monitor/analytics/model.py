"""What the analytics work on: site events, site descriptions, the province's targets, local time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, Literal, Protocol

from motcua.domain.dossier_kpis import DESK_TARGET_MIN, LEVEL_TARGETS

Level = Literal["province", "district", "commune"]
LEVELS: tuple[Level, ...] = ("province", "district", "commune")

# Việt Nam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact and needs no tz database.
VN_TZ = timezone(timedelta(hours=7), "ICT")

WAIT_TARGET_MIN = 15.0
"""Decision 717/QĐ-UBND: at most 15 minutes of waiting per visit by 2025."""
SATISFACTION_TARGET_PCT = 95.0
"""Decision 717/QĐ-UBND: at least 95 % of citizens satisfied by 2025."""
PRODUCTIVITY_TARGET: Mapping[str, tuple[int, int | None]] = LEVEL_TARGETS
"""Dossiers received per one-stop person per year: (lower bound, upper bound of the band or None)."""

DESK_TARGET = DESK_TARGET_MIN
"""Decision 717/QĐ-UBND: at most 30 minutes at the desk per dossier (ticket call → dossier received)."""

SATISFIED_RATINGS = frozenset({"very_satisfied", "satisfied"})


class EventLike(Protocol):
    """Anything shaped like an uplink event (``UplinkEvent``, a stored row, :class:`Event`)."""

    @property
    def site(self) -> str: ...

    @property
    def seq(self) -> int: ...

    @property
    def type(self) -> str: ...

    @property
    def at(self) -> datetime: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Event:
    """A site event as the analytics see it (the uplink event without its transport fields)."""

    site: str
    seq: int
    type: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "business"


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """A site of the province: its id, display name, level and declared one-stop staff."""

    site: str
    name: str
    level: Level
    one_stop_staff: int


def local(at: datetime) -> datetime:
    """``at`` in Việt Nam time; a naive datetime is taken to be UTC already."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(VN_TZ)


def local_day(at: datetime) -> date:
    """The calendar day in Việt Nam on which ``at`` falls."""
    return local(at).date()


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 string or datetime as an aware datetime; None when absent or unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return None


def level_of(value: str) -> Level:
    """A level name checked against the three levels; unknown names count as commune (the smallest)."""
    for level in LEVELS:
        if value == level:
            return level
    return "commune"
