"""Counter actions: staff sign in and out, call next, recall, start, done, no-show, transfer, pause, resume."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from queue_server.core import lifecycle
from queue_server.core.errors import InvalidTransition
from queue_server.core.estimate import update_ewma
from queue_server.core.model import Counter, Ticket, TicketStatus
from queue_server.core.policy import choose_next
from queue_server.store import repo
from queue_server.usecases.base import ServiceCore, new_ticket_id

CounterAction = Callable[[sqlite3.Connection, Counter, datetime], lifecycle.Outcome]


class CounterUseCases(ServiceCore):
    """What staff do at a counter, each one transaction."""

    def _counter_action(self, counter_id: str, action: CounterAction) -> Ticket | None:
        with self._transaction() as conn:
            counter = self._counter(conn, counter_id)
            outcome = action(conn, counter, self.clock())
            seq = self._apply(conn, outcome)
            ticket = outcome.tickets[0] if outcome.tickets else None
        self.notify(seq)
        return ticket

    def call_next(self, counter_id: str) -> Ticket | None:
        """Call the next ticket at a counter (finishing the one being served); None when nobody waits."""
        with self._transaction() as conn:
            counter = self._counter(conn, counter_id)
            lifecycle.require_open(counter)
            now = self.clock()
            seq = 0
            current = repo.load_active_at_counter(conn, counter.id)
            if current is not None:
                if current.status == TicketStatus.CALLED:
                    raise InvalidTransition(
                        "ticket_still_called",
                        f"Vé {current.number} đang được gọi: hãy bắt đầu phục vụ, gọi lại hoặc đánh dấu vắng mặt.",
                        f"Ticket {current.number} is still being called: start, recall or mark it as a no-show.",
                    )
                seq = self._finish(conn, current, now)
            choice = choose_next(self._waiting(conn), counter, now, self.config)
            if choice is None:
                if counter.priority_streak:
                    repo.save_counter(conn, replace(counter, priority_streak=0))
                ticket = None
            else:
                outcome = lifecycle.call(
                    choice.ticket, counter, now, priority_streak=choice.priority_streak, reason=choice.reason
                )
                seq = self._apply(conn, outcome) or seq
                ticket = outcome.ticket
        self.notify(seq)
        return ticket

    def _finish(self, conn: sqlite3.Connection, ticket: Ticket, now: datetime) -> int:
        outcome = lifecycle.done(ticket, now)
        finished = outcome.ticket
        if finished.started_at is not None:
            observed = (now - finished.started_at).total_seconds() / 60.0
            previous = repo.load_service_times(conn).get(finished.service)
            repo.save_service_time(conn, finished.service, update_ewma(previous, observed, self.config.ewma_alpha))
        return self._apply(conn, outcome)

    def recall(self, counter_id: str) -> Ticket | None:
        """Announce the called ticket again (past the limit it becomes a no-show)."""
        return self._counter_action(
            counter_id, lambda conn, c, now: lifecycle.recall(self._active(conn, c), now, self.config)
        )

    def start(self, counter_id: str) -> Ticket | None:
        """The called citizen arrived: service begins."""
        return self._counter_action(counter_id, lambda conn, c, now: lifecycle.start(self._active(conn, c), now))

    def done(self, counter_id: str) -> Ticket | None:
        """Service finished at the counter."""
        with self._transaction() as conn:
            counter = self._counter(conn, counter_id)
            ticket = self._active(conn, counter)
            seq = self._finish(conn, ticket, self.clock())
            finished = repo.load_ticket(conn, ticket.id)
        self.notify(seq)
        return finished

    def no_show(self, counter_id: str) -> Ticket | None:
        """The called citizen did not come."""
        return self._counter_action(counter_id, lambda conn, c, now: lifecycle.no_show(self._active(conn, c), now))

    def transfer(self, counter_id: str, to_service: str) -> Ticket | None:
        """Send the current citizen to another service, keeping their original issue time."""

        def action(conn: sqlite3.Connection, counter: Counter, now: datetime) -> lifecycle.Outcome:
            self._service(conn, to_service)
            outcome = lifecycle.transfer(self._active(conn, counter), to_service, new_ticket_id(), now)
            return lifecycle.Outcome((outcome.tickets[1], outcome.tickets[0]), outcome.counters, outcome.events)

        return self._counter_action(counter_id, action)

    def sign_in(self, counter_id: str, staff_id: str, *, takeover_by: str | None = None) -> None:
        """Staff sign in at a counter (refused while another clerk holds it, unless ``takeover_by``)."""
        self._counter_action(
            counter_id, lambda conn, c, now: lifecycle.sign_in(c, staff_id, now, takeover_by=takeover_by)
        )

    def sign_out(self, counter_id: str) -> None:
        """Staff sign out of a counter."""
        self._counter_action(counter_id, lambda conn, c, now: lifecycle.sign_out(c, now))

    def pause(self, counter_id: str) -> None:
        """Pause a counter."""
        self._counter_action(counter_id, lambda conn, c, now: lifecycle.pause(c, now))

    def resume(self, counter_id: str) -> None:
        """Resume a paused counter."""
        self._counter_action(counter_id, lambda conn, c, now: lifecycle.resume(c, now))
