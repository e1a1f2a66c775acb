"""The kiosk's "rate our service" visit: ticket number → rating (→ comment) → sending → thanks.

Pure: no widgets, no I/O. It lives in the visit (:attr:`kiosk_flow.Visit.feedback`), so the visit
wipe drops the number, the rating and the comment with everything else. The scale and its labels
are the counter-side tablet's (:mod:`kiosk_ui.core.feedback_flow`, :mod:`kiosk_ui.core.feedback_text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from kiosk_ui.core.feedback_flow import COMMENT_LIMIT, SCALE_CODES
from kiosk_ui.core.telex import KeyboardModel

__all__ = ["NUMBER_MAX", "FeedbackRequest", "FeedbackStage", "KioskFeedback", "valid_number"]

FeedbackStage = Literal["number", "rate", "comment", "thanks"]
NUMBER_MAX: Final = 6
_NUMBER = re.compile(r"^[A-Z]{1,2}[0-9]{1,4}$")


def valid_number(number: str) -> bool:
    """A ticket number as printed: one or two service letters, then digits (A012)."""
    return bool(_NUMBER.match(number))


@dataclass(frozen=True)
class FeedbackRequest:
    """What to POST to /api/v1/feedback, for visit ``visit``, with the key that makes a retry safe."""

    visit: int
    body: dict[str, Any]
    key: str


@dataclass
class KioskFeedback:
    """What the citizen entered so far (in memory only)."""

    stage: FeedbackStage = "number"
    number: str = ""
    rating: str | None = None
    comment: KeyboardModel = field(default_factory=lambda: KeyboardModel("telex"))
    sent: FeedbackRequest | None = None  # the last request: reused (same key) while the body is unchanged

    def press(self, key: str) -> None:
        """A key of the number pad: a letter or digit, ``\\b`` backspace, ``\\x00`` clear."""
        if key == "\b":
            self.number = self.number[:-1]
        elif key == "\x00":
            self.number = ""
        elif len(key) == 1 and key.isalnum() and len(self.number) < NUMBER_MAX:
            self.number += key.upper()

    def comment_key(self, key: str) -> None:
        """A key of the comment keyboard (the form keyboard's keys)."""
        if key == "\b":
            self.comment.backspace()
        elif key == "\x00":
            self.comment.clear()
        elif key == "shift":
            self.comment.toggle_shift()
        elif key.startswith("mode:"):
            mode = key.split(":", 1)[1]
            if mode in ("telex", "vni", "plain"):
                self.comment.set_mode(mode)  # type: ignore[arg-type]
        elif len(self.comment.text) >= COMMENT_LIMIT:
            return  # full: only deleting works
        elif key == " ":
            self.comment.space()
        else:
            self.comment.press(key)

    def choose(self, rating: str) -> None:
        """One of the four points of the scale."""
        if rating in SCALE_CODES:
            self.rating = rating

    def body(self, lang: str) -> dict[str, Any]:
        """The request body (the comment trimmed, omitted when empty)."""
        body: dict[str, Any] = {"number": self.number, "day": None, "rating": self.rating, "lang": lang}
        comment = self.comment.text.strip()[:COMMENT_LIMIT]
        if comment:
            body["comment"] = comment
        return body

    def request(self, visit: int, lang: str, new_key: Callable[[], str]) -> FeedbackRequest | None:
        """The request to send (same key for the same body: a retry is never a second rating)."""
        if self.rating is None or not valid_number(self.number):
            return None
        body = self.body(lang)
        if self.sent is None or self.sent.body != body:
            self.sent = FeedbackRequest(visit, body, new_key())
        return self.sent

    def wipe(self) -> None:
        """Forget everything."""
        self.number, self.rating, self.sent, self.stage = "", None, None, "number"
        self.comment.clear()
