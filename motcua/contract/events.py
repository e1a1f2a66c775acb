"""Domain events: every state change of a site, appended to its event log, published and sent upward.

Each event type has one typed payload model here. The server builds its events through these models,
and every reader — the MQTT publisher, the staffing advice, the edge agent's uplink whitelist and the
province's ledger — decodes them with :func:`event_data`. On the wire and in the log the payload is the
model's JSON object; readers ignore fields they do not know, so a field may be added without a new
version, while removing or retyping one needs a new event type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = [
    "APPOINTMENT_BOOKED",
    "CALL_EVENTS",
    "COUNTER_CLOSED",
    "COUNTER_OPENED",
    "COUNTER_PAUSED",
    "COUNTER_RESUMED",
    "DOSSIER_CANCELLED",
    "DOSSIER_EVENTS",
    "DOSSIER_FORM_ISSUED",
    "DOSSIER_FORWARDED",
    "DOSSIER_OVERDUE",
    "DOSSIER_PAPER_ADDED",
    "DOSSIER_RECEIVED",
    "DOSSIER_REFUSED",
    "DOSSIER_RESULT_READY",
    "DOSSIER_RETURNED",
    "DOSSIER_SUBMITTED",
    "DOSSIER_SUPPLEMENTED",
    "DOSSIER_SUPPLEMENT_REQUESTED",
    "EVENT_MODELS",
    "FEEDBACK_SUBMITTED",
    "TICKET_CALLED",
    "TICKET_CANCELLED",
    "TICKET_DONE",
    "TICKET_ISSUED",
    "TICKET_NO_SHOW",
    "TICKET_RECALLED",
    "TICKET_REINSTATED",
    "TICKET_STARTED",
    "TICKET_TRANSFERRED",
    "AppointmentBooked",
    "CounterEvent",
    "DomainEvent",
    "DossierClosed",
    "DossierEvent",
    "DossierFormIssued",
    "DossierForwarded",
    "DossierPaperAdded",
    "DossierReceived",
    "DossierResultReady",
    "DossierSubmitted",
    "DossierSupplementRequested",
    "EventData",
    "FeedbackSubmitted",
    "TicketCalled",
    "TicketDone",
    "TicketEvent",
    "TicketIssued",
    "TicketNoShow",
    "TicketTransferred",
    "event_data",
    "ticket_data",
    "ticket_event",
]

TICKET_ISSUED: Final = "ticket.issued"
TICKET_CALLED: Final = "ticket.called"
TICKET_RECALLED: Final = "ticket.recalled"
TICKET_STARTED: Final = "ticket.started"
TICKET_DONE: Final = "ticket.done"
TICKET_NO_SHOW: Final = "ticket.no_show"
TICKET_REINSTATED: Final = "ticket.reinstated"
TICKET_TRANSFERRED: Final = "ticket.transferred"
TICKET_CANCELLED: Final = "ticket.cancelled"
COUNTER_OPENED: Final = "counter.opened"
COUNTER_PAUSED: Final = "counter.paused"
COUNTER_RESUMED: Final = "counter.resumed"
COUNTER_CLOSED: Final = "counter.closed"
APPOINTMENT_BOOKED: Final = "appointment.booked"
DOSSIER_SUBMITTED: Final = "dossier.submitted"
FEEDBACK_SUBMITTED: Final = "feedback.submitted"
DOSSIER_RECEIVED: Final = "dossier.received"
DOSSIER_FORWARDED: Final = "dossier.forwarded"
DOSSIER_SUPPLEMENT_REQUESTED: Final = "dossier.supplement_requested"
DOSSIER_SUPPLEMENTED: Final = "dossier.supplemented"
DOSSIER_RESULT_READY: Final = "dossier.result_ready"
DOSSIER_RETURNED: Final = "dossier.returned"
DOSSIER_CANCELLED: Final = "dossier.cancelled"
DOSSIER_REFUSED: Final = "dossier.refused"
DOSSIER_PAPER_ADDED: Final = "dossier.paper_added"
DOSSIER_OVERDUE: Final = "dossier.overdue"
DOSSIER_FORM_ISSUED: Final = "dossier.form_issued"

CALL_EVENTS: Final = (TICKET_CALLED, TICKET_RECALLED)


class EventData(BaseModel):
    """Base of every event payload: no citizen personal data, unknown fields kept but not read."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def as_data(self) -> dict[str, Any]:
        """The JSON object stored in the log: the fields that were set, in declaration order."""
        return self.model_dump(mode="json", exclude_unset=True)


class TicketEvent(EventData):
    """A ticket's state change: ids, number, service, times (ISO 8601 text, as stored)."""

    ticket_id: str
    number: str
    service: str
    priority: str | None = None
    day: str
    issued_at: str
    queued_at: str
    counter_id: str | None = None
    staff_id: str | None = None
    recall_count: int = 0


class TicketIssued(TicketEvent):
    """``ticket.issued``: with the wait estimated at issue."""

    estimated_wait_min: float | None = None
    position: int | None = None


class TicketCalled(TicketEvent):
    """``ticket.called`` / ``ticket.recalled``: why the policy chose it (``reason``)."""

    reason: str | None = None


class TicketDone(TicketEvent):
    """``ticket.done``: the minutes the citizen spent at the counter."""

    service_min: float | None = None


class TicketNoShow(TicketEvent):
    """``ticket.no_show``: after the last recall, or marked by the clerk."""

    reason: str | None = None


class TicketTransferred(TicketEvent):
    """``ticket.transferred``: the new ticket in the other service and the number of hops so far."""

    to_service: str
    new_ticket_id: str
    hops: int | None = None


class CounterEvent(EventData):
    """``counter.opened|paused|resumed|closed``; a ``counter.opened`` that takes an open counter over from
    another clerk names that clerk (``previous_staff_id``) and the token that authorised it (``takeover_by``)."""

    counter_id: str
    staff_id: str | None = None
    previous_staff_id: str | None = None
    takeover_by: str | None = None


class AppointmentBooked(EventData):
    """``appointment.booked``: a slot (ISO times) in a service."""

    code: str
    service: str
    start: str
    end: str


class DossierSubmitted(EventData):
    """``dossier.submitted``: a dossier prepared at the kiosk (its form data stays on the site)."""

    dossier_id: str
    procedure_code: str
    ticket_id: str | None = None
    number: str | None = None
    service: str | None = None
    channel: str | None = None  # kiosk (prepared by the citizen) | desk (a walk-in's draft)


class DossierEvent(EventData):
    """A dossier's transition at the desk or the department: ids, codes, who, when — never the citizen's
    form values, names, ID numbers or free-text reasons (those stay in the site's dossier tables).
    ``dossier.overdue`` is this model alone: written once when a received dossier passes ``due_at`` without
    a result (the site's periodic job), so the monitor can raise one alert per late dossier."""

    dossier_id: str
    code: str | None = None  # the dossier code, once received
    procedure_code: str
    national_code: str | None = None
    service: str | None = None
    department: str | None = None
    channel: str | None = None  # kiosk | desk
    status: str
    ticket_id: str | None = None
    counter_id: str | None = None
    staff_id: str | None = None
    due_at: str | None = None  # ISO 8601, aware
    due_date: str | None = None  # the appointment date, local


class DossierReceived(DossierEvent):
    """``dossier.received``: the desk's time for it (ticket call to receipt) and what was digitised."""

    processing_days: float | None = None
    on_the_spot: bool = False
    prepared_at_kiosk: bool = False
    called_at: str | None = None
    desk_min: float | None = None
    papers_required: int = 0
    papers_received: int = 0
    papers_digitised: int = 0


class DossierForwarded(DossierEvent):
    """``dossier.forwarded`` to ``department``."""


class DossierSupplementRequested(DossierEvent):
    """``dossier.supplement_requested``: which kinds of paper are asked for (the reason stays on the site)."""

    kinds: list[str] = []
    supplements: int = 1


class DossierResultReady(DossierEvent):
    """``dossier.result_ready``: on time (by the end of the due day) or early (a working day or more before)."""

    received_at: str | None = None
    on_time: bool | None = None
    early: bool | None = None
    result_digitised: bool = False


class DossierClosed(DossierEvent):
    """``dossier.supplemented|returned|cancelled|refused``: ``reason_given`` only, never the text."""

    reason_given: bool = False
    on_time: bool | None = None


class DossierPaperAdded(DossierEvent):
    """``dossier.paper_added``: a paper digitised (kind, pages, bytes), or a result (``is_result``)."""

    paper_id: str
    kind: str
    pages: int = 0
    size: int = 0
    is_result: bool = False


class DossierFormIssued(DossierEvent):
    """``dossier.form_issued``: a Circular 03/2025 form (``MAU01``…``MAU06``) printed for the dossier and kept
    with it as an encrypted paper (``paper_id``, ``sha256``); the reason and the citizen's data stay in the PDF."""

    form: str
    paper_id: str
    sha256: str
    new_due_date: str | None = None  # form 04: the date promised in the apology


class FeedbackSubmitted(EventData):
    """``feedback.submitted``: ``comment`` is the citizen's free text — kept on the site, redacted by the
    edge agent before anything leaves it, never logged."""

    feedback_id: str
    ticket_id: str
    number: str
    service: str
    counter_id: str | None = None
    staff_id: str | None = None
    day: str
    ticket_day: str | None = None
    rating: str
    ratings: dict[str, str] = {}
    comment: str | None = None
    lang: str = "vi"


EVENT_MODELS: Final[Mapping[str, type[EventData]]] = {
    TICKET_ISSUED: TicketIssued,
    TICKET_CALLED: TicketCalled,
    TICKET_RECALLED: TicketCalled,
    TICKET_STARTED: TicketEvent,
    TICKET_DONE: TicketDone,
    TICKET_NO_SHOW: TicketNoShow,
    TICKET_REINSTATED: TicketEvent,
    TICKET_TRANSFERRED: TicketTransferred,
    TICKET_CANCELLED: TicketEvent,
    COUNTER_OPENED: CounterEvent,
    COUNTER_PAUSED: CounterEvent,
    COUNTER_RESUMED: CounterEvent,
    COUNTER_CLOSED: CounterEvent,
    APPOINTMENT_BOOKED: AppointmentBooked,
    DOSSIER_SUBMITTED: DossierSubmitted,
    FEEDBACK_SUBMITTED: FeedbackSubmitted,
    DOSSIER_RECEIVED: DossierReceived,
    DOSSIER_FORWARDED: DossierForwarded,
    DOSSIER_SUPPLEMENT_REQUESTED: DossierSupplementRequested,
    DOSSIER_SUPPLEMENTED: DossierClosed,
    DOSSIER_RESULT_READY: DossierResultReady,
    DOSSIER_RETURNED: DossierClosed,
    DOSSIER_CANCELLED: DossierClosed,
    DOSSIER_REFUSED: DossierClosed,
    DOSSIER_PAPER_ADDED: DossierPaperAdded,
    DOSSIER_OVERDUE: DossierEvent,
    DOSSIER_FORM_ISSUED: DossierFormIssued,
}
DOSSIER_EVENTS: Final = (
    DOSSIER_SUBMITTED,
    DOSSIER_RECEIVED,
    DOSSIER_FORWARDED,
    DOSSIER_SUPPLEMENT_REQUESTED,
    DOSSIER_SUPPLEMENTED,
    DOSSIER_RESULT_READY,
    DOSSIER_RETURNED,
    DOSSIER_CANCELLED,
    DOSSIER_REFUSED,
    DOSSIER_PAPER_ADDED,
    DOSSIER_OVERDUE,
)


def event_data(event_type: str, data: Mapping[str, Any]) -> EventData | None:
    """The typed payload of an event; None for an unknown type or a payload that does not fit its model."""
    model = EVENT_MODELS.get(event_type)
    if model is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


@dataclass(frozen=True)
class DomainEvent:
    """A state change; ``data`` is the JSON object of its payload model and holds no personal data."""

    type: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, event_type: str, at: datetime, payload: EventData) -> DomainEvent:
        """An event built from its typed payload (checked against the type's model)."""
        model = EVENT_MODELS.get(event_type)
        if model is not None and not isinstance(payload, model):
            raise TypeError(f"{event_type} carries {model.__name__}, not {type(payload).__name__}")
        return cls(event_type, at, payload.as_data())

    def payload(self) -> EventData | None:
        """The typed payload (None for an unknown type)."""
        return event_data(self.type, self.data)


def ticket_data(ticket: Any, **extra: Any) -> dict[str, Any]:
    """The fields describing a ticket (ids, numbers, services, times — never personal data), plus ``extra``."""
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


def ticket_event(event_type: str, at: datetime, ticket: Any, **extra: Any) -> DomainEvent:
    """The event ``event_type`` of ``ticket`` (a ticket-shaped object), with the type's extra fields."""
    model = EVENT_MODELS[event_type]
    if not issubclass(model, TicketEvent):
        raise TypeError(f"{event_type} is not a ticket event")
    return DomainEvent.of(event_type, at, model(**ticket_data(ticket, **extra)))
