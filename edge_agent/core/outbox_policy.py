"""Which outbox rows go when the outbox is over its limits: health samples first, then the oldest
business events (which are then reported, never dropped silently)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Eviction", "OutboxLimits", "OutboxRow", "plan_eviction"]


@dataclass(frozen=True)
class OutboxLimits:
    """Bounds of the outbox."""

    max_events: int = 500_000
    max_bytes: int = 512 * 1024 * 1024
    max_age: timedelta = timedelta(days=30)
    low_water: float = 0.9  # once over a limit, evict down to this share of it (few, larger overflow reports)


@dataclass(frozen=True)
class OutboxRow:
    """What the policy needs to know of a row."""

    seq: int
    kind: str
    size: int
    created_at: datetime


@dataclass(frozen=True)
class Eviction:
    """Rows to drop."""

    health: tuple[int, ...] = ()
    business: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.health or self.business)


def plan_eviction(rows: Sequence[OutboxRow], limits: OutboxLimits, now: datetime) -> Eviction:
    """Rows (ordered by seq) to drop so that the outbox fits ``limits``.

    First every row older than ``max_age``; then, when over ``max_events`` or ``max_bytes``, the oldest
    health samples and only then the oldest business events, until ``low_water`` of the limits.
    """
    drop: set[int] = set()
    cutoff = now - limits.max_age
    for row in rows:
        if row.created_at < cutoff:
            drop.add(row.seq)
    count = len(rows) - len(drop)
    size = sum(r.size for r in rows if r.seq not in drop)
    max_events, max_bytes = limits.max_events, limits.max_bytes
    if count > max_events or size > max_bytes:
        max_events = int(max_events * limits.low_water)
        max_bytes = int(max_bytes * limits.low_water)
    for kind in ("health", "business"):
        for row in rows:
            if count <= max_events and size <= max_bytes:
                break
            if row.kind != kind or row.seq in drop:
                continue
            drop.add(row.seq)
            count -= 1
            size -= row.size
    health = tuple(r.seq for r in rows if r.seq in drop and r.kind == "health")
    business = tuple(r.seq for r in rows if r.seq in drop and r.kind != "health")
    return Eviction(health, business)
