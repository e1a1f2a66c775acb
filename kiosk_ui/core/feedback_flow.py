"""View-model of the counter-side feedback tablet: idle → rate (→ comment) → sending → thanks → idle.

No widgets, no I/O: the app feeds it the server's "last served" answers and the citizen's taps, with
``now`` passed in; the view reads ``texts()`` and the state. Nothing survives a reset: after a submit
or an idle timeout the ratings, the comment and the ticket are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from kiosk_ui.core.feedback_text import UiLang, message, scale_label
from kiosk_ui.core.telex import KeyboardModel, Mode
from motcua.contract.feedback import DEFAULT_CRITERIA, Criterion, Rating

__all__ = ["SCALE_CODES", "CriterionView", "FeedbackFlow", "ScreenName", "ServedTicket", "SubmitRequest"]

ScreenName = Literal["idle", "rate", "comment", "sending", "thanks"]
SCALE_CODES: Final[tuple[str, ...]] = tuple(r.value for r in Rating)
COMMENT_LIMIT: Final = 1000


@dataclass(frozen=True)
class ServedTicket:
    """The ticket just served at this counter, as the server offers it."""

    id: str
    number: str
    service_name_vi: str
    service_name_en: str


CriterionView = Criterion


@dataclass(frozen=True)
class SubmitRequest:
    """What to POST to /api/v1/feedback, with the key that makes a retry safe."""

    body: dict[str, Any]
    idempotency_key: str


def parse_served(payload: Mapping[str, Any] | None) -> ServedTicket | None:
    """The ticket of a ``GET /counters/{id}/last-served`` answer; None when absent or malformed."""
    ticket = payload.get("ticket") if payload else None
    if not isinstance(ticket, Mapping):
        return None
    try:
        return ServedTicket(
            id=str(ticket["id"]),
            number=str(ticket["number"]),
            service_name_vi=str(ticket.get("service_name_vi") or ""),
            service_name_en=str(ticket.get("service_name_en") or ""),
        )
    except KeyError:
        return None


def parse_criteria(payload: Mapping[str, Any] | None) -> tuple[CriterionView, ...] | None:
    """The configured criteria of a last-served answer; None when absent or malformed."""
    raw = payload.get("criteria") if payload else None
    if not isinstance(raw, list):
        return None
    found = []
    for item in raw:
        if isinstance(item, Mapping) and all(isinstance(item.get(k), str) for k in ("code", "name_vi", "name_en")):
            found.append(CriterionView(item["code"], item["name_vi"], item["name_en"]))
    return tuple(found) or None


class FeedbackFlow:
    """State of the tablet; observers are called after every change."""

    def __init__(
        self,
        counter_id: str,
        *,
        lang: UiLang = "vi",
        idle_timeout: timedelta = timedelta(seconds=60),
        thanks_for: timedelta = timedelta(seconds=6),
        keyboard_mode: Mode = "telex",
        criteria: tuple[CriterionView, ...] = DEFAULT_CRITERIA,
    ) -> None:
        self.counter_id = counter_id
        self.default_lang: UiLang = lang
        self.lang: UiLang = lang
        self.idle_timeout = idle_timeout
        self.thanks_for = thanks_for
        self.criteria = criteria
        self.keyboard = KeyboardModel(keyboard_mode)
        self._default_mode: Mode = keyboard_mode
        self.screen: ScreenName = "idle"
        self.ticket: ServedTicket | None = None
        self.rating: str | None = None
        self.ratings: dict[str, str] = {}
        self.error: tuple[str, str] | None = None
        self.online = True
        self.counter_name: tuple[str, str] = (f"Quầy {counter_id}", f"Counter {counter_id}")
        self._last_touch: datetime | None = None
        self._thanks_at: datetime | None = None
        self._pending: SubmitRequest | None = None
        self._done_ids: list[str] = []  # rated or walked away from: not offered again
        self._observers: list[Callable[[], None]] = []

    # -- observers
    def observe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every change."""
        self._observers.append(callback)

    def _changed(self) -> None:
        for callback in list(self._observers):
            callback()

    # -- server
    def on_last_served(self, payload: Mapping[str, Any] | None, now: datetime) -> None:
        """A poll answer: offer the ticket just served when the tablet is idle."""
        self.online = payload is not None
        criteria = parse_criteria(payload)
        if criteria is not None and self.screen == "idle":
            self.criteria = criteria
        if payload is not None:
            vi, en = payload.get("counter_name_vi"), payload.get("counter_name_en")
            if isinstance(vi, str) and isinstance(en, str):
                self.counter_name = (vi, en)
        ticket = parse_served(payload)
        if self.screen == "idle" and ticket is not None and ticket.id not in self._done_ids:
            self.ticket = ticket
            self.screen = "rate"
            self._last_touch = now
        self._changed()

    # -- citizen
    def _touch(self, now: datetime) -> None:
        self._last_touch = now
        self.error = None

    def choose(self, rating: str, now: datetime) -> None:
        """The overall rating (one of the four faces)."""
        if rating not in SCALE_CODES or self.screen != "rate":
            return
        self.rating = rating
        self._touch(now)
        self._changed()

    def choose_criterion(self, code: str, rating: str, now: datetime) -> None:
        """A rating for one criterion; the same choice again clears it."""
        if rating not in SCALE_CODES or self.screen != "rate" or code not in {c.code for c in self.criteria}:
            return
        if self.ratings.get(code) == rating:
            del self.ratings[code]
        else:
            self.ratings[code] = rating
        self._touch(now)
        self._changed()

    def open_comment(self, now: datetime) -> None:
        """Show the keyboard."""
        if self.screen == "rate":
            self.screen = "comment"
            self._touch(now)
            self._changed()

    def close_comment(self, now: datetime) -> None:
        """Back from the keyboard to the ratings, keeping the comment."""
        if self.screen == "comment":
            self.screen = "rate"
            self._touch(now)
            self._changed()

    def key(self, key: str, now: datetime) -> None:
        """One key of the on-screen keyboard; ``space`` and ``backspace`` by name."""
        if self.screen != "comment":
            return
        if key == "backspace":
            self.keyboard.backspace()
        elif len(self.keyboard.text) >= COMMENT_LIMIT:
            pass  # full: only backspace works
        elif key == "space":
            self.keyboard.space()
        elif len(key) == 1:
            self.keyboard.press(key)
        self._touch(now)
        self._changed()

    def toggle_keyboard_mode(self, now: datetime) -> None:
        """Telex ⇄ plain (no diacritics processing)."""
        self.keyboard.set_mode("plain" if self.keyboard.mode == "telex" else "telex")
        self._touch(now)
        self._changed()

    def toggle_lang(self, now: datetime) -> None:
        """Tiếng Việt ⇄ English."""
        self.lang = "en" if self.lang == "vi" else "vi"
        if self.screen in ("rate", "comment"):
            self._touch(now)
        self._changed()

    @property
    def comment(self) -> str:
        """The comment typed so far, trimmed."""
        return self.keyboard.text.strip()

    @property
    def can_submit(self) -> bool:
        """Whether the overall rating is chosen."""
        return self.screen in ("rate", "comment") and self.ticket is not None and self.rating is not None

    def begin_submit(self, now: datetime, new_key: Callable[[], str]) -> SubmitRequest | None:
        """The request to send (the same key on every retry of this visit); None when not ready."""
        if not self.can_submit or self.ticket is None or self.rating is None:
            if self.screen in ("rate", "comment"):
                self.error = (message("need_rating", "vi"), message("need_rating", "en"))
                self._changed()
            return None
        if self._pending is None:
            body: dict[str, Any] = {
                "ticket_id": self.ticket.id,
                "rating": self.rating,
                "ratings": dict(self.ratings),
                "comment": self.comment or None,
                "lang": self.lang,
            }
            self._pending = SubmitRequest(body, new_key())
        self.screen = "sending"
        self.error = None
        self._last_touch = now
        self._changed()
        return self._pending

    def submitted(self, now: datetime) -> None:
        """The server stored it (or already had it): thank, and forget everything."""
        rated = self.ticket.id if self.ticket else None
        self._clear()
        if rated:
            self._done_ids = [*self._done_ids[-9:], rated]
        self.screen = "thanks"
        self._thanks_at = now
        self._changed()

    def submit_failed(self, message_vi: str, message_en: str, now: datetime, *, retryable: bool) -> None:
        """Sending failed: show why; a retryable failure keeps the same request (and key) for the next try."""
        if not retryable:
            self._pending = None
        self.screen = "rate"
        self.error = (message_vi, message_en)
        self._last_touch = now
        self._changed()

    def tick(self, now: datetime) -> None:
        """Time passes: the thank-you screen and an abandoned rating go back to idle."""
        if self.screen == "thanks" and self._thanks_at is not None and now - self._thanks_at >= self.thanks_for:
            self.reset()
        elif (
            self.screen in ("rate", "comment")
            and self._last_touch is not None
            and now - self._last_touch >= self.idle_timeout
        ):
            if self.ticket is not None:  # the citizen walked away: do not offer the same ticket again
                self._done_ids = [*self._done_ids[-9:], self.ticket.id]
            self.reset()

    def _clear(self) -> None:
        self.ticket = None
        self.rating = None
        self.ratings = {}
        self.error = None
        self._pending = None
        self.keyboard.clear()
        self.keyboard.set_mode(self._default_mode)
        self._last_touch = None

    def reset(self) -> None:
        """Back to idle with nothing kept (not even the language)."""
        self._clear()
        self.lang = self.default_lang
        self.screen = "idle"
        self._thanks_at = None
        self._changed()

    # -- what the view shows
    def texts(self) -> dict[str, Any]:
        """Every text and state the view renders (also what tests read)."""
        lang = self.lang
        counter = self.counter_name[0] if lang == "vi" else self.counter_name[1]
        served = message("served", lang, number=self.ticket.number) if self.ticket else ""
        service = ""
        if self.ticket:
            service = self.ticket.service_name_vi if lang == "vi" else self.ticket.service_name_en
        return {
            "screen": self.screen,
            "lang": lang,
            "title": message("title", lang),
            "counter": counter,
            "lang_switch": message("lang_switch", lang),
            "idle_title": message("idle_title", lang),
            "idle_body": message("idle_body", lang),
            "served": served,
            "service": service,
            "number": self.ticket.number if self.ticket else "",
            "overall": message("overall", lang),
            "scale": [(code, scale_label(code, lang)) for code in SCALE_CODES],
            "rating": self.rating,
            "criteria_header": message("criteria", lang),
            "criteria": [(c.code, c.name(lang)) for c in self.criteria],
            "ratings": dict(self.ratings),
            "comment_button": message("comment_edit" if self.comment else "comment_button", lang),
            "comment_title": message("comment_title", lang),
            "comment_hint": message("comment_hint", lang),
            "comment": self.keyboard.text,
            "comment_count": message("comment_count", lang, count=len(self.keyboard.text), limit=COMMENT_LIMIT),
            "keyboard_mode": message("keyboard_telex" if self.keyboard.mode == "telex" else "keyboard_plain", lang),
            "space": message("space", lang),
            "backspace": message("backspace", lang),
            "comment_done": message("comment_done", lang),
            "submit": message("submit", lang),
            "can_submit": self.can_submit,
            "sending": message("sending", lang),
            "thanks_title": message("thanks_title", lang),
            "thanks_body": message("thanks_body", lang),
            "error": (self.error[0] if lang == "vi" else self.error[1]) if self.error else "",
            "offline": "" if self.online else message("offline", lang),
        }
