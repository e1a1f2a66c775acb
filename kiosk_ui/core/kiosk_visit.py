"""What one visit holds: the screens, the preferences, the ticket as shown, the requests under way.

Plain data for :class:`kiosk_ui.core.kiosk_flow.KioskFlow`. The ticket is the server's
:class:`~motcua.contract.tickets.TicketPublic` as decoded by the client; :class:`TicketView` only adds
what the kiosk derives from it (the phone link, whole minutes, the people ahead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from kiosk_ui.core.kiosk_catalogue import ProcedureDetail, ProcedureSummary
from kiosk_ui.core.kiosk_feedback import FeedbackRequest, KioskFeedback
from kiosk_ui.core.kiosk_form import FormModel
from kiosk_ui.core.telex import KeyboardModel
from motcua.contract.tickets import TicketPublic

__all__ = [
    "IdleState",
    "Prefs",
    "PrinterStatus",
    "Screen",
    "SubmitRequest",
    "TicketRequest",
    "TicketView",
    "Visit",
]


class Screen(StrEnum):
    """The kiosk's screens, in the order of a visit."""

    WELCOME = "welcome"
    START = "start"
    PRIORITY = "priority"
    SERVICES = "services"
    FIELDS = "fields"
    SEARCH = "search"
    PROCEDURES = "procedures"
    PROCEDURE = "procedure"
    FORM = "form"
    REVIEW = "review"
    TICKET = "ticket"
    DONE = "done"
    FEEDBACK = "feedback"


PrinterStatus = Literal["none", "printing", "printed", "fault"]


@dataclass(frozen=True)
class Prefs:
    """Per-visit display preferences (reset to the kiosk's defaults after every visit)."""

    lang: Literal["vi", "en"] = "vi"
    large_text: bool = False
    high_contrast: bool = False


@dataclass(frozen=True)
class TicketView:
    """The server's ticket (no personal data) and the link a phone follows it by; read-only views of it."""

    public: TicketPublic
    track_url: str

    @classmethod
    def of(cls, public: TicketPublic, track_base: str) -> TicketView:
        """The view of ``public``; ``track_base`` is the server's public URL."""
        return cls(public, f"{track_base.rstrip('/')}/t/{public.id}")

    @property
    def id(self) -> str:
        """The ticket's id."""
        return self.public.id

    @property
    def number(self) -> str:
        """The number called out (``A007``)."""
        return self.public.number

    @property
    def service(self) -> str:
        """The service code."""
        return self.public.service

    @property
    def priority(self) -> str | None:
        """The priority lane's code, if any."""
        return self.public.priority

    @property
    def issued_at(self) -> datetime:
        """When it was issued."""
        return self.public.issued_at

    @property
    def service_name_vi(self) -> str:
        """The service's Vietnamese name (its code when the server sent none)."""
        return self.public.service_name_vi or self.public.service

    @property
    def service_name_en(self) -> str:
        """The service's English name (else the Vietnamese one)."""
        return self.public.service_name_en or self.service_name_vi

    @property
    def people_ahead(self) -> int:
        """How many are called before this ticket."""
        if self.public.people_ahead is not None:
            return self.public.people_ahead
        return max(self.public.position - 1, 0) if self.public.position is not None else 0

    @property
    def estimated_wait_min(self) -> int:
        """The estimated wait in whole minutes (0 when unknown)."""
        wait = self.public.estimated_wait_min
        return round(wait) if wait is not None else 0

    @property
    def counters_vi(self) -> tuple[str, ...]:
        """Where to go, in Vietnamese."""
        return tuple(self.public.counters_vi)

    @property
    def counters_en(self) -> tuple[str, ...]:
        """Where to go, in English."""
        return tuple(self.public.counters_en)


@dataclass(frozen=True)
class TicketRequest:
    """What the controller sends to the server for a ticket."""

    visit: int
    service: str
    priority: str | None
    lang: str
    key: str


@dataclass(frozen=True)
class SubmitRequest:
    """A dossier submission: a ticket first (same key on retry), then the dossier tied to it."""

    visit: int
    ticket: TicketRequest
    procedure_code: str
    data: dict[str, str]
    key: str
    ticket_id: str | None


@dataclass
class Visit:
    """One citizen's visit; dropped as a whole at the end or on idle timeout."""

    number: int
    priority: str | None = None
    field_code: str | None = None
    procedure_code: str | None = None
    detail: ProcedureDetail | None = None
    detail_missing: bool = False
    form: FormModel | None = None
    query: KeyboardModel = field(default_factory=lambda: KeyboardModel("telex"))
    results: tuple[ProcedureSummary, ...] = ()
    results_offline: bool = False
    ticket: TicketView | None = None
    receipt_code: str | None = None
    ticket_keys: dict[tuple[str, str | None], str] = field(default_factory=dict)
    dossier_key: str | None = None
    pending: TicketRequest | SubmitRequest | FeedbackRequest | None = None
    feedback: KioskFeedback | None = None
    error: tuple[str, str] | None = None
    printer: PrinterStatus = "none"
    printer_reason: str | None = None
    notice: tuple[str, dict[str, object]] | None = None

    @property
    def busy(self) -> bool:
        """A request is under way: buttons that would send another one are ignored."""
        return self.pending is not None


@dataclass(frozen=True)
class IdleState:
    """Where the idle timer stands: ``warning`` with ``seconds_left`` shows the countdown."""

    warning: bool
    seconds_left: float
