"""An incremental ledger of every site's events: visits, dossiers, feedback and counters, by site and day.

Dossier lifecycle events (``dossier.received`` … ``dossier.overdue``) are decoded with
:func:`motcua.contract.events.event_data` into their typed payloads and folded into one
:class:`DossierCase` per dossier and a :class:`~motcua.domain.dossier_kpis.DossierTally` per day (received on
the day of receipt, results on the day they were made ready, supplement requests on the day asked).

Events are added one at a time in any order across sites (per site normally in sequence order); a
ticket's later events find its visit by ticket id. Figures per (site, day) are computed from the ledger
on demand and cached for past days until a new event for that day arrives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from monitor.analytics.model import (
    SATISFIED_RATINGS,
    WAIT_TARGET_MIN,
    EventLike,
    local,
    local_day,
    parse_time,
)
from motcua.contract import events as ev
from motcua.domain.dossier_kpis import DossierTally

OPEN_OUTCOMES = frozenset({"waiting"})


@dataclass(slots=True)
class Visit:
    """One ticket of one site: when it queued, who served it, how it ended."""

    day: date
    service: str
    priority: bool
    queued_at: datetime | None
    hour: int
    arrival: bool = False
    called_at: datetime | None = None
    counter_id: str | None = None
    staff_id: str | None = None
    outcome: str = "waiting"
    service_min: float | None = None

    def wait_min(self) -> float | None:
        """Minutes from queueing to the first call; None while not called."""
        if self.called_at is None or self.queued_at is None:
            return None
        return max((self.called_at - self.queued_at).total_seconds() / 60.0, 0.0)


@dataclass(frozen=True, slots=True)
class Feedback:
    """One citizen's rating and the on-device sentiment of the comment."""

    rating: str
    sentiment: str | None
    service: str | None
    counter_id: str | None
    staff_id: str | None


@dataclass(frozen=True, slots=True)
class Dossier:
    """A dossier received at the site."""

    procedure_code: str
    service: str | None
    ticket_id: str | None


CLOSED_STATES = {ev.DOSSIER_RETURNED: "returned", ev.DOSSIER_CANCELLED: "cancelled", ev.DOSSIER_REFUSED: "refused"}


@dataclass(slots=True)
class DossierCase:
    """One dossier's lifecycle as the province sees it (codes, times, counts — never the citizen's data)."""

    dossier_id: str
    procedure_code: str
    service: str | None = None
    channel: str | None = None
    staff_id: str | None = None
    status: str = ""
    code: str | None = None
    received_at: datetime | None = None
    due_at: datetime | None = None
    result_at: datetime | None = None
    on_time: bool | None = None
    early: bool | None = None
    result_digitised: bool = False
    closed: str | None = None  # returned | cancelled | refused
    supplements: int = 0
    overdue_at: datetime | None = None
    papers_added: int = 0
    forwarded_to: str | None = None

    def late_at(self, now: datetime) -> bool:
        """Received, past its due time at ``now`` (or reported overdue), no result and not closed."""
        if self.received_at is None or self.result_at is not None or self.closed in ("cancelled", "refused"):
            return False
        if self.overdue_at is not None:
            return True
        return self.due_at is not None and now > self.due_at


@dataclass(slots=True)
class CounterState:
    """The last known state of a counter: open, paused or closed."""

    state: str
    staff_id: str | None
    at: datetime


@dataclass(slots=True)
class DayFigures:
    """Counts and waits of one site on one day (open waits only when computed for ``now``)."""

    arrivals: int = 0
    arrivals_by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    waits: list[float] = field(default_factory=list)
    waits_by_hour: list[list[float]] = field(default_factory=lambda: [[] for _ in range(24)])
    open_waits: list[float] = field(default_factory=list)
    waiting_now: int = 0
    called: int = 0
    done: int = 0
    no_shows: int = 0
    cancelled: int = 0
    dossiers: int = 0
    feedback: int = 0
    satisfied: int = 0
    with_sentiment: int = 0
    negative: int = 0
    served_by_staff: Counter[str] = field(default_factory=Counter)
    dossiers_by_staff: Counter[str] = field(default_factory=Counter)
    dossier: DossierTally = field(default_factory=DossierTally)

    @property
    def within_target(self) -> int:
        """Visits called within the wait target."""
        return sum(1 for w in self.waits if w <= WAIT_TARGET_MIN)

    @property
    def late_open(self) -> int:
        """Citizens still waiting beyond the target (they already count as misses)."""
        return sum(1 for w in self.open_waits if w > WAIT_TARGET_MIN)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass
class SiteLedger:
    """Everything the monitor knows of one site's business events."""

    site: str
    visits: dict[str, Visit] = field(default_factory=dict)
    days: dict[date, dict[str, Visit]] = field(default_factory=dict)
    dossiers: dict[date, list[Dossier]] = field(default_factory=dict)
    feedback: dict[date, list[Feedback]] = field(default_factory=dict)
    counters: dict[str, CounterState] = field(default_factory=dict)
    cases: dict[str, DossierCase] = field(default_factory=dict)
    tallies: dict[date, DossierTally] = field(default_factory=dict)
    last_event_at: datetime | None = None

    def _visit(self, data: Mapping[str, Any], at: datetime, key: str | None = None) -> Visit:
        ticket_id = key if key is not None else str(data.get("ticket_id"))
        visit = self.visits.get(ticket_id)
        if visit is not None:
            return visit
        queued_at = parse_time(data.get("queued_at")) or parse_time(data.get("issued_at")) or at
        day_text = data.get("day")
        try:
            day = date.fromisoformat(day_text) if isinstance(day_text, str) else local_day(queued_at)
        except ValueError:
            day = local_day(queued_at)
        visit = Visit(
            day=day,
            service=str(data.get("service") or ""),
            priority=bool(data.get("priority")),
            queued_at=queued_at,
            hour=local(queued_at).hour,
        )
        self.visits[ticket_id] = visit
        self.days.setdefault(day, {})[ticket_id] = visit
        return visit

    def add(self, type_: str, at: datetime, data: Mapping[str, Any]) -> date | None:
        """Record one event; returns the day it changed (None when the event type is not a business one)."""
        if self.last_event_at is None or at > self.last_event_at:
            self.last_event_at = at
        if type_.startswith("ticket."):
            return self._ticket(type_, at, data)
        if type_ in ev.DOSSIER_EVENTS and type_ != ev.DOSSIER_SUBMITTED:
            return self._dossier(type_, at, data)
        if type_ == "dossier.submitted":
            day = local_day(at)
            self.dossiers.setdefault(day, []).append(
                Dossier(str(data.get("procedure_code") or ""), _text(data.get("service")), _text(data.get("ticket_id")))
            )
            return day
        if type_ == "feedback.submitted":
            day = local_day(at)
            sentiment = data.get("sentiment")
            label = sentiment.get("label") if isinstance(sentiment, Mapping) else None
            self.feedback.setdefault(day, []).append(
                Feedback(
                    rating=str(data.get("rating") or ""),
                    sentiment=_text(label),
                    service=_text(data.get("service")),
                    counter_id=_text(data.get("counter_id")),
                    staff_id=_text(data.get("staff_id")),
                )
            )
            return day
        if type_.startswith("counter."):
            counter_id = _text(data.get("counter_id"))
            if counter_id is None:
                return None
            state = {"counter.opened": "open", "counter.resumed": "open", "counter.paused": "paused"}.get(
                type_, "closed"
            )
            known = self.counters.get(counter_id)
            if known is None or at >= known.at:
                self.counters[counter_id] = CounterState(state, _text(data.get("staff_id")), at)
            return local_day(at)
        return None

    def _tally(self, day: date) -> DossierTally:
        tally = self.tallies.get(day)
        if tally is None:
            tally = self.tallies[day] = DossierTally()
        return tally

    def _dossier(self, type_: str, at: datetime, data: Mapping[str, Any]) -> date | None:
        """Fold one lifecycle event, decoded with its typed model (a payload that does not fit is ignored)."""
        payload = ev.event_data(type_, data)
        if not isinstance(payload, ev.DossierEvent):
            return None
        case = self.cases.get(payload.dossier_id)
        if case is None:
            case = self.cases[payload.dossier_id] = DossierCase(payload.dossier_id, payload.procedure_code)
        case.procedure_code = payload.procedure_code or case.procedure_code
        case.service = payload.service or case.service
        case.channel = payload.channel or case.channel
        case.code = payload.code or case.code
        case.status = payload.status
        case.due_at = parse_time(payload.due_at) or case.due_at
        day = local_day(at)
        if isinstance(payload, ev.DossierReceived):
            if case.received_at is not None:
                return None  # the same receipt sent twice
            case.received_at = at
            case.staff_id = payload.staff_id
            desk = payload.desk_min
            called = parse_time(payload.called_at)
            if desk is None and called is not None:
                desk = max((at - called).total_seconds() / 60.0, 0.0)
            self._tally(day).add_received(
                staff_id=payload.staff_id,
                prepared_at_kiosk=payload.prepared_at_kiosk,
                desk_min=desk,
                papers_received=payload.papers_received,
                papers_digitised=payload.papers_digitised,
            )
        elif isinstance(payload, ev.DossierResultReady):
            if case.result_at is not None:
                return None
            case.result_at = at
            case.on_time, case.early, case.result_digitised = payload.on_time, payload.early, payload.result_digitised
            self._tally(day).add_result(
                on_time=payload.on_time, early=payload.early, result_digitised=payload.result_digitised
            )
        elif isinstance(payload, ev.DossierSupplementRequested):
            case.supplements += 1
            self._tally(day).supplements += 1
        elif isinstance(payload, ev.DossierPaperAdded):
            case.papers_added += 1
            case.result_digitised = case.result_digitised or payload.is_result
        elif isinstance(payload, ev.DossierForwarded):
            case.forwarded_to = payload.department or case.forwarded_to
        elif isinstance(payload, ev.DossierClosed):
            state = CLOSED_STATES.get(type_)
            if state is not None and case.closed is None:
                case.closed = state
                tally = self._tally(day)
                setattr(tally, state, getattr(tally, state) + 1)
        elif type_ == ev.DOSSIER_OVERDUE:
            case.overdue_at = case.overdue_at or at
        return day

    def late_dossiers(self, now: datetime) -> list[DossierCase]:
        """Dossiers past their due time at ``now`` without a result, most overdue first."""
        late = [c for c in self.cases.values() if c.late_at(now)]
        return sorted(late, key=lambda c: (c.due_at or c.overdue_at or now, c.dossier_id))

    def _ticket(self, type_: str, at: datetime, data: Mapping[str, Any]) -> date:
        visit = self._visit(data, at)
        if type_ == "ticket.issued":
            visit.arrival = True
        elif type_ in ("ticket.called", "ticket.recalled"):
            if visit.called_at is None or at < visit.called_at:
                visit.called_at = at
            visit.counter_id = _text(data.get("counter_id")) or visit.counter_id
            visit.staff_id = _text(data.get("staff_id")) or visit.staff_id
            if visit.outcome == "waiting":
                visit.outcome = "called"
        elif type_ == "ticket.started":
            if visit.outcome in ("waiting", "called"):
                visit.outcome = "serving"
        elif type_ == "ticket.done":
            visit.outcome = "done"
            minutes = data.get("service_min")
            visit.service_min = float(minutes) if isinstance(minutes, int | float) else None
            visit.counter_id = _text(data.get("counter_id")) or visit.counter_id
            visit.staff_id = _text(data.get("staff_id")) or visit.staff_id
        elif type_ == "ticket.no_show":
            visit.outcome = "no_show"
        elif type_ == "ticket.reinstated":
            visit.outcome = "waiting"
        elif type_ == "ticket.cancelled":
            visit.outcome = "cancelled"
        elif type_ == "ticket.transferred":
            visit.outcome = "transferred"
            new_id = data.get("new_ticket_id")
            if new_id is not None:
                child = self._visit(
                    {"service": data.get("to_service"), "priority": data.get("priority"), "day": visit.day.isoformat()},
                    at,
                    key=str(new_id),
                )
                child.queued_at = at
                child.hour = local(at).hour
        return visit.day

    def figures(self, day: date, now: datetime | None = None) -> DayFigures:
        """The day's figures; with ``now``, citizens still waiting count with their wait so far."""
        fig = DayFigures()
        for visit in self.days.get(day, {}).values():
            if visit.arrival:
                fig.arrivals += 1
                fig.arrivals_by_hour[visit.hour] += 1
            wait = visit.wait_min()
            if wait is not None:
                fig.called += 1
                fig.waits.append(wait)
                fig.waits_by_hour[visit.hour].append(wait)
            if visit.outcome == "done":
                fig.done += 1
                if visit.staff_id:
                    fig.served_by_staff[visit.staff_id] += 1
            elif visit.outcome == "no_show":
                fig.no_shows += 1
            elif visit.outcome == "cancelled":
                fig.cancelled += 1
            elif visit.outcome in OPEN_OUTCOMES:
                fig.waiting_now += 1
                if now is not None and visit.queued_at is not None:
                    fig.open_waits.append(max((now - visit.queued_at).total_seconds() / 60.0, 0.0))
        for dossier in self.dossiers.get(day, ()):
            fig.dossiers += 1
            linked = self.visits.get(dossier.ticket_id) if dossier.ticket_id else None
            if linked is not None and linked.staff_id:
                fig.dossiers_by_staff[linked.staff_id] += 1
        tally = self.tallies.get(day)
        if tally is not None:
            fig.dossier.merge(tally)
        for item in self.feedback.get(day, ()):
            fig.feedback += 1
            fig.satisfied += item.rating in SATISFIED_RATINGS
            if item.sentiment is not None:
                fig.with_sentiment += 1
                fig.negative += item.sentiment == "negative"
        return fig

    def active_days(self) -> list[date]:
        """Days with any arrival, dossier or feedback, in order."""
        return sorted(set(self.days) | set(self.dossiers) | set(self.tallies) | set(self.feedback))


class Ledger:
    """The ledgers of all sites, with per-day figures cached for days before ``today``."""

    def __init__(self) -> None:
        self.sites: dict[str, SiteLedger] = {}
        self.version = 0
        self._cache: dict[tuple[str, date], DayFigures] = {}

    def site(self, site: str) -> SiteLedger:
        """The ledger of ``site`` (created empty on first use)."""
        ledger = self.sites.get(site)
        if ledger is None:
            ledger = self.sites[site] = SiteLedger(site)
        return ledger

    def reset(self, site: str) -> None:
        """Forget everything of ``site`` (before reloading it)."""
        self.sites.pop(site, None)
        for key in [key for key in self._cache if key[0] == site]:
            del self._cache[key]
        self.version += 1

    def add(self, event: EventLike) -> None:
        """Record one event."""
        day = self.site(event.site).add(event.type, event.at, event.data)
        if day is not None:
            self._cache.pop((event.site, day), None)
        self.version += 1

    def add_all(self, events: Iterable[EventLike]) -> int:
        """Record many events; returns how many."""
        count = 0
        for event in events:
            self.add(event)
            count += 1
        return count

    def figures(self, site: str, day: date, now: datetime | None = None) -> DayFigures:
        """Figures of ``site`` on ``day``; cached unless ``day`` is the day of ``now`` (live)."""
        live = now is not None and local_day(now) == day
        if not live:
            cached = self._cache.get((site, day))
            if cached is not None:
                return cached
        ledger = self.sites.get(site)
        fig = DayFigures() if ledger is None else ledger.figures(day, now if live else None)
        if not live:
            self._cache[(site, day)] = fig
        return fig

    def working_days(self) -> set[date]:
        """Days on which any site of the province received citizens."""
        days: set[date] = set()
        for ledger in self.sites.values():
            days.update(day for day, visits in ledger.days.items() if visits)
        return days
