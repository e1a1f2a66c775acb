"""The tablet's calls to the site server, off the Kivy thread: poll "last served", submit feedback.

Submissions are retried on connection errors, timeouts, 429 and 5xx with the SAME Idempotency-Key, so
one tap never stores two feedbacks. Request bodies (the comment) are never logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from kiosk_ui.core.feedback_flow import SubmitRequest
from motcua.runtime.warnonce import WarnOnce

logger = logging.getLogger(__name__)
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class SubmitOutcome:
    """How a submission ended: stored (also "already rated"), refused, or the server unreachable."""

    stored: bool
    retryable: bool = False
    code: str = ""
    message_vi: str = ""
    message_en: str = ""


class FeedbackLink:
    """HTTP client of the tablet; callbacks run on the link's threads (the app re-schedules them)."""

    def __init__(self, server: str, token: str, counter: str, *, timeout: float = 5.0, poll_seconds: float = 2.0):
        self.counter = counter
        self.poll_seconds = poll_seconds
        self._http = httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=timeout)
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._quiet = WarnOnce(logger)  # polling fails every poll_seconds while the server is away

    def last_served(self) -> dict[str, Any] | None:
        """The server's answer for this counter; None when unreachable or refused."""
        try:
            response = self._http.get(f"/api/v1/counters/{self.counter}/last-served")
        except httpx.HTTPError as exc:
            self._warn(f"last-served: {type(exc).__name__}")
            return None
        if response.status_code != 200:
            self._warn(f"last-served: HTTP {response.status_code}")
            return None
        self._quiet.recovered("feedback tablet reaches the server again")
        body = response.json()
        return body if isinstance(body, dict) else None

    def _warn(self, what: str) -> None:
        self._quiet.failed("feedback tablet cannot reach the server (%s)", what)

    def start_polling(self, on_answer: Callable[[dict[str, Any] | None], None]) -> None:
        """Poll every ``poll_seconds`` on a daemon thread until ``stop``."""

        def loop() -> None:
            while not self._stop.is_set():
                on_answer(self.last_served())
                self._stop.wait(self.poll_seconds)

        self._poller = threading.Thread(target=loop, name="feedback-poll", daemon=True)
        self._poller.start()

    def submit(self, request: SubmitRequest, attempts: int = 3) -> SubmitOutcome:
        """POST the feedback; retried with the same key; "already rated" counts as stored."""
        headers = {"Idempotency-Key": request.idempotency_key}
        for attempt in range(attempts):
            if attempt:
                time.sleep(min(0.25 * 2 ** (attempt - 1), 2.0))
            try:
                response = self._http.post("/api/v1/feedback", json=request.body, headers=headers)
            except httpx.HTTPError as exc:
                logger.warning("feedback submit attempt %d/%d: %s", attempt + 1, attempts, type(exc).__name__)
                continue
            if response.status_code in _RETRY_STATUS:
                logger.warning("feedback submit attempt %d/%d: HTTP %d", attempt + 1, attempts, response.status_code)
                continue
            if response.status_code < 300:
                return SubmitOutcome(True)
            try:
                body = response.json()
            except ValueError:
                body = {}
            code = str(body.get("code", f"http_{response.status_code}")) if isinstance(body, dict) else ""
            if code == "feedback_exists":
                return SubmitOutcome(True, code=code)
            return SubmitOutcome(
                False,
                code=code,
                message_vi=str(body.get("message_vi", "Không gửi được đánh giá.")),
                message_en=str(body.get("message_en", "The feedback was not accepted.")),
            )
        return SubmitOutcome(
            False,
            retryable=True,
            code="unavailable",
            message_vi="Mất kết nối máy chủ, xin thử lại",
            message_en="Cannot reach the server, please try again",
        )

    def submit_async(self, request: SubmitRequest, done: Callable[[SubmitOutcome], None]) -> None:
        """Submit on a worker thread; ``done`` runs there."""
        threading.Thread(target=lambda: done(self.submit(request)), name="feedback-submit", daemon=True).start()

    def stop(self) -> None:
        """Stop polling and close the connection pool."""
        self._stop.set()
        if self._poller is not None:
            self._poller.join(5)
        self._http.close()
