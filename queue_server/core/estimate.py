"""Wait estimates: replay the queue policy on the counters with recent service times.

Service times are an exponentially weighted moving average per service (EWMA). The estimate for a
ticket is the time at which a greedy replay of ``choose_next`` on the counters would call it, so it
honours priorities, interleave, appointments and multi-service counters exactly as the policy does.

What the replay also accounts for:

- a counter serving someone frees after the *expected remaining* service time, never less than a
  share of a typical service (a long service is not about to end just because it is long);
- with a ``WaitOutlook`` (what a site knows in advance): breaks and late openings of counters from
  the staffing plan, and the priority and appointment tickets expected to arrive while a normal
  ticket waits (they will be called before it) — added as forecast tickets until the estimate is
  stable; and a learned correction factor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from queue_server.core.model import Counter, CounterStatus, QueueConfig, Service, Ticket, TicketStatus
from queue_server.core.policy import choose_next

MIN_SERVICE_MIN = 0.5
MAX_SERVICE_MIN = 120.0
MAX_REPLAY = 80  # beyond this many waiting tickets the replay (quadratic) gives way to a class-aware sum
MIN_RESIDUAL_SHARE = 0.35  # a service already past its mean still has about this share of a mean to go
FORECAST_ROUNDS = 3  # fixed-point rounds for the tickets expected to jump ahead
FORECAST_PRIORITY = "__forecast__"


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


@dataclass(frozen=True)
class WaitOutlook:
    """What the site knows in advance, beyond the current queue (all optional).

    ``breaks``: per counter, the breaks still to come (start, minutes); staff take a break when the
    citizen in front of them is done. ``paused_until``: when a paused counter resumes. ``opens_at``: when a
    counter closed now will open. ``jump_ahead_per_min``: per service, the expected arrivals per minute of
    tickets that go before normal ones (priority lanes, appointments). ``correction``: a learned factor
    the estimate is multiplied by (actual over estimated waits of recent tickets).
    """

    breaks: Mapping[str, tuple[tuple[datetime, float], ...]] = field(default_factory=dict)
    paused_until: Mapping[str, datetime] = field(default_factory=dict)
    opens_at: Mapping[str, datetime] = field(default_factory=dict)
    jump_ahead_per_min: Mapping[str, float] = field(default_factory=dict)
    correction: float = 1.0


NO_OUTLOOK = WaitOutlook()


def learn_correction(pairs: Sequence[tuple[float, float]], *, prior: float = 1.0, weight: float = 20.0) -> float:
    """A correction factor from (estimated, actual) minutes of recent tickets, shrunk towards ``prior``.

    The ratio of total actual to total estimated wait, with ``weight`` minutes of pseudo-observations at
    the prior so that a handful of tickets cannot swing it; clamped to 0.5..2.
    """
    estimated = sum(e for e, _ in pairs) + weight
    actual = sum(a for _, a in pairs) + weight * prior
    return min(max(actual / estimated, 0.5), 2.0)


def service_minutes(service: str, service_times: Mapping[str, float], services: Mapping[str, Service]) -> float:
    if service in service_times:
        return service_times[service]
    known = services.get(service)
    return known.default_service_min if known else 8.0


def remaining_minutes(mean: float, elapsed: float) -> float:
    """Expected minutes left of a service of typical length ``mean`` that has run ``elapsed`` minutes."""
    return max(mean - elapsed, MIN_RESIDUAL_SHARE * mean, MIN_SERVICE_MIN)


def estimate_wait(
    target: Ticket,
    waiting: Sequence[Ticket],
    counters: Sequence[Counter],
    busy: Mapping[str, Ticket],
    services: Mapping[str, Service],
    service_times: Mapping[str, float],
    now: datetime,
    config: QueueConfig,
    *,
    outlook: WaitOutlook = NO_OUTLOOK,
) -> WaitEstimate | None:
    """Estimate when ``target`` (which is in ``waiting`` or about to be) gets called.

    ``busy`` maps a counter id to the ticket it has called or is serving. Paused counters count as open
    (they resume; when, if ``outlook`` says); when no counter serving the service is open or known to open,
    all counters serving it are assumed to open now. Returns None when no counter serves the target's
    service at all.
    """
    serving = [c for c in counters if target.service in c.services]
    if not serving:
        return None
    coming = {c.id for c in counters if c.status == CounterStatus.CLOSED and c.id in outlook.opens_at}
    open_ids = {c.id for c in serving if c.status != CounterStatus.CLOSED}
    if open_ids or coming & {c.id for c in serving}:
        relevant = [c for c in counters if c.status != CounterStatus.CLOSED or c.id in coming]
    else:
        relevant = list(serving)
    queue = [t for t in waiting if t.status == TicketStatus.WAITING and t.id != target.id] + [target]
    if len(queue) > MAX_REPLAY:
        rough = rough_estimate(target, queue, serving, services, service_times, config)
        return replace(rough, minutes=round(rough.minutes * outlook.correction, 2))
    result = _replay(target, queue, relevant, busy, services, service_times, now, config, outlook)
    if result is None:
        return None
    if target.priority is None and target.appointment_start is None and outlook.jump_ahead_per_min:
        # Tickets expected to arrive while the target waits and go before it: add them and replay until
        # the estimate is stable (their number depends on the wait, which depends on their number).
        added: dict[str, int] = {}
        for _ in range(FORECAST_ROUNDS):
            wanted = _expected_jumps(result.minutes, outlook, {s for c in relevant for s in c.services})
            if wanted == added:
                break
            added = wanted
            extra = _forecast_tickets(wanted, outlook, target, now)
            again = _replay(target, [*queue, *extra], relevant, busy, services, service_times, now, config, outlook)
            if again is None:
                break
            result = again
    minutes = round(result.minutes * outlook.correction, 2)
    return WaitEstimate(minutes, result.people_ahead, len(open_ids))


def _expected_jumps(minutes: float, outlook: WaitOutlook, codes: set[str]) -> dict[str, int]:
    return {
        code: round(rate * minutes)
        for code, rate in sorted(outlook.jump_ahead_per_min.items())
        if code in codes and round(rate * minutes) > 0
    }


def _forecast_tickets(wanted: Mapping[str, int], outlook: WaitOutlook, target: Ticket, now: datetime) -> list[Ticket]:
    out = []
    for code, count in wanted.items():
        for index in range(count):
            out.append(
                replace(
                    target,
                    id=f"__forecast_{code}_{index}",
                    service=code,
                    number="",
                    priority=FORECAST_PRIORITY,
                    issued_at=now + timedelta(microseconds=index + 1),
                    queued_at=now,
                    head_of_queue=False,
                    appointment_start=None,
                    appointment_end=None,
                )
            )
    return out


def _ready(counter_id: str, at: datetime, pending: dict[str, list[tuple[datetime, float]]]) -> datetime:
    """When a counter free at ``at`` actually calls: after any break that is due by then."""
    breaks = pending.get(counter_id)
    while breaks and breaks[0][0] <= at:
        _start, minutes = breaks.pop(0)
        at += timedelta(minutes=minutes)
    return at


def _replay(
    target: Ticket,
    queue: Sequence[Ticket],
    relevant: Sequence[Counter],
    busy: Mapping[str, Ticket],
    services: Mapping[str, Service],
    service_times: Mapping[str, float],
    now: datetime,
    config: QueueConfig,
    outlook: WaitOutlook,
) -> WaitEstimate | None:
    pending = {cid: sorted(breaks) for cid, breaks in outlook.breaks.items()}
    free_at: dict[str, datetime] = {}
    state: dict[str, Counter] = {}
    for counter in relevant:
        current = busy.get(counter.id)
        ready = now
        if counter.status == CounterStatus.CLOSED and counter.id in outlook.opens_at:
            ready = max(now, outlook.opens_at[counter.id])
        elif counter.status == CounterStatus.PAUSED and counter.id in outlook.paused_until:
            ready = max(now, outlook.paused_until[counter.id])
        if current is not None:
            begun = current.started_at or current.called_at or now
            mean = service_minutes(current.service, service_times, services)
            ready = max(ready, now + timedelta(minutes=remaining_minutes(mean, (now - begun).total_seconds() / 60)))
        free_at[counter.id] = _ready(counter.id, ready, pending)
        state[counter.id] = replace(counter, status=CounterStatus.OPEN)
    ahead = 0
    remaining_queue = list(queue)
    while remaining_queue:
        # The counter that frees first calls next (ties: counter order).
        candidates = sorted((free_at[c.id], index, c.id) for index, c in enumerate(relevant))
        progressed = False
        for at, _index, counter_id in candidates:
            choice = choose_next(remaining_queue, state[counter_id], at, config)
            if choice is None:
                continue
            if choice.ticket.id == target.id:
                minutes = max((at - now).total_seconds() / 60.0, 0.0)
                return WaitEstimate(minutes, ahead, 0)
            if target.service in state[counter_id].services and not choice.ticket.id.startswith("__forecast_"):
                ahead += 1
            state[counter_id] = replace(state[counter_id], priority_streak=choice.priority_streak)
            duration = service_minutes(choice.ticket.service, service_times, services)
            free_at[counter_id] = _ready(counter_id, at + timedelta(minutes=duration), pending)
            remaining_queue = [t for t in remaining_queue if t.id != choice.ticket.id]
            progressed = True
            break
        if not progressed:
            break
    return None


def rough_estimate(
    target: Ticket,
    queue: Sequence[Ticket],
    serving: Sequence[Counter],
    services: Mapping[str, Service],
    service_times: Mapping[str, float],
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
    work = sum(service_minutes(t.service, service_times, services) for t in ahead)
    open_count = sum(1 for c in serving if c.status != CounterStatus.CLOSED)
    minutes = work / max(open_count or len(serving), 1)
    return WaitEstimate(round(minutes, 2), len(ahead), open_count)
