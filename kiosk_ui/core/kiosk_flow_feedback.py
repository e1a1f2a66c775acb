"""The "rate our service" steps of a kiosk visit: the ticket number, the rating, a comment, sending it.

A mixin of :class:`kiosk_ui.core.kiosk_flow.KioskFlow` (it uses the flow's visit, screen and observers);
the feedback's own state is :class:`kiosk_ui.core.kiosk_feedback.KioskFeedback`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from kiosk_ui.core.kiosk_feedback import FeedbackRequest, FeedbackStage, KioskFeedback, valid_number
from kiosk_ui.core.kiosk_visit import Screen, Visit

__all__ = ["FeedbackSteps"]


class FeedbackSteps:
    """Feedback by the number on the slip; needs the attributes and methods declared below."""

    visit: Visit
    screen: Screen
    last_touch: float
    _new_key: Callable[[], str]

    @property
    def lang(self) -> Literal["vi", "en"]:  # pragma: no cover - the flow defines it
        raise NotImplementedError

    def go(self, screen: Screen, *, remember: bool = True) -> None:  # pragma: no cover - the flow defines it
        raise NotImplementedError

    def set_notice(self, key: str, **values: object) -> None:  # pragma: no cover - the flow defines it
        raise NotImplementedError

    def _changed(self, what: str) -> None:  # pragma: no cover - the flow defines it
        raise NotImplementedError

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
