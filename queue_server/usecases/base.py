"""The queue service's state and plumbing: one transaction per use case, events committed, listeners told.

Every use case is one SQLite transaction. After a commit the listeners (MQTT publisher, live console
updates) are told that new events exist; they read them from the event log, so nothing is published that
was not stored, and nothing stored is left unpublished. Sibling desks (dossiers, feedback) write their
events the same way, through ``commit_events`` and ``notify``.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from motcua.contract.events import DomainEvent
from queue_server.core import lifecycle
from queue_server.core.errors import InvalidTransition, NotFound
from queue_server.core.estimate import WaitEstimate, estimate_wait
from queue_server.core.model import Counter, QueueConfig, Service, Ticket, TicketStatus
from queue_server.core.numbering import service_day
from queue_server.store import repo
from queue_server.store.db import Database

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Listener = Callable[[int], None]


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def new_ticket_id() -> str:
    """An unguessable ticket id (the citizen's phone follows the ticket by it)."""
    return secrets.token_urlsafe(12)


STEP_TOLERANCE_S = 120.0  # wall and monotonic time may drift apart this much before it counts as a step


class SteadyClock:
    """The service's clock over a wall clock that may be stepped (NTP corrections, a Pi without RTC battery).

    - It never goes back: after a backward step (or at start, below ``floor``, the newest time already in
      the event log) it holds at the last time it gave until the wall clock passes it, so no wait is
      negative, no later ticket sorts before an earlier one and the service day never rolls back.
    - With ``monotonic`` it notices forward steps (the wall clock gaining more than ``STEP_TOLERANCE_S``
      over the monotonic clock) and keeps the step for ``take_step``: the service re-times its open
      tickets by it, so nobody appears to have waited the day the clock jumped.
    """

    def __init__(
        self, wall: Clock, monotonic: Callable[[], float] | None = None, *, floor: datetime | None = None
    ) -> None:
        self.wall = wall
        self.monotonic = monotonic
        self._last = floor
        self._last_mono: float | None = None
        self._pending = 0.0
        self._holding = False
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            wall = self.wall()
            last = self._last
            if last is not None and wall < last:
                now = last
                if not self._holding:
                    self._holding = True
                    behind = (last - wall).total_seconds()
                    logger.warning("the clock went back %.0f s; holding at %s until it catches up", behind, last)
            else:
                now = wall
                if self._holding:
                    self._holding = False
                    logger.info("the clock caught up again")
            if self.monotonic is not None:
                mono = self.monotonic()
                if last is not None and self._last_mono is not None:
                    step = (now - last).total_seconds() - (mono - self._last_mono)
                    if step > STEP_TOLERANCE_S:
                        self._pending += step
                        logger.warning("the clock stepped forward %.0f s", step)
                self._last_mono = mono
            self._last = now
            return now

    def take_step(self) -> float:
        """Seconds of forward steps noticed since the last call (0.0: none)."""
        with self._lock:
            step, self._pending = self._pending, 0.0
            return step


@dataclass
class ServiceCore:
    """One site's queue over one SQLite database: its state, and what every use case shares."""

    db: Database
    site_id: str
    config: QueueConfig = field(default_factory=QueueConfig)
    clock: Clock = utc_now
    listeners: list[Listener] = field(default_factory=list)
    # Detects forward clock steps; default time.monotonic with the real clock, off with an injected one.
    monotonic: Callable[[], float] | None = None
    # Waiting tickets mirrored in memory, kept in step with every write under the database lock, so a
    # ticket issue does not parse hundreds of rows; dropped (and reloaded) whenever a transaction fails.
    _waiting_cache: dict[str, Ticket] | None = field(default=None, repr=False)
    _by_counter_cache: tuple[str, int, dict[str, Any]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.clock, SteadyClock):
            if self.monotonic is None and self.clock is utc_now:
                self.monotonic = time.monotonic
            self.clock = SteadyClock(self.clock, self.monotonic, floor=self._newest_event_time())

    def _newest_event_time(self) -> datetime | None:
        """When the newest event of the log happened: the clock does not start before it."""
        try:
            rows = self.db.read("SELECT at FROM events ORDER BY seq DESC LIMIT 1")
        except sqlite3.Error:
            return None
        try:
            at = datetime.fromisoformat(str(rows[0]["at"])) if rows else None
        except ValueError:
            return None
        return at if at is not None and at.tzinfo is not None else None

    # -- the event sink: public, for this service's use cases and the sibling desks
    def today(self, now: datetime | None = None) -> str:
        """The current service day (or that of ``now``)."""
        return service_day(now or self.clock(), reset_hour=self.config.reset_hour, timezone=self.config.timezone)

    def commit_events(self, conn: sqlite3.Connection, events: Iterable[DomainEvent]) -> int:
        """Append events to the log inside the caller's transaction; returns the last ``seq`` (0 for none).

        Call ``notify`` with it once the transaction has committed, never inside it.
        """
        last = 0
        for event in events:
            last = repo.append_event(conn, event, self.today(event.at))
        return last

    def notify(self, seq: int) -> None:
        """Tell the listeners that events up to ``seq`` are committed (0: nothing new, nobody is told)."""
        if not seq:
            return
        for listener in list(self.listeners):
            try:
                listener(seq)
            except Exception:
                logger.exception("event listener failed")

    # -- helpers of the use cases
    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A database transaction that drops the waiting-ticket cache if it fails."""
        try:
            with self.db.transaction() as conn:
                self._absorb_clock_step(conn)
                yield conn
        except BaseException:
            self._waiting_cache = None
            raise

    def _absorb_clock_step(self, conn: sqlite3.Connection) -> None:
        """After a forward clock step, move the open tickets' times by it: their waits stay what they were."""
        clock = self.clock
        if not isinstance(clock, SteadyClock) or clock.monotonic is None:
            return
        clock()  # notice a step that happened since the last reading
        step = clock.take_step()
        if not step:
            return
        shift = timedelta(seconds=step)
        tickets = [*repo.load_waiting(conn), *repo.load_active(conn).values()]
        for ticket in tickets:
            repo.save_ticket(
                conn,
                replace(
                    ticket,
                    issued_at=ticket.issued_at + shift,
                    queued_at=ticket.queued_at + shift,
                    called_at=ticket.called_at + shift if ticket.called_at else None,
                    started_at=ticket.started_at + shift if ticket.started_at else None,
                ),
            )
        self._waiting_cache = None
        logger.warning("clock step of %.0f s: %d open tickets re-timed", step, len(tickets))

    def _waiting(self, conn: sqlite3.Connection) -> list[Ticket]:
        """Every waiting ticket (from the cache; loaded once from the database)."""
        if self._waiting_cache is None:
            self._waiting_cache = {t.id: t for t in repo.load_waiting(conn)}
        return list(self._waiting_cache.values())

    def _save_ticket(self, conn: sqlite3.Connection, ticket: Ticket) -> None:
        repo.save_ticket(conn, ticket)
        if self._waiting_cache is not None:
            if ticket.status == TicketStatus.WAITING:
                self._waiting_cache[ticket.id] = ticket
            else:
                self._waiting_cache.pop(ticket.id, None)

    def _service(self, conn: sqlite3.Connection, code: str) -> Service:
        service = repo.load_services(conn).get(code)
        if service is None or not service.active:
            raise NotFound("unknown_service", f"Không có dịch vụ '{code}'.", f"No service '{code}'.")
        return service

    def _counter(self, conn: sqlite3.Connection, counter_id: str) -> Counter:
        counter = repo.load_counter(conn, counter_id)
        if counter is None:
            raise NotFound("unknown_counter", f"Không có quầy '{counter_id}'.", f"No counter '{counter_id}'.")
        return counter

    def _active(self, conn: sqlite3.Connection, counter: Counter) -> Ticket:
        ticket = repo.load_active_at_counter(conn, counter.id)
        if ticket is None:
            raise InvalidTransition(
                "no_current_ticket",
                f"{counter.name_vi} không có vé đang gọi hoặc đang phục vụ.",
                f"{counter.name_en} has no ticket called or being served.",
            )
        return ticket

    def _apply(self, conn: sqlite3.Connection, outcome: lifecycle.Outcome) -> int:
        for ticket in outcome.tickets:
            self._save_ticket(conn, ticket)
        for counter in outcome.counters:
            repo.save_counter(conn, counter)
        return self.commit_events(conn, outcome.events)

    def _estimate(self, conn: sqlite3.Connection, ticket: Ticket, now: datetime) -> WaitEstimate | None:
        return estimate_wait(
            ticket,
            self._waiting(conn),
            repo.load_counters(conn),
            repo.load_active(conn),
            repo.load_services(conn),
            repo.load_service_times(conn),
            now,
            self.config,
        )
