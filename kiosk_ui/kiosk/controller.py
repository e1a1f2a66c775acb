"""The kiosk's controller: views call it, it drives the flow (pure) and runs I/O on worker threads.

Threads: ``net`` (tickets, dossiers), ``bg`` (catalogue, search, procedure pages), ``print`` and
``camera``. Results come back to the Kivy thread through ``Clock.schedule_once``. Logs carry
screen names, ticket numbers and error kinds, never what a citizen typed or scanned.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Any, TypeVar

from kivy.clock import Clock

from kiosk_ui.client import ClientError, ServerUnavailable
from kiosk_ui.core.kiosk_catalogue import Catalogue
from kiosk_ui.core.kiosk_flow import KioskFlow, Prefs, Screen, SubmitRequest, TicketRequest, TicketView
from kiosk_ui.core.kiosk_text import t
from kiosk_ui.core.telex import MODES
from kiosk_ui.kiosk.backend import CatalogueSource, KioskBackend, TicketPrinter, slip_for
from kiosk_ui.kiosk.controller_feedback import FeedbackActions
from kiosk_ui.kiosk.controller_form import FormActions
from kiosk_ui.kiosk_settings import KioskSettings

__all__ = ["KioskController"]

logger = logging.getLogger(__name__)
T = TypeVar("T")
REFRESH_OK_S = 600.0
REFRESH_RETRY_S = 30.0


class KioskController(FormActions, FeedbackActions):
    """Everything a tap can do; owns the flow and the workers (the form's and feedback's taps: the mixins)."""

    def __init__(
        self,
        app: Any,
        settings: KioskSettings,
        *,
        source: CatalogueSource,
        backend: KioskBackend,
        printer: TicketPrinter,
        voice: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.settings = settings
        self.source = source
        self.backend = backend
        self.printer = printer
        self.voice = voice
        self._clock = clock
        self.offset = 0.0  # tests and demos move the kiosk's clock forward
        self.online = True
        self.last_heard: float | None = None  # the kiosk's clock when the server last answered
        self.inflight = 0
        self._lock = threading.Lock()
        self._pools = {
            name: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"kiosk-{name}")
            for name in ("net", "bg", "print", "camera", "probe")
        }
        self._scan_stop = threading.Event()
        self._search_trigger = Clock.create_trigger(lambda _dt: self._search_now(), 0.3)
        self.flow = KioskFlow(
            Catalogue(),
            defaults=Prefs(lang=settings.lang, large_text=settings.large_text, high_contrast=settings.high_contrast),
            new_key=lambda: str(uuid.uuid4()),
            today=date.today,
            track_base=settings.track_base,
            idle_timeout=settings.idle_timeout_s,
            idle_warning=settings.idle_warning_s,
            done_seconds=settings.done_seconds,
            now=self.now(),
        )

    # plumbing
    def now(self) -> float:
        """The kiosk's monotonic clock, in seconds."""
        return self._clock() + self.offset

    def t(self, key: str, **values: object) -> str:
        """Catalogue text in the visit's language."""
        return t(key, self.flow.lang, **values)

    def _run(
        self, pool: str, work: Callable[[], T], done: Callable[[T], None], failed: Callable[[Exception], None]
    ) -> None:
        """Run ``work`` on a worker; ``done(result)`` or ``failed(exc)`` on the Kivy thread."""
        with self._lock:
            self.inflight += 1

        def finish(future: Future[T]) -> None:
            try:
                result = future.result()
            except Exception as exc:
                Clock.schedule_once(lambda _dt, e=exc: self._settle(lambda: failed(e)), 0)
                return
            Clock.schedule_once(lambda _dt: self._settle(lambda: done(result)), 0)

        self._pools[pool].submit(work).add_done_callback(finish)

    def _settle(self, callback: Callable[[], None]) -> None:
        try:
            callback()
        finally:
            with self._lock:
                self.inflight -= 1

    def _touch(self) -> None:
        self.flow.touch(self.now())

    def shutdown(self) -> None:
        """Stop the workers and close connections."""
        self._scan_stop.set()
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)
        if self.voice is not None:
            self.voice.shutdown()
        self.backend.close()
        self.source.close()

    # catalogue
    def load_catalogue(self) -> None:
        """The cache at once (so browsing works offline), then a refresh from the server in the background."""
        self._pools["print"].submit(self.printer.warm_up)
        cached = self.source.load_cache()
        if cached is not None:
            self.flow.set_catalogue(cached)
        self.refresh_catalogue()
        Clock.schedule_interval(lambda _dt: self.probe(), self.settings.server_probe_s)

    def heard(self) -> None:
        """The server answered: back online (the banner goes)."""
        self.last_heard = self.now()
        if not self.online:
            self.online = True
            self.app.refresh_banner()

    def unheard(self) -> None:
        """The server did not answer: offline once nothing was heard for ``server_silence_s`` (or ever)."""
        silent = self.last_heard is None or self.now() - self.last_heard >= self.settings.server_silence_s
        if silent and self.online:
            self.online = False
            self.app.refresh_banner()

    def probe(self) -> None:
        """Ask the server whether it is there (its health endpoint), on a thread of its own."""
        self._run(
            "probe", self.source.ping, lambda ok: self.heard() if ok else self.unheard(), lambda _e: self.unheard()
        )

    def refresh_catalogue(self) -> None:
        """Fetch the public catalogue; on failure keep what we have and try again later."""

        def done(catalogue: Catalogue | None, *, complete: bool) -> None:
            if catalogue is None:
                Clock.schedule_once(lambda _dt: self.refresh_catalogue(), REFRESH_RETRY_S)
                self.unheard()  # offline at once before the server was ever heard, else after the silence
                return
            self.online = True
            self.last_heard = self.now()
            if complete or not self.flow.catalogue.details:
                self.flow.set_catalogue(catalogue)
            self.app.refresh_banner()
            if complete:
                Clock.schedule_once(lambda _dt: self.refresh_catalogue(), REFRESH_OK_S)
                return
            # The lists are on screen; now every procedure page, for offline browsing and the cache.
            self._run(
                "bg",
                lambda: self.source.refresh(with_details=True),
                lambda full: done(full, complete=True),
                lambda _exc: done(None, complete=True),
            )

        self._run(
            "bg",
            lambda: self.source.refresh(with_details=False),
            lambda lists: done(lists, complete=False),
            lambda _exc: done(None, complete=False),
        )

    # toolbar
    def home(self) -> None:
        """End the visit (wipes it)."""
        self._scan_stop.set()
        self.flow.home()

    def back(self) -> None:
        """Previous screen."""
        self._touch()
        self.flow.back()

    def toggle_lang(self) -> None:
        """Vietnamese / English."""
        self._touch()
        self.flow.toggle_lang()

    def set_lang(self, lang: str) -> None:
        """Choose the language."""
        self._touch()
        self.flow.set_lang("en" if lang == "en" else "vi")

    def toggle_large_text(self) -> None:
        """Large text on/off."""
        self._touch()
        self.flow.toggle_large_text()

    def toggle_contrast(self) -> None:
        """High contrast on/off."""
        self._touch()
        self.flow.toggle_contrast()

    def listen(self) -> None:
        """Read the current screen's instruction aloud."""
        self._touch()
        view = self.app.current_view()
        if self.voice is not None and view is not None:
            self.voice.say(view.say_key, view.instruction(), self.flow.lang)

    # navigation
    def start(self) -> None:
        """Tap to start."""
        self._touch()
        self.flow.start()

    def open_priority(self) -> None:
        """The priority categories."""
        self._touch()
        self.flow.open_priority()

    def choose_priority(self, code: str) -> None:
        """A priority category."""
        self._touch()
        self.flow.choose_priority(code)

    def open_services(self) -> None:
        """Just a ticket."""
        self._touch()
        self.flow.open_services()

    def open_fields(self) -> None:
        """Browse procedures."""
        self._touch()
        self.flow.open_fields()

    def choose_field(self, code: str) -> None:
        """A field's procedures."""
        self._touch()
        self.flow.choose_field(code)

    def open_search(self) -> None:
        """Search by typing."""
        self._touch()
        self.flow.open_search()

    def search_key(self, key: str) -> None:
        """A key of the search keyboard; the search runs shortly after the last key."""
        self._touch()
        if key == "shift":
            self.flow.visit.query.toggle_shift()
            self.flow._changed("visit")
            return
        if key.startswith("mode:"):
            mode = key.split(":", 1)[1]
            if mode in MODES:
                self.flow.visit.query.set_mode(mode)
                self.flow._changed("visit")
            return
        self.flow.search_key(key)
        self._search_trigger()

    def _search_now(self) -> None:
        query = self.flow.visit.query.text.strip()
        if not query:
            self.flow.set_results("", [], offline=False)
            return
        catalogue = self.flow.catalogue
        self._run(
            "bg",
            lambda: self.source.search(query, catalogue),
            lambda found: self.flow.set_results(query, found[0], offline=found[1]),
            lambda exc: logger.warning("search failed: %s", type(exc).__name__),
        )

    def choose_procedure(self, code: str) -> None:
        """Open a procedure page (its detail from the cache, else the server)."""
        self._touch()
        self.flow.choose_procedure(code)
        if self.flow.visit.detail is None:
            self._run("bg", lambda: self.source.procedure(code), self.flow.procedure_loaded, lambda exc: None)

    # tickets
    def take_ticket(self, service: str) -> None:
        """A service tile: issue the ticket (a second tap while it is under way does nothing)."""
        self._touch()
        request = self.flow.begin_ticket(service)
        if request is not None:
            self._send_ticket(request)

    def procedure_ticket(self) -> None:
        """ "Just take a ticket" on a procedure page."""
        self._touch()
        request = self.flow.begin_procedure_ticket()
        if request is not None:
            self._send_ticket(request)

    def _failed(self, visit: int, exc: Exception) -> None:
        if isinstance(exc, ServerUnavailable):
            self.online = False
            self.app.refresh_banner()
        if isinstance(exc, ClientError):
            logger.warning("request failed: %s", type(exc).__name__)
            self.flow.request_failed(visit, exc.message_vi, exc.message_en)
        else:
            logger.error("request failed unexpectedly: %s", type(exc).__name__)
            self.flow.request_failed(visit, "Lỗi không mong muốn", "Unexpected error")

    def _send_ticket(self, request: TicketRequest) -> None:
        def done(ticket: TicketView) -> None:
            self.heard()
            logger.info("ticket %s issued (service %s, priority %s)", ticket.number, ticket.service, ticket.priority)
            if self.flow.ticket_issued(request.visit, ticket):
                self._print(request.visit)
            else:
                logger.warning("ticket %s issued after its visit ended", ticket.number)

        self._run(
            "net",
            lambda: self.backend.issue_ticket(request.service, request.priority, request.lang, request.key),
            done,
            lambda exc: self._failed(request.visit, exc),
        )

    def _print(self, visit: int) -> None:
        ticket = self.flow.visit.ticket
        if ticket is None:
            return
        slip = slip_for(
            ticket,
            centre_name=self.settings.centre_name,
            lang=self.flow.lang,
            catalogue=self.flow.catalogue,
            receipt_code=self.flow.visit.receipt_code,
        )
        self._run(
            "print",
            lambda: self.printer.print_slip(slip),
            lambda reason: self.flow.printed(visit, ok=reason is None, reason=reason),
            lambda exc: self.flow.printed(visit, ok=False, reason="write_failed"),
        )

    def retry(self) -> None:
        """Try the failed ticket or dossier again (same idempotency keys)."""
        self._touch()
        request = self.flow.retry()
        if isinstance(request, TicketRequest):
            self._send_ticket(request)
        elif isinstance(request, SubmitRequest):
            self._send_submit(request)

    def finish(self) -> None:
        """ "Done" on the ticket screen (or "start page" after a failure)."""
        if self.flow.visit.ticket is None:
            self.home()
            return
        self.flow.finish(self.now())

    # idle
    def tick(self) -> None:
        """Twice a second: advance the idle timer (the app shows the countdown)."""
        was = self.flow.screen
        state = self.flow.tick(self.now())
        if was != Screen.WELCOME and self.flow.screen == Screen.WELCOME:
            self._scan_stop.set()
            logger.info("visit wiped after inactivity on %s", was.value)
        self.app.show_idle(state)
