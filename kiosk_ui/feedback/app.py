"""The feedback tablet app: wiring of settings, HTTP link, view-model and view.

Server answers arrive on the link's threads and are applied on the Kivy thread
(``Clock.schedule_once``); the view-model decides, the view renders.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock

from kiosk_ui.core.feedback_flow import FeedbackFlow
from kiosk_ui.feedback.link import FeedbackLink, SubmitOutcome
from kiosk_ui.feedback.settings import TabletSettings
from kiosk_ui.feedback.views import FeedbackView, load_kv
from kiosk_ui.window_setup import tune_rendering

logger = logging.getLogger(__name__)


class _Raise(ExceptionHandler):  # type: ignore[misc]
    """A bug in a callback must fail loudly in development and tests, not hide behind a frozen screen."""

    def handle_exception(self, exception: BaseException) -> Any:
        return ExceptionManager.RAISE


class FeedbackApp(App):  # type: ignore[misc]
    """The counter-side feedback tablet."""

    def __init__(
        self,
        settings: TabletSettings,
        *,
        now: Callable[[], datetime] | None = None,
        link: FeedbackLink | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.title = f"motcua feedback (counter {settings.counter})"
        self._now = now or (lambda: datetime.now(UTC))
        self.flow = FeedbackFlow(
            settings.counter,
            lang=settings.lang,
            idle_timeout=timedelta(seconds=settings.idle_seconds),
            thanks_for=timedelta(seconds=settings.thanks_seconds),
            keyboard_mode=settings.keyboard,
        )
        self.link = link or FeedbackLink(
            settings.server,
            settings.token,
            settings.counter,
            timeout=settings.timeout,
            poll_seconds=settings.poll_seconds,
        )
        self.view: FeedbackView
        self.submissions: list[SubmitOutcome] = []  # what the server answered (tests, diagnostics)

    def build(self) -> FeedbackView:
        """Create the view and bind it to the view-model."""
        ExceptionManager.add_handler(_Raise())
        tune_rendering()
        load_kv()
        self.view = FeedbackView(self._tap)
        self.flow.observe(lambda: self.view.refresh(self.flow.texts()))
        self.view.refresh(self.flow.texts())
        return self.view

    def _tap(self, name: str) -> None:
        now = self._now()
        flow = self.flow
        if name == "lang":
            flow.toggle_lang(now)
        elif name == "comment":
            flow.open_comment(now)
        elif name == "submit":
            self.submit()
        elif name.startswith("face:"):
            flow.choose(name[5:], now)
        elif name.startswith("crit:"):
            _prefix, code, rating = name.split(":")
            flow.choose_criterion(code, rating, now)
        elif name == "key:done":
            flow.close_comment(now)
        elif name == "key:mode":
            flow.toggle_keyboard_mode(now)
        elif name.startswith("key:"):
            flow.key(name[4:], now)

    def submit(self) -> None:
        """Send the rating (the same Idempotency-Key on every retry of this visit)."""
        request = self.flow.begin_submit(self._now(), lambda: uuid.uuid4().hex)
        if request is not None:
            self.link.submit_async(request, lambda outcome: Clock.schedule_once(lambda _dt: self._done(outcome), 0))

    def _done(self, outcome: SubmitOutcome) -> None:
        self.submissions.append(outcome)
        if outcome.stored:
            self.flow.submitted(self._now())
        else:
            self.flow.submit_failed(outcome.message_vi, outcome.message_en, self._now(), retryable=outcome.retryable)

    def _answer(self, payload: dict[str, Any] | None) -> None:
        Clock.schedule_once(lambda _dt: self.flow.on_last_served(payload, self._now()), 0)

    def on_start(self) -> None:
        """Poll the server and tick the view-model's timers."""
        from motcua.runtime.sdnotify import ping_from_ui_loop

        self.link.start_polling(self._answer)
        Clock.schedule_interval(lambda _dt: self.flow.tick(self._now()), 0.5)
        ping_from_ui_loop(Clock.schedule_interval)  # systemd Type=notify + WatchdogSec (firmware_configs)

    def on_stop(self) -> None:
        """Stop polling."""
        self.link.stop()
