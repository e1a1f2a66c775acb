"""Tickets: issue (idempotent), the public view a citizen follows, cancel, reinstate."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import Any

from motcua.contract import events as ev
from motcua.contract.events import ticket_event
from queue_server.core import lifecycle
from queue_server.core.errors import DomainError, NotFound
from queue_server.core.estimate import WaitEstimate
from queue_server.core.model import Ticket, TicketStatus
from queue_server.core.numbering import format_number
from queue_server.idempotency import IdempotentRequest
from queue_server.store import repo
from queue_server.usecases.base import ServiceCore, new_ticket_id


class TicketUseCases(ServiceCore):
    """Issue, follow, cancel and reinstate tickets."""

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
        request = IdempotentRequest(scope, idempotency_key, request_hash)
        with self._transaction() as conn:
            previous = request.replay(conn)
            if previous is not None:
                return previous, True
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
            event = ticket_event(
                ev.TICKET_ISSUED,
                now,
                ticket,
                estimated_wait_min=ticket.estimated_wait_min,
                position=ticket.position_at_issue,
            )
            seq = self.commit_events(conn, [event])
            response = self.public_ticket(conn, ticket, estimate)
            request.remember(conn, response, now)
        self.notify(seq)
        return response, False

    def public_ticket(
        self, conn: sqlite3.Connection, ticket: Ticket, estimate: WaitEstimate | None = None
    ) -> dict[str, Any]:
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

    def reinstate(self, ticket_id: str) -> Ticket | None:
        """Put a no-show who came back at the head of its queue."""
        with self._transaction() as conn:
            ticket = repo.load_ticket(conn, ticket_id)
            if ticket is None:
                raise NotFound("unknown_ticket", "Không tìm thấy vé.", "Ticket not found.")
            outcome = lifecycle.reinstate(ticket, self.clock(), self.config)
            seq = self._apply(conn, outcome)
        self.notify(seq)
        return outcome.ticket

    def cancel(self, ticket_id: str) -> Ticket | None:
        """Withdraw a waiting ticket."""
        with self._transaction() as conn:
            ticket = repo.load_ticket(conn, ticket_id)
            if ticket is None:
                raise NotFound("unknown_ticket", "Không tìm thấy vé.", "Ticket not found.")
            outcome = lifecycle.cancel(ticket, self.clock())
            seq = self._apply(conn, outcome)
        self.notify(seq)
        return outcome.ticket
