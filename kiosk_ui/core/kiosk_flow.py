"""The visit's state machine: which screen, what the citizen chose, the ticket, the idle timer.

Pure: no widgets, no I/O; time is passed in (monotonic seconds). The controller asks it for a
request (:meth:`KioskFlow.begin_ticket`, :meth:`KioskFlow.begin_submit`), performs it off the UI
thread, and reports the outcome back. A request carries an idempotency key made once per visit
and intent, so a retry, or a second tap on the same button, never yields a second ticket.

Privacy: the form (names, ID numbers) lives in :attr:`Visit.form` only; :meth:`KioskFlow.home`
and the idle timeout drop the whole visit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Literal

from kiosk_ui.core.kiosk_catalogue import Catalogue, ProcedureDetail, ProcedureSummary
from kiosk_ui.core.kiosk_flow_feedback import FeedbackSteps
from kiosk_ui.core.kiosk_form import FormModel
from kiosk_ui.core.kiosk_idle import IdleTimer
from kiosk_ui.core.kiosk_visit import (
    IdleState,
    Prefs,
    Screen,
    SubmitRequest,
    TicketRequest,
    TicketView,
    Visit,
)

__all__ = [
    "IdleState",
    "KioskFlow",
    "Prefs",
    "Screen",
    "SubmitRequest",
    "TicketRequest",
    "TicketView",
    "Visit",
]


class KioskFlow(FeedbackSteps, IdleTimer):
    """The kiosk's state machine; views read it, the controller drives it (feedback and idle timer: mixins)."""

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
        form = self.visit.form
        if self.screen == Screen.FORM and form is not None and not form.at_first:
            form.previous()  # a page back, what was typed kept
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
        fields = detail.form_fields()
        if self.visit.form is not None and self.visit.form.fields != fields:  # another procedure's form
            self.visit.form.wipe()
            self.visit.form, self.visit.dossier_key = None, None
        if self.visit.form is None or self.visit.dossier_key is None:
            form = FormModel(fields, today=self._today())
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

    def ticket_issued(self, visit: int, ticket: TicketView) -> bool:
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
