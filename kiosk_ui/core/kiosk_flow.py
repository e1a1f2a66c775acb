"""The visit's state machine: which screen, what the citizen chose, the ticket, the idle timer.

Pure: no widgets, no I/O; time is passed in (monotonic seconds). The controller asks it for a
request (:meth:`KioskFlow.begin_ticket`, :meth:`KioskFlow.begin_submit`), performs it off the UI
thread, and reports the outcome back. A request carries an idempotency key made once per visit
and intent, so a retry, or a second tap on the same button, never yields a second ticket.

Privacy: the form (names, ID numbers) lives in :attr:`Visit.form` only; :meth:`KioskFlow.home`
and the idle timeout drop the whole visit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from kiosk_ui.core.kiosk_catalogue import Catalogue, ProcedureDetail, ProcedureSummary
from kiosk_ui.core.kiosk_feedback import FeedbackRequest, FeedbackStage, KioskFeedback, valid_number
from kiosk_ui.core.kiosk_form import FormModel
from kiosk_ui.core.telex import KeyboardModel

__all__ = [
    "IdleState",
    "KioskFlow",
    "Prefs",
    "Screen",
    "SubmitRequest",
    "TicketInfo",
    "TicketRequest",
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
class TicketInfo:
    """A ticket as the kiosk shows and prints it (no personal data)."""

    id: str
    number: str
    service: str
    service_name_vi: str
    service_name_en: str
    priority: str | None
    issued_at: datetime
    people_ahead: int
    estimated_wait_min: int
    counters_vi: tuple[str, ...]
    counters_en: tuple[str, ...]
    track_url: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any], track_base: str) -> TicketInfo:
        """From the body of ``POST /tickets``; ``track_base`` is the server's public URL."""
        issued = body["issued_at"]
        issued_at = issued if isinstance(issued, datetime) else datetime.fromisoformat(str(issued))
        position = body.get("position")
        ahead = body.get("people_ahead")
        if ahead is None:
            ahead = max(int(position) - 1, 0) if isinstance(position, int) else 0
        wait = body.get("estimated_wait_min")
        return cls(
            id=str(body["id"]),
            number=str(body["number"]),
            service=str(body["service"]),
            service_name_vi=str(body.get("service_name_vi") or body["service"]),
            service_name_en=str(body.get("service_name_en") or body.get("service_name_vi") or body["service"]),
            priority=body.get("priority"),
            issued_at=issued_at,
            people_ahead=int(ahead),
            estimated_wait_min=round(float(wait)) if wait is not None else 0,
            counters_vi=tuple(str(c) for c in body.get("counters_vi") or ()),
            counters_en=tuple(str(c) for c in body.get("counters_en") or ()),
            track_url=f"{track_base.rstrip('/')}/t/{body['id']}",
        )


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
    ticket: TicketInfo | None = None
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


class KioskFlow:
    """The kiosk's state machine; views read it, the controller drives it."""

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        defaults: Prefs,
        new_key: Callable[[], str],
        today: Callable[[], date],
        track_base: str,
        idle_timeout: float = 90.0,
        idle_warning: float = 20.0,
        done_seconds: float = 20.0,
        now: float = 0.0,
    ) -> None:
        self.catalogue = catalogue
        self.defaults = defaults
        self.prefs = defaults
        self._new_key = new_key
        self._today = today
        self.track_base = track_base
        self.idle_timeout = idle_timeout
        self.idle_warning = idle_warning
        self.done_seconds = done_seconds
        self.reading_floor = 0.0
        self.screen = Screen.WELCOME
        self.history: list[Screen] = []
        self._visits = 0
        self.visit = Visit(0)
        self.last_touch = now
        self.wipes = 0
        self._observers: list[Callable[[str], None]] = []

    # observers: callback(what) with what in {"screen", "prefs", "visit", "catalogue"}
    def observe(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(what)`` after every change."""
        self._observers.append(callback)

    def _changed(self, what: str) -> None:
        for callback in list(self._observers):
            callback(what)

    @property
    def lang(self) -> Literal["vi", "en"]:
        """The language of this visit."""
        return self.prefs.lang

    # navigation
    def go(self, screen: Screen, *, remember: bool = True) -> None:
        """Show ``screen``; the current one goes on the back stack."""
        if screen == self.screen:
            return
        if remember and self.screen not in (Screen.TICKET, Screen.DONE):
            self.history.append(self.screen)
        self.screen = screen
        self.visit.notice = None
        self._changed("screen")

    def back(self) -> None:
        """Go to the previous screen (the welcome screen when there is none)."""
        if self.visit.busy:
            return
        if self.screen in (Screen.TICKET, Screen.DONE):
            self.home()
            return
        previous = self.history.pop() if self.history else Screen.WELCOME
        if previous == Screen.WELCOME:
            self.home()
            return
        self.screen = previous
        self.visit.notice = None
        self._changed("screen")

    def home(self) -> None:
        """End the visit: forget everything the citizen entered, reset the preferences, show welcome."""
        if self.visit.form is not None:
            self.visit.form.wipe()
        if self.visit.feedback is not None:
            self.visit.feedback.wipe()
        self.visit.query.clear()
        self._visits += 1
        self.visit = Visit(self._visits)
        self.prefs = self.defaults
        self.history.clear()
        self.screen = Screen.WELCOME
        self.reading_floor = 0.0
        self._changed("prefs")
        self._changed("screen")

    def start(self) -> None:
        """Tap to start: the start menu."""
        self.go(Screen.START)

    # preferences
    def toggle_lang(self) -> None:
        """Vietnamese <-> English."""
        self.prefs = replace(self.prefs, lang="en" if self.prefs.lang == "vi" else "vi")
        self._changed("prefs")

    def set_lang(self, lang: Literal["vi", "en"]) -> None:
        """Choose the language."""
        self.prefs = replace(self.prefs, lang=lang)
        self._changed("prefs")

    def toggle_large_text(self) -> None:
        """Large text on/off."""
        self.prefs = replace(self.prefs, large_text=not self.prefs.large_text)
        self._changed("prefs")

    def toggle_contrast(self) -> None:
        """High contrast on/off."""
        self.prefs = replace(self.prefs, high_contrast=not self.prefs.high_contrast)
        self._changed("prefs")

    # catalogue
    def set_catalogue(self, catalogue: Catalogue) -> None:
        """A fresher catalogue arrived (or the cache was loaded)."""
        self.catalogue = catalogue
        self._changed("catalogue")

    # priority and services
    def open_priority(self) -> None:
        """Show the priority categories."""
        self.go(Screen.PRIORITY)

    def choose_priority(self, code: str) -> None:
        """The citizen's priority category; then pick a service."""
        self.visit.priority = code
        self.go(Screen.SERVICES)

    def open_services(self) -> None:
        """Just take a ticket: the service tiles."""
        self.go(Screen.SERVICES)

    # browsing
    def open_fields(self) -> None:
        """Browse procedures by field."""
        self.go(Screen.FIELDS)

    def choose_field(self, code: str) -> None:
        """The procedures of one field."""
        self.visit.field_code = code
        self.go(Screen.PROCEDURES)

    def open_search(self) -> None:
        """Type to search."""
        self.go(Screen.SEARCH)

    def search_key(self, key: str) -> None:
        """A key of the search keyboard (``\\b`` backspace, ``\\x00`` clear)."""
        if key == "\b":
            self.visit.query.backspace()
        elif key == "\x00":
            self.visit.query.clear()
        elif key == " ":
            self.visit.query.space()
        else:
            self.visit.query.press(key)
        self._changed("visit")

    def set_results(self, query: str, results: list[ProcedureSummary], *, offline: bool) -> None:
        """Search results for ``query`` (ignored if the citizen has typed on since)."""
        if query.strip() != self.visit.query.text.strip():
            return
        self.visit.results = tuple(results)
        self.visit.results_offline = offline
        self._changed("visit")

    def choose_procedure(self, code: str) -> None:
        """Open a procedure page; its detail comes from the cache or the server."""
        self.visit.procedure_code = code
        self.visit.detail = self.catalogue.details.get(code)
        self.visit.detail_missing = False
        self.go(Screen.PROCEDURE)

    def procedure_loaded(self, detail: ProcedureDetail | None) -> None:
        """The detail of the open procedure arrived (None: not available)."""
        if detail is None:
            self.visit.detail_missing = True
        elif detail.summary.code == self.visit.procedure_code:
            self.visit.detail = detail
            self.catalogue.details.setdefault(detail.summary.code, detail)
        self._changed("visit")

    def procedure_summary(self) -> ProcedureSummary | None:
        """The open procedure's summary."""
        if self.visit.detail is not None:
            return self.visit.detail.summary
        return self.catalogue.summary(self.visit.procedure_code or "")

    # the form
    def prepare_dossier(self) -> None:
        """Start (or resume) the form of the open procedure."""
        detail = self.visit.detail
        if detail is None or not detail.form:
            return
        if self.visit.form is None or self.visit.dossier_key is None:
            form = FormModel(detail.form_fields(), today=self._today())
            form.observe(lambda: self._changed("visit"))
            self.visit.form = form
            self.visit.dossier_key = self._new_key()
        self.go(Screen.FORM)

    def review(self) -> None:
        """Validate the current field and show the summary."""
        form = self.visit.form
        if form is None:
            return
        form.validate()  # stores the field being typed
        self.visit.error = None
        self.go(Screen.REVIEW)

    def edit(self) -> None:
        """Back to the form, at the first field that needs fixing."""
        form = self.visit.form
        if form is None:
            return
        index = form.first_error_index()
        form.go_to(index if index is not None else 0)
        if self.history and self.history[-1] == Screen.FORM:
            self.history.pop()
        self.screen = Screen.FORM
        self._changed("screen")

    def set_notice(self, key: str, **values: object) -> None:
        """A short message on the current screen (scan results, errors)."""
        self.visit.notice = (key, values)
        self._changed("visit")

    # tickets and dossiers
    def _ticket_request(self, service: str) -> TicketRequest:
        slot = (service, self.visit.priority)
        key = self.visit.ticket_keys.get(slot)
        if key is None:
            key = self._new_key()
            self.visit.ticket_keys[slot] = key
        return TicketRequest(self.visit.number, service, self.visit.priority, self.lang, key)

    def begin_ticket(self, service: str) -> TicketRequest | None:
        """A tap on a service: the request to send, or None while one is under way or already answered."""
        if self.visit.busy or self.visit.ticket is not None:
            return None
        request = self._ticket_request(service)
        self.visit.pending = request
        self.visit.error = None
        self._changed("visit")
        return request

    def begin_procedure_ticket(self) -> TicketRequest | None:
        """ "Just take a ticket" on a procedure page: its service."""
        summary = self.procedure_summary()
        return None if summary is None else self.begin_ticket(summary.service)

    def begin_submit(self) -> SubmitRequest | None:
        """Confirm on the review screen: ticket + dossier, or None if busy or the form is not valid."""
        form, summary = self.visit.form, self.procedure_summary()
        if self.visit.busy or form is None or summary is None or self.visit.dossier_key is None:
            return None
        if self.visit.receipt_code is not None:
            return None
        try:
            data = form.payload()
        except ValueError:
            return None
        ticket = self.visit.ticket
        request = SubmitRequest(
            self.visit.number,
            self._ticket_request(summary.service),
            summary.code,
            data,
            self.visit.dossier_key,
            ticket.id if ticket is not None else None,
        )
        self.visit.pending = request
        self.visit.error = None
        self._changed("visit")
        return request

    def retry(self) -> TicketRequest | SubmitRequest | None:
        """Try the failed request again, with the same keys."""
        if self.visit.busy:
            return None
        if self.visit.form is not None and self.visit.receipt_code is None and self.visit.dossier_key is not None:
            request = self.begin_submit()
            if request is not None:
                self.go(Screen.REVIEW, remember=False)
            return request
        slot = next(iter(self.visit.ticket_keys), None)
        if slot is None or self.visit.ticket is not None:
            return None
        return self.begin_ticket(slot[0])

    def ticket_issued(self, visit: int, ticket: TicketInfo) -> bool:
        """The server issued a ticket; False if the visit is over (the caller logs it)."""
        if visit != self.visit.number:
            return False
        self.visit.ticket = ticket
        self.visit.printer = "printing"
        if isinstance(self.visit.pending, TicketRequest):
            self.visit.pending = None
            self.visit.error = None
            self.go(Screen.TICKET)
        return True

    def dossier_submitted(self, visit: int, receipt_code: str) -> bool:
        """The dossier was accepted; the ticket (already issued) now carries its receipt code."""
        if visit != self.visit.number:
            return False
        self.visit.receipt_code = receipt_code
        self.visit.pending = None
        self.visit.error = None
        self.visit.printer = "printing"
        self.go(Screen.TICKET)
        return True

    def request_failed(self, visit: int, message_vi: str, message_en: str) -> None:
        """The request failed after its retries: say so plainly; a retry uses the same key."""
        if visit != self.visit.number:
            return
        failed = self.visit.pending
        self.visit.pending = None
        self.visit.error = (message_vi, message_en)
        if isinstance(failed, SubmitRequest):
            self._changed("visit")  # the review screen shows the error and a retry button
        else:
            self.go(Screen.TICKET)

    def printed(self, visit: int, *, ok: bool, reason: str | None = None) -> None:
        """The printer's outcome for this visit's ticket."""
        if visit != self.visit.number:
            return
        self.visit.printer = "printed" if ok else "fault"
        self.visit.printer_reason = reason
        self._changed("visit")

    def finish(self, now: float) -> None:
        """ "Done" on the ticket screen."""
        self.last_touch = now
        self.go(Screen.DONE, remember=False)

    # feedback: "rate our service" by the number on the slip
    @property
    def feedback_thanks(self) -> bool:
        """The feedback screen is thanking the citizen (it goes back to welcome by itself)."""
        feedback = self.visit.feedback
        return self.screen == Screen.FEEDBACK and feedback is not None and feedback.stage == "thanks"

    def open_feedback(self) -> None:
        """Rate our service: type the ticket number first."""
        if self.visit.feedback is None:
            self.visit.feedback = KioskFeedback()
        self.go(Screen.FEEDBACK)

    def _feedback_stage(self, stage: FeedbackStage) -> None:
        if self.visit.feedback is not None and not self.visit.busy:
            self.visit.feedback.stage = stage
            self.visit.error = None
            self._changed("visit")

    def feedback_key(self, key: str) -> None:
        """A key of the ticket-number pad."""
        feedback = self.visit.feedback
        if feedback is not None and feedback.stage == "number":
            feedback.press(key)
            self.visit.error = None
            self._changed("visit")

    def feedback_number_done(self) -> bool:
        """ "Next" under the pad: on to the rating when the number looks like one (else say how it looks)."""
        feedback = self.visit.feedback
        if feedback is None or feedback.stage != "number":
            return False
        if not valid_number(feedback.number):
            self.set_notice("feedback_number_invalid")
            return False
        self.visit.notice = None
        self._feedback_stage("rate")
        return True

    def feedback_rate(self, rating: str) -> None:
        """One of the four big buttons."""
        feedback = self.visit.feedback
        if feedback is not None and feedback.stage == "rate" and not self.visit.busy:
            feedback.choose(rating)
            self.visit.error = None
            self._changed("visit")

    def feedback_comment(self, *, open_: bool) -> None:
        """Show (or close) the comment keyboard; the comment is kept."""
        self._feedback_stage("comment" if open_ else "rate")

    def feedback_comment_key(self, key: str) -> None:
        """A key of the comment keyboard."""
        feedback = self.visit.feedback
        if feedback is not None and feedback.stage == "comment":
            feedback.comment_key(key)
            self._changed("visit")

    def feedback_back(self) -> None:
        """From the rating back to the number pad."""
        self._feedback_stage("number")

    def begin_feedback(self) -> FeedbackRequest | None:
        """ "Send": the request (same key on a retry), or None while one is under way or nothing is chosen."""
        feedback = self.visit.feedback
        if feedback is None or self.visit.busy or feedback.stage not in ("rate", "comment"):
            return None
        if feedback.rating is None:
            self.set_notice("feedback_need_rating")
            return None
        request = feedback.request(self.visit.number, self.lang, self._new_key)
        if request is None:
            return None
        feedback.stage = "rate"
        self.visit.pending = request
        self.visit.error = None
        self.visit.notice = None
        self._changed("visit")
        return request

    def feedback_sent(self, visit: int, now: float) -> bool:
        """The server stored the rating: thank, forget the number, rating and comment."""
        feedback = self.visit.feedback
        if visit != self.visit.number or feedback is None:
            return False
        self.visit.pending = None
        self.visit.error = None
        feedback.wipe()
        feedback.stage = "thanks"
        self.last_touch = now
        self._changed("visit")
        return True

    def feedback_failed(self, visit: int, message_vi: str, message_en: str) -> None:
        """Sending failed: say why plainly, on the rating screen; "Send" again retries with the same key."""
        if visit != self.visit.number:
            return
        self.visit.pending = None
        self.visit.error = (message_vi, message_en)
        self._changed("visit")

    # idle timer
    def touch(self, now: float) -> None:
        """The citizen touched the screen."""
        self.last_touch = now

    def timeout(self) -> float:
        """Seconds of inactivity before the visit is wiped on this screen (never less than its reading time)."""
        if self.screen == Screen.DONE or self.feedback_thanks:
            return max(self.done_seconds, self.reading_floor)
        return max(self.idle_timeout, self.reading_floor + self.idle_warning)

    def idle(self, now: float) -> IdleState | None:
        """The idle state at ``now``: None on the welcome screen (nothing to wipe)."""
        if self.screen == Screen.WELCOME:
            return None
        left = self.timeout() - (now - self.last_touch)
        warn = self.screen != Screen.DONE and not self.feedback_thanks and left <= self.idle_warning
        return IdleState(warning=warn, seconds_left=max(left, 0.0))

    def tick(self, now: float) -> IdleState | None:
        """Advance the idle timer; wipes the visit (back to welcome) when it runs out."""
        if self.visit.busy:
            self.last_touch = max(self.last_touch, now - 1.0)  # never wipe a visit mid-request
        state = self.idle(now)
        if state is not None and state.seconds_left <= 0:
            self.wipes += 1
            self.home()
            return None
        return state
