"""Frozen domain types of the queue: services, counters, tickets, configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# The priority lanes are data of the wire contract (the kiosk reads them too); re-exported for the server.
from motcua.contract.tickets import DEFAULT_PRIORITIES, PriorityCategory


class TicketStatus(StrEnum):
    """Lifecycle: waiting → called → serving → done | no_show | transferred | cancelled."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


ACTIVE_AT_COUNTER = (TicketStatus.CALLED, TicketStatus.SERVING)
FINAL = (TicketStatus.DONE, TicketStatus.TRANSFERRED, TicketStatus.CANCELLED)


class CounterStatus(StrEnum):
    """A counter is closed until staff sign in; paused counters are skipped by the policy."""

    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


@dataclass(frozen=True)
class Service:
    """A queue: a group of procedures with a letter prefix for its numbers."""

    code: str
    letter: str
    name_vi: str
    name_en: str
    default_service_min: float = 8.0
    active: bool = True


@dataclass(frozen=True)
class Counter:
    """A desk that serves an ordered set of services."""

    id: str
    name_vi: str
    name_en: str
    services: tuple[str, ...]
    area_vi: str = ""
    area_en: str = ""
    status: CounterStatus = CounterStatus.CLOSED
    staff_id: str | None = None
    priority_streak: int = 0


@dataclass(frozen=True)
class Hop:
    """One transfer of a ticket between services."""

    from_service: str
    to_service: str
    counter_id: str
    at: datetime


@dataclass(frozen=True)
class Ticket:
    """A citizen's place in a queue. ``issued_at`` orders it; ``queued_at`` is when it entered this queue."""

    id: str
    day: str
    service: str
    number: str
    priority: str | None
    status: TicketStatus
    issued_at: datetime
    queued_at: datetime
    appointment_start: datetime | None = None
    appointment_end: datetime | None = None
    counter_id: str | None = None
    staff_id: str | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recall_count: int = 0
    head_of_queue: bool = False
    estimated_wait_min: float | None = None
    position_at_issue: int | None = None
    parent_id: str | None = None
    hops: tuple[Hop, ...] = ()
    lang: str = "vi"


@dataclass(frozen=True)
class QueueConfig:
    """Tunable policy. Defaults follow the province's targets (waits ≤ 15 min)."""

    max_priority_in_row: int = 2
    max_wait_min: float = 30.0
    max_recalls: int = 2
    reinstate_window_min: float = 15.0
    appointment_early_min: float = 10.0
    reset_hour: int = 0
    timezone: str = "Asia/Ho_Chi_Minh"
    ewma_alpha: float = 0.3
    priorities: tuple[PriorityCategory, ...] = field(default=DEFAULT_PRIORITIES)

    def priority_codes(self) -> tuple[str, ...]:
        """Codes of the configured priority categories."""
        return tuple(p.code for p in self.priorities)
