"""The wait estimator as it was before the simulation work, kept verbatim as the baseline of the reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from queue_server.core.model import Counter, CounterStatus, QueueConfig, Service, Ticket, TicketStatus
from queue_server.core.policy import choose_next

MIN_SERVICE_MIN = 0.5
MAX_SERVICE_MIN = 120.0
MAX_REPLAY = 80  # beyond this many waiting tickets the replay (quadratic) gives way to a class-aware sum


def update_ewma(previous: float | None, observed_min: float, alpha: float) -> float:
    """New EWMA after one observed service time (clamped to a plausible range)."""
    value = min(max(observed_min, MIN_SERVICE_MIN), MAX_SERVICE_MIN)
    if previous is None:
        return value
    return alpha * value + (1.0 - alpha) * previous


@dataclass(frozen=True)
class WaitEstimate:
    """Minutes until the ticket is called, and how many tickets are called before it."""

    minutes: float
    people_ahead: int
    counters_open: int


def _service_minutes(service: str, service_times: Mapping[str, float], services: Mapping[str, Service]) -> float:
    if service in service_times:
        return service_times[service]
    known = services.get(service)
    return known.default_service_min if known else 8.0


def estimate_wait(
    target: Ticket,
    waiting: Sequence[Ticket],
    counters: Sequence[Counter],
    busy: Mapping[str, Ticket],
    services: Mapping[str, Service],
    service_times: Mapping[str, float],
    now: datetime,
    config: QueueConfig,
) -> WaitEstimate | None:
    """Estimate when ``target`` (which is in ``waiting`` or about to be) gets called.

    ``busy`` maps a counter id to the ticket it is serving now. Paused counters count as open (they
    resume); when no counter serving the service is open, all counters serving it are assumed to
    open now. Returns None when no counter serves the target's service at all.
    """
    serving = [c for c in counters if target.service in c.services]
    if not serving:
        return None
    open_ids = {c.id for c in serving if c.status != CounterStatus.CLOSED}
    relevant = [c for c in counters if c.status != CounterStatus.CLOSED] if open_ids else list(serving)
    queue = [t for t in waiting if t.status == TicketStatus.WAITING and t.id != target.id] + [target]
    if len(queue) > MAX_REPLAY:
        return _rough_estimate(target, queue, serving, services, service_times, now, config)
    free_at: dict[str, datetime] = {}
    state: dict[str, Counter] = {}
    for counter in relevant:
        current = busy.get(counter.id)
        ready = now
        if current is not None:
            begun = current.started_at or current.called_at or now
            remaining = _service_minutes(current.service, service_times, services) - (now - begun).total_seconds() / 60
            ready = now + timedelta(minutes=max(remaining, 0.5))
        free_at[counter.id] = ready
        state[counter.id] = replace(counter, status=CounterStatus.OPEN)
    ahead = 0
    remaining_queue = queue
    while remaining_queue:
        # The counter that frees first calls next (ties: counter order).
        candidates = [(free_at[c.id], index, c.id) for index, c in enumerate(relevant)]
        candidates.sort()
        progressed = False
        for at, _index, counter_id in candidates:
            choice = choose_next(remaining_queue, state[counter_id], at, config)
            if choice is None:
                continue
            if choice.ticket.id == target.id:
                minutes = max((at - now).total_seconds() / 60.0, 0.0)
                return WaitEstimate(round(minutes, 2), ahead, len(open_ids))
            if target.service in state[counter_id].services:
                ahead += 1
            state[counter_id] = replace(state[counter_id], priority_streak=choice.priority_streak)
            duration = _service_minutes(choice.ticket.service, service_times, services)
            free_at[counter_id] = at + timedelta(minutes=duration)
            remaining_queue = [t for t in remaining_queue if t.id != choice.ticket.id]
            progressed = True
            break
        if not progressed:
            break
    return None


def _rough_estimate(
    target: Ticket,
    queue: Sequence[Ticket],
    serving: Sequence[Counter],
    services: Mapping[str, Service],
    service_times: Mapping[str, float],
    now: datetime,
    config: QueueConfig,
) -> WaitEstimate:
    """For very long queues: the work ahead of the target in its counters' services, over those counters.

    Ahead of a normal ticket: earlier normal tickets and every priority ticket (they go first). Ahead of a
    priority ticket: earlier priority tickets, and one normal ticket per ``max_priority_in_row`` of them
    (the interleave). Reinstated tickets and open appointments are always ahead.
    """
    codes = {code for c in serving for code in c.services}
    others = [t for t in queue if t.service in codes and t.id != target.id]
    always = [t for t in others if t.head_of_queue or t.appointment_start is not None]
    rest = [t for t in others if not (t.head_of_queue or t.appointment_start is not None)]
    earlier_priority = [t for t in rest if t.priority is not None and t.issued_at <= target.issued_at]
    if target.priority is None:
        ahead = (
            always
            + [t for t in rest if t.priority is not None]
            + [t for t in rest if t.priority is None and t.issued_at <= target.issued_at]
        )
    else:
        normal = sorted((t for t in rest if t.priority is None), key=lambda t: t.issued_at)
        interleaved = normal[: len(earlier_priority) // max(config.max_priority_in_row, 1)]
        ahead = always + earlier_priority + interleaved
    work = sum(_service_minutes(t.service, service_times, services) for t in ahead)
    open_count = sum(1 for c in serving if c.status != CounterStatus.CLOSED)
    minutes = work / max(open_count or len(serving), 1)
    return WaitEstimate(round(minutes, 2), len(ahead), open_count)
