"""Domain events: every state change, appended to the site's event log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

TICKET_ISSUED = "ticket.issued"
TICKET_CALLED = "ticket.called"
TICKET_RECALLED = "ticket.recalled"
TICKET_STARTED = "ticket.started"
TICKET_DONE = "ticket.done"
TICKET_NO_SHOW = "ticket.no_show"
TICKET_REINSTATED = "ticket.reinstated"
TICKET_TRANSFERRED = "ticket.transferred"
TICKET_CANCELLED = "ticket.cancelled"
COUNTER_OPENED = "counter.opened"
COUNTER_PAUSED = "counter.paused"
COUNTER_RESUMED = "counter.resumed"
COUNTER_CLOSED = "counter.closed"
APPOINTMENT_BOOKED = "appointment.booked"
DOSSIER_SUBMITTED = "dossier.submitted"
# data: feedback_id, ticket_id, number, service, counter_id, staff_id, day (service day of the feedback),
# ticket_day, rating (very_satisfied|satisfied|neutral|dissatisfied), ratings {criterion: rating},
# comment (free text typed by the citizen, or null: kept on the site, redacted by the edge agent before
# anything leaves it, never logged), lang (vi|en). Built by queue_server.core.feedback.feedback_event_data.
FEEDBACK_SUBMITTED = "feedback.submitted"

CALL_EVENTS = (TICKET_CALLED, TICKET_RECALLED)


@dataclass(frozen=True)
class DomainEvent:
    """A state change; ``data`` holds no citizen personal data."""

    type: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def ticket_data(ticket: Any, **extra: Any) -> dict[str, Any]:
    """The event fields describing a ticket (ids, numbers, services, times — never personal data)."""
    data: dict[str, Any] = {
        "ticket_id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "priority": ticket.priority,
        "day": ticket.day,
        "issued_at": ticket.issued_at.isoformat(),
        "queued_at": ticket.queued_at.isoformat(),
        "counter_id": ticket.counter_id,
        "staff_id": ticket.staff_id,
        "recall_count": ticket.recall_count,
    }
    data.update(extra)
    return data
