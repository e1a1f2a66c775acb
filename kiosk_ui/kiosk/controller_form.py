"""The form and dossier taps of the kiosk controller: keys, fields, steps, the CCCD scan, the submission.

A mixin of :class:`kiosk_ui.kiosk.controller.KioskController`, which owns the flow, the settings,
the workers and the adapters; nothing a citizen types or scans is logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from kiosk_ui.core.kiosk_flow import KioskFlow, SubmitRequest, TicketView
from kiosk_ui.core.telex import MODES
from kiosk_ui.kiosk.backend import KioskBackend, scan_identity
from kiosk_ui.kiosk_settings import KioskSettings

__all__ = ["FormActions"]

logger = logging.getLogger("kiosk_ui.kiosk.controller")
T = TypeVar("T")


class FormActions:
    """Taps on the form and review screens."""

    flow: KioskFlow
    settings: KioskSettings
    backend: KioskBackend
    _scan_stop: threading.Event

    def _touch(self) -> None:  # pragma: no cover - the controller defines it
        raise NotImplementedError

    def _run(
        self, pool: str, work: Callable[[], T], done: Callable[[T], None], failed: Callable[[Exception], None]
    ) -> None:  # pragma: no cover - the controller defines it
        raise NotImplementedError

    def _print(self, visit: int) -> None:  # pragma: no cover - the controller defines it
        raise NotImplementedError

    def _failed(self, visit: int, exc: Exception) -> None:  # pragma: no cover - the controller defines it
        raise NotImplementedError

    def prepare_dossier(self) -> None:
        """Open the procedure's form (text fields start in the kiosk's keyboard mode)."""
        self._touch()
        self.flow.prepare_dossier()
        form = self.flow.visit.form
        if form is not None and form.default_mode != self.settings.keyboard_mode and not form.values:
            form.set_default_mode(self.settings.keyboard_mode)

    def form_key(self, key: str) -> None:
        """A key of the form keyboard."""
        self._touch()
        form = self.flow.visit.form
        if form is None:
            return
        if key == "\b":
            form.backspace()
        elif key == "\x00":
            form.clear_field()
        elif key == "shift":
            form.toggle_shift()
        elif key.startswith("mode:"):
            mode = key.split(":", 1)[1]
            if mode in MODES:
                form.set_mode(mode)
        else:
            form.press(key)

    def form_choose(self, value: str) -> None:
        """An option of a choice field."""
        self._touch()
        if self.flow.visit.form is not None:
            self.flow.visit.form.choose(value)

    def form_focus(self, index: int) -> None:
        """A tap on a field of the step: type into it."""
        self._touch()
        form = self.flow.visit.form
        if form is not None and index in form.page:
            form.go_to(index)

    def form_next(self) -> None:
        """The step's next empty required field, else the next step, or the review after the last one."""
        self._touch()
        form = self.flow.visit.form
        if form is None:
            return
        leaving_last = form.at_last and form.next_leaves_page
        if form.next() and leaving_last:
            self.flow.review()

    def form_prev(self) -> None:
        """The previous step (what was typed is kept)."""
        self._touch()
        if self.flow.visit.form is not None:
            self.flow.visit.form.previous()

    def edit_form(self) -> None:
        """From the review back to the form."""
        self._touch()
        self.flow.edit()

    def scan_cccd(self) -> None:
        """Read the ID card's QR with the camera and pre-fill the form (in memory only)."""
        self._touch()
        form = self.flow.visit.form
        if form is None:
            return
        self._scan_stop.clear()
        visit = self.flow.visit.number
        self.flow.set_notice("form_scanning")

        def done(identity: Any) -> None:
            if visit != self.flow.visit.number or self.flow.visit.form is not form:
                return  # the visit ended while scanning: drop the identity
            if identity is None:
                self.flow.set_notice("form_scan_none")
                return
            count = form.apply_identity(identity)
            logger.info("CCCD read; %d fields pre-filled", count)
            self.flow.set_notice("form_scanned", n=count)

        def failed(exc: Exception) -> None:
            logger.warning("camera unavailable: %s", type(exc).__name__)
            if visit == self.flow.visit.number:
                self.flow.set_notice("form_camera_missing")

        source, timeout = self.settings.camera_source(), self.settings.camera_timeout_s
        self._run("camera", lambda: scan_identity(source, timeout, self._scan_stop.is_set), done, failed)

    def submit(self) -> None:
        """Confirm: take the ticket (same key on retry), then submit the dossier tied to it."""
        self._touch()
        request = self.flow.begin_submit()
        if request is not None:
            self._send_submit(request)

    def _send_submit(self, request: SubmitRequest) -> None:
        def work() -> tuple[TicketView | None, str]:
            ticket = None
            ticket_id = request.ticket_id
            if ticket_id is None:
                ticket = self.backend.issue_ticket(
                    request.ticket.service, request.ticket.priority, request.ticket.lang, request.ticket.key
                )
                ticket_id = ticket.id
            try:
                receipt = self.backend.submit_dossier(request.procedure_code, ticket_id, request.data, request.key)
            except Exception as exc:
                exc.kiosk_ticket = ticket  # type: ignore[attr-defined]  # keep the issued ticket for the retry
                raise
            return ticket, receipt

        def done(result: tuple[TicketView | None, str]) -> None:
            ticket, receipt = result
            self.online = True
            if ticket is not None:
                self.flow.ticket_issued(request.visit, ticket)
            if self.flow.dossier_submitted(request.visit, receipt):
                logger.info("dossier submitted for %s", request.procedure_code)
                self._print(request.visit)

        def failed(exc: Exception) -> None:
            ticket = getattr(exc, "kiosk_ticket", None)
            if ticket is not None:
                self.flow.ticket_issued(request.visit, ticket)
            self._failed(request.visit, exc)

        self._run("net", work, done, failed)
