"""A day at a centre as a SimPy discrete-event simulation, over a pluggable backend.

The processes (citizens arriving, counters calling, serving, pausing, closing) are the same in both modes;
the backend decides what a "call" is: ``CoreBackend`` runs the pure queue core in memory on the simulated
clock (a day in seconds), ``replay.HttpBackend`` drives a real server over HTTP on an accelerated clock.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

import simpy

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent, ticket_event
from motcua.domain.kpis import compute_kpis
from queue_server.core import lifecycle
from queue_server.core.estimate import WaitEstimate, estimate_wait, learn_correction, update_ewma
from queue_server.core.model import Counter, Service, Ticket, TicketStatus
from queue_server.core.numbering import format_number, service_day
from queue_server.core.policy import choose_next
from simulation.accuracy import Pair, accuracy, pairs_from_events
from simulation.scenario import Citizen, CounterSpec, Scenario

Estimator = Callable[..., WaitEstimate | None]

# What the estimator is told beyond the queue: "none" (the server today), "plan" (staffing plan with breaks
# and late openings, forecast of priority/appointment arrivals), "learn" (plan + a learned correction).
# "baseline" is the estimator before this work (``simulation.baseline``), told nothing more.
KNOWLEDGE = ("baseline", "none", "plan", "learn")
LEARN_WINDOW = 60  # recent called tickets the correction factor learns from


class Backend(Protocol):
    """What the simulated day asks of a queue: the server's use cases."""

    def issue(self, citizen: Citizen, now: datetime) -> str: ...
    def sign_in(self, counter_id: str, now: datetime) -> None: ...
    def sign_out(self, counter_id: str, now: datetime) -> None: ...
    def pause(self, counter_id: str, now: datetime) -> None: ...
    def resume(self, counter_id: str, now: datetime) -> None: ...
    def call_next(self, counter_id: str, now: datetime) -> str | None: ...
    def start(self, counter_id: str, now: datetime) -> None: ...
    def done(self, counter_id: str, now: datetime) -> None: ...
    def no_show(self, counter_id: str, now: datetime) -> None: ...
    def events(self) -> list[DomainEvent]: ...


@dataclass
class CoreBackend:
    """The pure queue core in memory: the same transitions, policy and estimator as ``QueueService``."""

    scenario: Scenario
    knowledge: str = "plan"
    estimator: Estimator = estimate_wait
    services: dict[str, Service] = field(init=False)
    counters: dict[str, Counter] = field(init=False)
    tickets: dict[str, Ticket] = field(default_factory=dict)
    waiting: dict[str, Ticket] = field(default_factory=dict)
    busy: dict[str, Ticket] = field(default_factory=dict)
    service_times: dict[str, float] = field(default_factory=dict)
    log: list[DomainEvent] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)
    breaks_taken: dict[str, int] = field(default_factory=dict)
    paused_at: dict[str, datetime] = field(default_factory=dict)
    recent: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.services = {s.code: s.service() for s in self.scenario.services}
        self.counters = {c.id: c.counter() for c in self.scenario.counters}

    @property
    def config(self) -> Any:
        """The scenario's queue policy."""
        return self.scenario.config

    def _apply(self, outcome: lifecycle.Outcome) -> None:
        for ticket in outcome.tickets:
            self.tickets[ticket.id] = ticket
            if ticket.status == TicketStatus.WAITING:
                self.waiting[ticket.id] = ticket
            else:
                self.waiting.pop(ticket.id, None)
            if ticket.counter_id and ticket.status in (TicketStatus.CALLED, TicketStatus.SERVING):
                self.busy[ticket.counter_id] = ticket
            elif ticket.counter_id and self.busy.get(ticket.counter_id, ticket).id == ticket.id:
                self.busy.pop(ticket.counter_id, None)
        for counter in outcome.counters:
            self.counters[counter.id] = counter
        self.log.extend(outcome.events)

    def issue(self, citizen: Citizen, now: datetime) -> str:
        """Issue a ticket with the estimate a kiosk would print."""
        spec = self.services[citizen.service]
        sequence = self.sequences.get(spec.code, 0) + 1
        self.sequences[spec.code] = sequence
        appointment = None
        if citizen.appointment_min is not None:
            start = self.scenario.at(citizen.appointment_min)
            appointment = (start, self.scenario.at(citizen.appointment_min + 30))
        ticket = Ticket(
            id=f"T{citizen.index:05d}",
            day=service_day(now, reset_hour=self.config.reset_hour, timezone=self.config.timezone),
            service=spec.code,
            number=format_number(spec.letter, sequence),
            priority=citizen.priority,
            status=TicketStatus.WAITING,
            issued_at=now,
            queued_at=now,
            appointment_start=appointment[0] if appointment else None,
            appointment_end=appointment[1] if appointment else None,
        )
        kwargs: dict[str, Any] = {}
        if self.knowledge == "baseline":
            from simulation import baseline

            self.estimator = baseline.estimate_wait  # the same contract
        elif self.knowledge != "none":
            from simulation.forecast import plan_outlook

            correction = learn_correction(self.recent) if self.knowledge == "learn" else 1.0
            kwargs["outlook"] = plan_outlook(
                self.scenario, self.counters, self.breaks_taken, self.paused_at, now, correction=correction
            )
        estimate = self.estimator(
            ticket,
            [*self.waiting.values(), ticket],
            list(self.counters.values()),
            self.busy,
            self.services,
            self.service_times,
            now,
            self.config,
            **kwargs,
        )
        if estimate is not None:
            ticket = replace(ticket, estimated_wait_min=estimate.minutes, position_at_issue=estimate.people_ahead + 1)
        event = ticket_event(
            ev.TICKET_ISSUED,
            now,
            ticket,
            estimated_wait_min=ticket.estimated_wait_min,
            position=ticket.position_at_issue,
        )
        self._apply(lifecycle.Outcome((ticket,), (), (event,)))
        return ticket.id

    def sign_in(self, counter_id: str, now: datetime) -> None:
        """Staff sign in."""
        self._apply(lifecycle.sign_in(self.counters[counter_id], f"NV-{counter_id}", now))

    def sign_out(self, counter_id: str, now: datetime) -> None:
        """Staff sign out."""
        self._apply(lifecycle.sign_out(self.counters[counter_id], now))

    def pause(self, counter_id: str, now: datetime) -> None:
        """A break starts."""
        self._apply(lifecycle.pause(self.counters[counter_id], now))
        self.breaks_taken[counter_id] = self.breaks_taken.get(counter_id, 0) + 1
        self.paused_at[counter_id] = now

    def resume(self, counter_id: str, now: datetime) -> None:
        """The break ends."""
        self._apply(lifecycle.resume(self.counters[counter_id], now))

    def call_next(self, counter_id: str, now: datetime) -> str | None:
        """Call by the queue policy; None when nobody eligible waits."""
        counter = self.counters[counter_id]
        choice = choose_next(list(self.waiting.values()), counter, now, self.config)
        if choice is None:
            if counter.priority_streak:
                self.counters[counter_id] = replace(counter, priority_streak=0)
            return None
        outcome = lifecycle.call(
            choice.ticket, counter, now, priority_streak=choice.priority_streak, reason=choice.reason
        )
        self._apply(outcome)
        called = outcome.ticket
        if called.estimated_wait_min is not None:
            actual = (now - called.queued_at).total_seconds() / 60.0
            self.recent = [*self.recent[-(LEARN_WINDOW - 1) :], (called.estimated_wait_min, actual)]
        return called.id

    def start(self, counter_id: str, now: datetime) -> None:
        """The citizen reached the counter."""
        self._apply(lifecycle.start(self.busy[counter_id], now))

    def done(self, counter_id: str, now: datetime) -> None:
        """Service finished: the service time feeds the EWMA, as on the server."""
        outcome = lifecycle.done(self.busy[counter_id], now)
        finished = outcome.ticket
        if finished.started_at is not None:
            observed = (now - finished.started_at).total_seconds() / 60.0
            previous = self.service_times.get(finished.service)
            self.service_times[finished.service] = update_ewma(previous, observed, self.config.ewma_alpha)
        self._apply(outcome)

    def no_show(self, counter_id: str, now: datetime) -> None:
        """The called citizen did not come."""
        self._apply(lifecycle.no_show(self.busy[counter_id], now))

    def events(self) -> list[DomainEvent]:
        """The event log of the day."""
        return list(self.log)


@dataclass
class DayResult:
    """What a simulated day produced: the event log, the KPIs and the estimate accuracy."""

    scenario: Scenario
    events: list[DomainEvent]
    kpis: dict[str, Any]
    pairs: list[Pair]
    accuracy: dict[str, Any]
    citizens: int
    wall_seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class Day:
    """The processes of one day on a SimPy environment (time unit: minutes since local midnight)."""

    def __init__(self, scenario: Scenario, backend: Backend, citizens: list[Citizen], env: simpy.Environment) -> None:
        self.scenario = scenario
        self.backend = backend
        self.citizens = citizens
        self.env = env
        self.by_ticket: dict[str, Citizen] = {}
        self._arrival = env.event()

    def now(self) -> datetime:
        """The simulated time as an aware datetime."""
        return self.scenario.at(self.env.now)

    def _signal(self) -> None:
        fired, self._arrival = self._arrival, self.env.event()
        fired.succeed()

    def arrivals(self) -> Generator[simpy.Event, Any, None]:
        """Citizens take tickets at their arrival times."""
        for citizen in self.citizens:
            delay = citizen.arrive_min - self.env.now
            if delay > 0:
                yield self.env.timeout(delay)
            ticket_id = self.backend.issue(citizen, self.now())
            self.by_ticket[ticket_id] = citizen
            self._signal()

    def counter(self, spec: CounterSpec) -> Generator[simpy.Event, Any, None]:
        """A desk through its shifts: sign in, call, serve, take its breaks, finish the queue, sign out."""
        pending = sorted(spec.breaks)
        for start, end in spec.shifts:
            if self.env.now < start:
                yield self.env.timeout(start - self.env.now)
            self.backend.sign_in(spec.id, self.now())
            while True:
                now = self.env.now
                if pending and pending[0][0] <= now < end:
                    _, minutes = pending.pop(0)
                    self.backend.pause(spec.id, self.now())
                    yield self.env.timeout(minutes)
                    self.backend.resume(spec.id, self.now())
                    continue
                if now >= end and not self.scenario.finish_queue:
                    break
                ticket_id = self.backend.call_next(spec.id, self.now())
                if ticket_id is None:
                    if now >= end:
                        break
                    horizon = min([end, *(b for b, _ in pending if b > now)])
                    yield self._arrival | self.env.timeout(max(horizon - now, 0.01))
                    continue
                citizen = self.by_ticket[ticket_id]
                if citizen.no_show:
                    yield self.env.timeout(self.scenario.no_show_after_min)
                    self.backend.no_show(spec.id, self.now())
                    continue
                yield self.env.timeout(self.scenario.walk_min)
                self.backend.start(spec.id, self.now())
                yield self.env.timeout(citizen.service_min)
                self.backend.done(spec.id, self.now())
            self.backend.sign_out(spec.id, self.now())

    def run(self) -> None:
        """Run until every process has finished."""
        processes = [self.env.process(self.arrivals())]
        processes += [self.env.process(self.counter(spec)) for spec in self.scenario.counters]
        self.env.run(until=self.env.all_of(processes))


def summarise(scenario: Scenario, events: list[DomainEvent], citizens: int, wall: float) -> DayResult:
    """KPIs (the server's ``compute_kpis``) and estimate accuracy of a day's events."""
    pairs = pairs_from_events(events)
    return DayResult(scenario, events, compute_kpis(events), pairs, accuracy(pairs), citizens, wall)


def simulate(
    scenario: Scenario,
    *,
    seed: int = 717,
    knowledge: str = "plan",
    estimator: Estimator = estimate_wait,
) -> DayResult:
    """A full day of the pure core on a simulated clock."""
    import time

    backend = CoreBackend(scenario, knowledge=knowledge, estimator=estimator)
    citizens = scenario.citizens(seed)
    started = time.perf_counter()
    Day(scenario, backend, citizens, simpy.Environment(initial_time=scenario.opens - 1)).run()
    return summarise(scenario, backend.events(), len(citizens), time.perf_counter() - started)


def per_hour(events: list[DomainEvent], scenario: Scenario) -> Mapping[int, dict[str, float]]:
    """Arrivals and p90 wait by local hour of issue (for the report's plots)."""
    from motcua.domain.kpis import percentile

    issued: dict[str, datetime] = {}
    waits: dict[int, list[float]] = {}
    arrivals: dict[int, int] = {}
    midnight = scenario.midnight()
    for event in events:
        tid = str(event.data.get("ticket_id"))
        if event.type == ev.TICKET_ISSUED:
            issued[tid] = event.at
            hour = int((event.at - midnight).total_seconds() // 3600)
            arrivals[hour] = arrivals.get(hour, 0) + 1
        elif event.type == ev.TICKET_CALLED and tid in issued:
            at = issued.pop(tid)
            hour = int((at - midnight).total_seconds() // 3600)
            waits.setdefault(hour, []).append((event.at - at).total_seconds() / 60.0)
    return {
        hour: {"arrivals": float(arrivals.get(hour, 0)), "p90_wait": float(percentile(waits.get(hour, []), 90) or 0.0)}
        for hour in sorted(arrivals)
    }
