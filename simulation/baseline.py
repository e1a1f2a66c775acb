"""The wait estimator as it was before the simulation work, kept verbatim as the baseline of the reports.

Only its replay is kept here: what that work did not change (the result, a service's typical minutes, the
class-aware sum for very long queues) is the estimator's own, ``queue_server.core.estimate``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from queue_server.core.estimate import WaitEstimate, rough_estimate, service_minutes
from queue_server.core.model import Counter, CounterStatus, QueueConfig, Service, Ticket, TicketStatus
from queue_server.core.policy import choose_next

MAX_REPLAY = 80  # beyond this many waiting tickets the replay (quadratic) gives way to a class-aware sum


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
        return rough_estimate(target, queue, serving, services, service_times, config)
    free_at: dict[str, datetime] = {}
    state: dict[str, Counter] = {}
    for counter in relevant:
        current = busy.get(counter.id)
        ready = now
        if current is not None:
            begun = current.started_at or current.called_at or now
            remaining = service_minutes(current.service, service_times, services) - (now - begun).total_seconds() / 60
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
            duration = service_minutes(choice.ticket.service, service_times, services)
            free_at[counter_id] = at + timedelta(minutes=duration)
            remaining_queue = [t for t in remaining_queue if t.id != choice.ticket.id]
            progressed = True
            break
        if not progressed:
            break
    return None
