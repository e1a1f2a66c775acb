"""The queue server's use cases: load state, ask the pure core, persist state and events atomically.

Every use case is one SQLite transaction. After a commit the listeners (MQTT publisher, live
console updates) are told that new events exist; they read them from the event log, so nothing
is published that was not stored, and nothing stored is left unpublished.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from queue_server.core import events as ev
from queue_server.core import lifecycle
from queue_server.core.errors import DomainError, InvalidTransition, NotFound
from queue_server.core.estimate import WaitEstimate, estimate_wait, update_ewma
from queue_server.core.events import DomainEvent, ticket_data
from queue_server.core.kpis import compute_kpis
from queue_server.core.model import Counter, QueueConfig, Service, Ticket, TicketStatus
from queue_server.core.numbering import format_number, service_day
from queue_server.core.policy import choose_next
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


class IdempotencyConflict(DomainError):
    """The same Idempotency-Key was sent with a different request body."""

    status = 422


@dataclass
class QueueService:
    """Use cases of one site's queue over one SQLite database."""

    db: Database
    site_id: str
    config: QueueConfig = field(default_factory=QueueConfig)
    clock: Clock = utc_now
    listeners: list[Listener] = field(default_factory=list)
    # Waiting tickets mirrored in memory, kept in step with every write under the database lock, so a
    # ticket issue does not parse hundreds of rows; dropped (and reloaded) whenever a transaction fails.
    _waiting_cache: dict[str, Ticket] | None = field(default=None, repr=False)
    _by_counter_cache: tuple[str, int, dict[str, Any]] | None = field(default=None, repr=False)

    # -- helpers
    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A database transaction that drops the waiting-ticket cache if it fails."""
        try:
            with self.db.transaction() as conn:
                yield conn
        except BaseException:
            self._waiting_cache = None
            raise

    def _waiting(self, conn: Any) -> list[Ticket]:
        """Every waiting ticket (from the cache; loaded once from the database)."""
        if self._waiting_cache is None:
            self._waiting_cache = {t.id: t for t in repo.load_waiting(conn)}
        return list(self._waiting_cache.values())

    def _save_ticket(self, conn: Any, ticket: Ticket) -> None:
        repo.save_ticket(conn, ticket)
        if self._waiting_cache is not None:
            if ticket.status == TicketStatus.WAITING:
                self._waiting_cache[ticket.id] = ticket
            else:
                self._waiting_cache.pop(ticket.id, None)

    def today(self, now: datetime | None = None) -> str:
        """The current service day."""
        return service_day(now or self.clock(), reset_hour=self.config.reset_hour, timezone=self.config.timezone)

    def _commit_events(self, conn: Any, events: tuple[DomainEvent, ...] | list[DomainEvent]) -> int:
        last = 0
        for event in events:
            last = repo.append_event(conn, event, self.today(event.at))
        return last

    def _notify(self, seq: int) -> None:
        if not seq:
            return
        for listener in list(self.listeners):
            try:
                listener(seq)
            except Exception:
                logger.exception("event listener failed")

    def _service(self, conn: Any, code: str) -> Service:
        service = repo.load_services(conn).get(code)
        if service is None or not service.active:
            raise NotFound("unknown_service", f"Không có dịch vụ '{code}'.", f"No service '{code}'.")
        return service

    def _counter(self, conn: Any, counter_id: str) -> Counter:
        counter = repo.load_counter(conn, counter_id)
        if counter is None:
            raise NotFound("unknown_counter", f"Không có quầy '{counter_id}'.", f"No counter '{counter_id}'.")
        return counter

    def _active(self, conn: Any, counter: Counter) -> Ticket:
        ticket = repo.load_active_at_counter(conn, counter.id)
        if ticket is None:
            raise InvalidTransition(
                "no_current_ticket",
                f"{counter.name_vi} không có vé đang gọi hoặc đang phục vụ.",
                f"{counter.name_en} has no ticket called or being served.",
            )
        return ticket

    def _apply(self, conn: Any, outcome: lifecycle.Outcome) -> int:
        for ticket in outcome.tickets:
            self._save_ticket(conn, ticket)
        for counter in outcome.counters:
            repo.save_counter(conn, counter)
        return self._commit_events(conn, outcome.events)

    def _estimate(self, conn: Any, ticket: Ticket, now: datetime) -> WaitEstimate | None:
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

    # -- tickets
    def issue_ticket(
        self,
        service_code: str,
        *,
        priority: str | None = None,
        lang: str = "vi",
        idempotency_key: str,
        scope: str,
        request_hash: str,
        appointment: tuple[datetime, datetime] | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Issue a ticket in one transaction; a retry with the same key returns the same ticket.

        Returns the public ticket and whether it was a replay.
        """
        if priority is not None and priority not in self.config.priority_codes():
            raise DomainError(
                "unknown_priority",
                f"Diện ưu tiên '{priority}' không hợp lệ.",
                f"Unknown priority category '{priority}'.",
                status=422,
            )
        with self._transaction() as conn:
            previous = repo.find_idempotent(conn, scope, idempotency_key)
            if previous is not None:
                stored_hash, response = previous
                if stored_hash != request_hash:
                    raise IdempotencyConflict(
                        "idempotency_key_reused",
                        "Khoá Idempotency-Key này đã được dùng cho một yêu cầu khác.",
                        "This Idempotency-Key was already used with a different request body.",
                    )
                return response, True
            service = self._service(conn, service_code)
            now = self.clock()
            day = self.today(now)
            sequence = repo.next_sequence(conn, day, service.code)
            number = format_number(service.letter, sequence)
            ticket = Ticket(
                id=new_ticket_id(),
                day=day,
                service=service.code,
                number=number,
                priority=priority,
                status=TicketStatus.WAITING,
                issued_at=now,
                queued_at=now,
                appointment_start=appointment[0] if appointment else None,
                appointment_end=appointment[1] if appointment else None,
                lang=lang,
            )
            estimate = self._estimate(conn, ticket, now)
            if estimate is not None:
                ticket = replace(
                    ticket, estimated_wait_min=estimate.minutes, position_at_issue=estimate.people_ahead + 1
                )
            repo.record_number(conn, day, number, ticket.id)
            self._save_ticket(conn, ticket)
            event = DomainEvent(
                ev.TICKET_ISSUED,
                now,
                ticket_data(ticket, estimated_wait_min=ticket.estimated_wait_min, position=ticket.position_at_issue),
            )
            seq = self._commit_events(conn, [event])
            response = self.public_ticket(conn, ticket, estimate)
            repo.save_idempotent(conn, scope, idempotency_key, request_hash, response, now)
        self._notify(seq)
        return response, False

    def public_ticket(self, conn: Any, ticket: Ticket, estimate: WaitEstimate | None = None) -> dict[str, Any]:
        """What a citizen may see of a ticket: no personal data."""
        services = repo.load_services(conn)
        service = services.get(ticket.service)
        counters = [c for c in repo.load_counters(conn) if ticket.service in c.services]
        counter = next((c for c in counters if c.id == ticket.counter_id), None)
        if estimate is None and ticket.status == TicketStatus.WAITING:
            estimate = self._estimate(conn, ticket, self.clock())
        return {
            "id": ticket.id,
            "number": ticket.number,
            "service": ticket.service,
            "service_name_vi": service.name_vi if service else ticket.service,
            "service_name_en": service.name_en if service else ticket.service,
            "priority": ticket.priority,
            "status": ticket.status.value,
            "issued_at": ticket.issued_at.isoformat(),
            "day": ticket.day,
            "position": (estimate.people_ahead + 1) if estimate and ticket.status == TicketStatus.WAITING else None,
            "people_ahead": estimate.people_ahead if estimate and ticket.status == TicketStatus.WAITING else None,
            "estimated_wait_min": estimate.minutes if estimate and ticket.status == TicketStatus.WAITING else None,
            "estimated_wait_at_issue_min": ticket.estimated_wait_min,
            "counter_id": ticket.counter_id,
            "counter_name_vi": counter.name_vi if counter else None,
            "counter_name_en": counter.name_en if counter else None,
            "counter_area_vi": counter.area_vi if counter else None,
            "counter_area_en": counter.area_en if counter else None,
            "counters_vi": sorted({c.area_vi or c.name_vi for c in counters}),
            "counters_en": sorted({c.area_en or c.name_en for c in counters}),
            "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
            "transferred_to": None,
            "lang": ticket.lang,
        }

    def get_ticket(self, ticket_id: str) -> dict[str, Any]:
        """The public view of a ticket, following transfers."""
        with self._transaction() as conn:
            ticket = repo.load_ticket(conn, ticket_id)
            if ticket is None:
                raise NotFound("unknown_ticket", "Không tìm thấy vé.", "Ticket not found.")
            public = self.public_ticket(conn, ticket)
            if ticket.status == TicketStatus.TRANSFERRED:
                child = repo.load_child(conn, ticket.id)
                if child is not None:
                    public["transferred_to"] = self.public_ticket(conn, child)
            return public

    # -- counters
    def _counter_action(
        self, counter_id: str, action: Callable[[Any, Counter, datetime], lifecycle.Outcome]
    ) -> Ticket | None:
        with self._transaction() as conn:
            counter = self._counter(conn, counter_id)
            outcome = action(conn, counter, self.clock())
            seq = self._apply(conn, outcome)
            ticket = outcome.tickets[0] if outcome.tickets else None
        self._notify(seq)
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
        self._notify(seq)
        return ticket

    def _finish(self, conn: Any, ticket: Ticket, now: datetime) -> int:
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
        self._notify(seq)
        return finished

    def no_show(self, counter_id: str) -> Ticket | None:
        """The called citizen did not come."""
        return self._counter_action(counter_id, lambda conn, c, now: lifecycle.no_show(self._active(conn, c), now))

    def transfer(self, counter_id: str, to_service: str) -> Ticket | None:
        """Send the current citizen to another service, keeping their original issue time."""

        def action(conn: Any, counter: Counter, now: datetime) -> lifecycle.Outcome:
            self._service(conn, to_service)
            outcome = lifecycle.transfer(self._active(conn, counter), to_service, new_ticket_id(), now)
            return lifecycle.Outcome((outcome.tickets[1], outcome.tickets[0]), outcome.counters, outcome.events)

        return self._counter_action(counter_id, action)

    def reinstate(self, ticket_id: str) -> Ticket | None:
        """Put a no-show who came back at the head of its queue."""
        with self._transaction() as conn:
            ticket = repo.load_ticket(conn, ticket_id)
            if ticket is None:
                raise NotFound("unknown_ticket", "Không tìm thấy vé.", "Ticket not found.")
            outcome = lifecycle.reinstate(ticket, self.clock(), self.config)
            seq = self._apply(conn, outcome)
        self._notify(seq)
        return outcome.ticket

    def cancel(self, ticket_id: str) -> Ticket | None:
        """Withdraw a waiting ticket."""
        with self._transaction() as conn:
            ticket = repo.load_ticket(conn, ticket_id)
            if ticket is None:
                raise NotFound("unknown_ticket", "Không tìm thấy vé.", "Ticket not found.")
            outcome = lifecycle.cancel(ticket, self.clock())
            seq = self._apply(conn, outcome)
        self._notify(seq)
        return outcome.ticket

    def sign_in(self, counter_id: str, staff_id: str) -> None:
        """Staff sign in at a counter."""
        self._counter_action(counter_id, lambda conn, c, now: lifecycle.sign_in(c, staff_id, now))

    def sign_out(self, counter_id: str) -> None:
        """Staff sign out of a counter."""
        self._counter_action(counter_id, lambda conn, c, now: lifecycle.sign_out(c, now))

    def pause(self, counter_id: str) -> None:
        """Pause a counter."""
        self._counter_action(counter_id, lambda conn, c, now: lifecycle.pause(c, now))

    def resume(self, counter_id: str) -> None:
        """Resume a paused counter."""
        self._counter_action(counter_id, lambda conn, c, now: lifecycle.resume(c, now))

    # -- reads
    def services(self) -> list[Service]:
        """All services in display order."""
        with self._transaction() as conn:
            return list(repo.load_services(conn).values())

    def counters(self) -> list[tuple[Counter, Ticket | None]]:
        """All counters with the ticket each has called or is serving."""
        with self._transaction() as conn:
            active = repo.load_active(conn)
            return [(c, active.get(c.id)) for c in repo.load_counters(conn)]

    def counter(self, counter_id: str) -> tuple[Counter, Ticket | None]:
        """One counter with its current ticket."""
        with self._transaction() as conn:
            counter = self._counter(conn, counter_id)
            return counter, repo.load_active_at_counter(conn, counter_id)

    def queue(self) -> list[dict[str, Any]]:
        """Waiting per service, with the estimated wait of a ticket taken now."""
        with self._transaction() as conn:
            now = self.clock()
            waiting = self._waiting(conn)
            result = []
            for service in repo.load_services(conn).values():
                mine = [t for t in waiting if t.service == service.code]
                probe = Ticket(
                    id="__probe__",
                    day=self.today(now),
                    service=service.code,
                    number="",
                    priority=None,
                    status=TicketStatus.WAITING,
                    issued_at=now,
                    queued_at=now,
                )
                estimate = self._estimate(conn, probe, now)
                result.append(
                    {
                        "code": service.code,
                        "letter": service.letter,
                        "name_vi": service.name_vi,
                        "name_en": service.name_en,
                        "waiting": len(mine),
                        "priority_waiting": sum(1 for t in mine if t.priority),
                        "estimated_wait_min": estimate.minutes if estimate else None,
                        "tickets": [
                            {
                                "id": t.id,
                                "number": t.number,
                                "priority": t.priority,
                                "issued_at": t.issued_at.isoformat(),
                            }
                            for t in sorted(mine, key=lambda t: (not t.head_of_queue, t.issued_at))
                        ],
                    }
                )
            return result

    def waiting(self) -> list[Ticket]:
        """Every waiting ticket of the site."""
        with self._transaction() as conn:
            return self._waiting(conn)

    def events_after(self, after: int, limit: int) -> tuple[list[tuple[int, DomainEvent]], int]:
        """Up to ``limit`` events of the log with ``seq`` > ``after``, oldest first, and the newest ``seq``.

        Read on the WAL reader connection, so a reader never waits for a writer. The log has no holes that
        fill later: sequence numbers are given under the one writer lock and committed in that order, so
        once ``seq`` N is visible every event before N is visible too.
        """
        rows = self.db.read("SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))
        events = [repo.event_from_row(row) for row in rows]
        newest = self.db.read("SELECT COALESCE(MAX(seq), 0) AS seq FROM events")[0]["seq"]
        return events, max(newest if isinstance(newest, int) else 0, events[-1][0] if events else 0)

    def kpis(self, day: str | None = None) -> dict[str, Any]:
        """KPIs of one service day, computed from the event log."""
        with self._transaction() as conn:
            now = self.clock()
            the_day = day or self.today(now)
            events = repo.load_events_of_day(conn, the_day)
            report = compute_kpis(events, now if the_day == self.today(now) else None)
            # Citizen feedback (satisfaction %, per criterion / counter / service, sentiment, flagged); lazy
            # import: queue_server.feedback imports this module.
            from queue_server.core.feedback import compute_feedback_kpis
            from queue_server.feedback import load_sentiments

            report["feedback"] = compute_feedback_kpis(events, load_sentiments(conn, the_day))
        report["day"] = the_day
        report["site"] = self.site_id
        return report

    def counter_today(self, counter_id: str) -> dict[str, Any]:
        """Today's served count and mean service time at one counter.

        Every open counter page asks for this after every change in the site, so the per-counter figures
        are computed once per new event, not once per request.
        """
        with self._transaction() as conn:
            day = self.today()
            last = repo.last_event_seq(conn)
            if self._by_counter_cache is None or self._by_counter_cache[:2] != (day, last):
                by_counter = compute_kpis(repo.load_events_of_day(conn, day))["by_counter"]
                self._by_counter_cache = (day, last, by_counter)
            stats = self._by_counter_cache[2].get(counter_id)
        return {
            "served": stats["served"] if stats else 0,
            "mean_service_min": stats["service_min"]["mean"] if stats else None,
        }

    # -- appointments ("hẹn giờ", Decision 717 task 2.4)
    def book_appointment(self, service_code: str, start: datetime, end: datetime) -> dict[str, Any]:
        """Book a slot; returns the appointment with its check-in code."""
        if start.tzinfo is None or end.tzinfo is None:
            raise DomainError(
                "naive_time",
                "Thời gian phải có múi giờ (ví dụ +07:00).",
                "Times need a time zone (e.g. +07:00).",
                status=422,
            )
        if not start < end or end - start > timedelta(hours=4):
            raise DomainError(
                "invalid_window",
                "Khung giờ hẹn không hợp lệ (bắt đầu trước kết thúc, tối đa 4 giờ).",
                "Invalid appointment window (start before end, at most 4 hours).",
                status=422,
            )
        with self._transaction() as conn:
            self._service(conn, service_code)
            code = secrets.token_hex(4).upper()
            now = self.clock()
            conn.execute(
                "INSERT INTO appointments (code, service, start, end, created_at) VALUES (?, ?, ?, ?, ?)",
                (code, service_code, start.isoformat(), end.isoformat(), now.isoformat()),
            )
            seq = self._commit_events(
                conn,
                [
                    DomainEvent(
                        ev.APPOINTMENT_BOOKED,
                        now,
                        {"code": code, "service": service_code, "start": start.isoformat(), "end": end.isoformat()},
                    )
                ],
            )
        self._notify(seq)
        return {
            "code": code,
            "service": service_code,
            "start": start,
            "end": end,
            "status": "booked",
            "ticket_id": None,
        }

    def check_in(
        self, code: str, *, idempotency_key: str, scope: str, request_hash: str
    ) -> tuple[dict[str, Any], bool]:
        """Turn an appointment into a ticket served within its window ahead of walk-ins."""
        rows = self.db.query("SELECT * FROM appointments WHERE code = ?", (code.upper(),))
        if not rows:
            raise NotFound("unknown_appointment", "Không tìm thấy lịch hẹn.", "Appointment not found.")
        row = rows[0]
        window = (datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"]))
        if row["status"] != "booked":
            previous = self.db.query("SELECT 1 FROM idempotency WHERE scope = ? AND key = ?", (scope, idempotency_key))
            if not previous:
                raise InvalidTransition(
                    "appointment_used", "Lịch hẹn này đã được sử dụng.", "This appointment was already checked in."
                )
        if self.clock() > window[1]:
            raise InvalidTransition(
                "appointment_expired",
                "Lịch hẹn đã quá giờ, xin lấy số thường.",
                "The appointment window has passed; please take a normal ticket.",
            )
        with self._transaction() as conn:
            response, replayed = self.issue_ticket(
                row["service"],
                idempotency_key=idempotency_key,
                scope=scope,
                request_hash=request_hash,
                appointment=window,
            )
            conn.execute(
                "UPDATE appointments SET status = 'checked_in', ticket_id = ? WHERE code = ?",
                (response["id"], row["code"]),
            )
        return response, replayed
