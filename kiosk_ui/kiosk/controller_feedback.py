"""The "rate our service" taps of the kiosk controller: the number pad, the ratings, the comment, sending.

A mixin of :class:`kiosk_ui.kiosk.controller.KioskController`; a retry reuses the request's idempotency key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from kiosk_ui.client import ClientError, ServerUnavailable
from kiosk_ui.core.kiosk_flow import KioskFlow
from kiosk_ui.kiosk.backend import KioskBackend

__all__ = ["FeedbackActions"]

logger = logging.getLogger("kiosk_ui.kiosk.controller")
T = TypeVar("T")


class FeedbackActions:
    """Taps on the feedback screen."""

    flow: KioskFlow
    backend: KioskBackend
    online: bool
    app: Any

    def _touch(self) -> None:  # pragma: no cover - the controller defines it
        raise NotImplementedError

    def now(self) -> float:  # pragma: no cover - the controller defines it
        raise NotImplementedError

    def _run(
        self, pool: str, work: Callable[[], T], done: Callable[[T], None], failed: Callable[[Exception], None]
    ) -> None:  # pragma: no cover - the controller defines it
        raise NotImplementedError

    def open_feedback(self) -> None:
        """ "Rate our service" on the welcome screen."""
        self._touch()
        self.flow.open_feedback()

    def feedback_key(self, key: str) -> None:
        """A key of the ticket-number pad."""
        self._touch()
        self.flow.feedback_key(key)

    def feedback_next(self) -> None:
        """ "Next" under the number pad."""
        self._touch()
        self.flow.feedback_number_done()

    def feedback_rate(self, rating: str) -> None:
        """One of the four big rating buttons."""
        self._touch()
        self.flow.feedback_rate(rating)

    def feedback_comment(self, open_: bool = True) -> None:
        """Open or close the comment keyboard."""
        self._touch()
        self.flow.feedback_comment(open_=open_)

    def feedback_comment_key(self, key: str) -> None:
        """A key of the comment keyboard."""
        self._touch()
        self.flow.feedback_comment_key(key)

    def feedback_back(self) -> None:
        """Back to the number pad."""
        self._touch()
        self.flow.feedback_back()

    def send_feedback(self) -> None:
        """ "Send": one request however often it is tapped; a retry reuses its idempotency key."""
        self._touch()
        request = self.flow.begin_feedback()
        if request is None:
            return

        def done(_stored: dict[str, Any]) -> None:
            self.online = True
            if self.flow.feedback_sent(request.visit, self.now()):
                logger.info("feedback stored for ticket %s", request.body.get("number"))

        def failed(exc: Exception) -> None:
            if isinstance(exc, ServerUnavailable):
                self.online = False
                self.app.refresh_banner()
            if isinstance(exc, ClientError):
                logger.warning("feedback failed: %s", type(exc).__name__)
                self.flow.feedback_failed(request.visit, exc.message_vi, exc.message_en)
            else:
                logger.error("feedback failed unexpectedly: %s", type(exc).__name__)
                self.flow.feedback_failed(request.visit, "Lỗi không mong muốn", "Unexpected error")

        self._run("net", lambda: self.backend.submit_feedback(request.body, request.key), done, failed)
