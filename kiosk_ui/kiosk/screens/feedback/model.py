"""Feedback screen view-model: what each stage shows, from the flow and the tablet's texts (no widgets)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.feedback_flow import COMMENT_LIMIT, SCALE_CODES
from kiosk_ui.core.feedback_text import UiLang, message, scale_label
from kiosk_ui.core.kiosk_feedback import KioskFeedback
from kiosk_ui.core.kiosk_text import t

PAD_DIGITS = ("123", "456", "789")


@dataclass(frozen=True)
class FeedbackInfo:
    """Every text of the feedback screen in the visit's language."""

    stage: str
    title: str
    hint: str
    number: str
    scale: tuple[tuple[str, str, bool], ...]
    comment_button: str
    comment: str
    send: str
    busy_text: str
    message: str
    next_text: str
    change_number: str
    done: str
    home: str


def letters(service_letters: tuple[str, ...]) -> tuple[str, ...]:
    """The service letters of the pad (the catalogue's, else A-D), in order, at most eight."""
    found = sorted({x.upper() for x in service_letters if len(x) == 1 and x.isalpha()})
    return tuple(found[:8]) or ("A", "B", "C", "D")


def info(
    feedback: KioskFeedback, lang: UiLang, *, busy: bool, error: tuple[str, str] | None, notice: str
) -> FeedbackInfo:
    """The screen's texts for the current stage."""
    stage = feedback.stage
    if stage == "number":
        title, hint = t("feedback_number_title", lang), t("feedback_number_hint", lang)
    elif stage == "thanks":
        title, hint = message("thanks_title", lang), message("thanks_body", lang)
    elif stage == "comment":
        title, hint = message("comment_title", lang), message("comment_hint", lang)
    else:
        title, hint = t("feedback_rate_for", lang, number=feedback.number), message("overall", lang)
    shown_error = (error[0] if lang == "vi" else error[1]) if error else ""
    count = message("comment_count", lang, count=len(feedback.comment.text), limit=COMMENT_LIMIT)
    return FeedbackInfo(
        stage=stage,
        title=title,
        hint=hint,
        number=feedback.number or "_",
        scale=tuple((code, scale_label(code, lang), feedback.rating == code) for code in SCALE_CODES),
        comment_button=message("comment_edit" if feedback.comment.text.strip() else "comment_button", lang),
        comment=f"{feedback.comment.text}|   ({count})",
        send=message("submit", lang),
        busy_text=message("sending", lang) if busy else "",
        message=shown_error or notice,
        next_text=t("feedback_next", lang),
        change_number=t("feedback_change_number", lang),
        done=message("comment_done", lang),
        home=t("feedback_home", lang),
    )
