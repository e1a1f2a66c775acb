"""Which ticket a counter calls next: priority lanes with an interleave, appointments, no starvation.

Rules, in order, over the waiting tickets of the counter's services:
1. No starvation: a ticket that has waited ``max_wait_min`` or more (since it was issued) is called
   before anything else, the longest-waiting first.
2. Appointments whose window is open (from ``appointment_early_min`` before its start) go first.
3. Priority tickets go before normal ones, but at most ``max_priority_in_row`` priority calls in a
   row at one counter while a normal ticket waits.
4. FIFO within a class by issue time (a transferred ticket keeps its original issue time); a
   reinstated no-show goes to the head of its class; ties break by the counter's service order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from queue_server.core.model import Counter, QueueConfig, Ticket, TicketStatus


@dataclass(frozen=True)
class Choice:
    """The ticket chosen and why, and the counter's priority streak after the call."""

    ticket: Ticket
    reason: str
    priority_streak: int


def fifo_key(ticket: Ticket, service_rank: dict[str, int] | None = None) -> tuple[int, datetime, int, str]:
    """Order within a class: reinstated first, then by issue time, then service rank, then number."""
    rank = (service_rank or {}).get(ticket.service, 0)
    return (0 if ticket.head_of_queue else 1, ticket.issued_at, rank, ticket.number)


def waited(ticket: Ticket, now: datetime) -> timedelta:
    """How long the ticket has waited since it was issued."""
    return now - ticket.issued_at


def appointment_open(ticket: Ticket, now: datetime, config: QueueConfig) -> bool:
    """True when the ticket has an appointment whose window (with early margin) includes ``now``."""
    if ticket.appointment_start is None:
        return False
    start = ticket.appointment_start - timedelta(minutes=config.appointment_early_min)
    end = ticket.appointment_end or ticket.appointment_start + timedelta(minutes=30)
    return start <= now <= end


def eligible(waiting: Iterable[Ticket], counter: Counter) -> list[Ticket]:
    """Waiting tickets of the services this counter serves."""
    services = set(counter.services)
    return [t for t in waiting if t.status == TicketStatus.WAITING and t.service in services]


def choose_next(waiting: Sequence[Ticket], counter: Counter, now: datetime, config: QueueConfig) -> Choice | None:
    """The ticket ``counter`` should call now, or None when nobody eligible waits."""
    candidates = eligible(waiting, counter)
    if not candidates:
        return None
    rank = {code: index for index, code in enumerate(counter.services)}

    def key(ticket: Ticket) -> tuple[int, datetime, int, str]:
        return fifo_key(ticket, rank)

    limit = timedelta(minutes=config.max_wait_min)
    overdue = [t for t in candidates if waited(t, now) >= limit and not t.head_of_queue]
    reinstated = [t for t in candidates if t.head_of_queue]
    normal = [t for t in candidates if t.priority is None]

    def streak_after(ticket: Ticket) -> int:
        return counter.priority_streak + 1 if ticket.priority is not None and normal else 0

    if reinstated:
        chosen = min(reinstated, key=key)
        return Choice(chosen, "reinstated", streak_after(chosen))
    if overdue:
        chosen = min(overdue, key=lambda t: (t.issued_at, rank.get(t.service, 0), t.number))
        return Choice(chosen, "max_wait", streak_after(chosen))
    booked = [t for t in candidates if appointment_open(t, now, config)]
    if booked:
        chosen = min(booked, key=lambda t: (t.appointment_start or t.issued_at, t.issued_at, t.number))
        return Choice(chosen, "appointment", streak_after(chosen))
    priority = [t for t in candidates if t.priority is not None]
    if priority and (not normal or counter.priority_streak < config.max_priority_in_row):
        chosen = min(priority, key=key)
        return Choice(chosen, "priority", streak_after(chosen))
    chosen = min(normal or candidates, key=key)
    return Choice(chosen, "fifo", 0 if chosen.priority is None else streak_after(chosen))


def call_order(waiting: Sequence[Ticket], counter: Counter, now: datetime, config: QueueConfig) -> list[Ticket]:
    """The order in which ``counter`` would call the waiting tickets if nothing else changed."""
    remaining = list(eligible(waiting, counter))
    order: list[Ticket] = []
    streak = counter.priority_streak
    while remaining:
        choice = choose_next(remaining, _with_streak(counter, streak), now, config)
        if choice is None:
            break
        order.append(choice.ticket)
        streak = choice.priority_streak
        remaining = [t for t in remaining if t.id != choice.ticket.id]
    return order


def _with_streak(counter: Counter, streak: int) -> Counter:
    from dataclasses import replace

    return replace(counter, priority_streak=streak)
