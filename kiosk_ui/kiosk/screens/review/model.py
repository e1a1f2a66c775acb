"""Review screen view-model: the summary to confirm, errors, and the submission state."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_flow import KioskFlow
from kiosk_ui.core.kiosk_form import SummaryRow
from kiosk_ui.core.kiosk_text import t


@dataclass(frozen=True)
class ReviewPage:
    """What the review screen shows."""

    procedure: str
    progress: str
    rows: tuple[SummaryRow, ...]
    invalid: int
    status: str
    busy: bool
    failed: bool


def page(flow: KioskFlow) -> ReviewPage | None:
    """The summary, or None without a form."""
    form = flow.visit.form
    if form is None:
        return None
    lang = flow.lang
    rows = tuple(form.summary(lang))
    invalid = sum(1 for row in rows if row.error)
    busy = flow.visit.busy
    error = flow.visit.error
    if busy:
        status = t("busy", lang)
    elif error is not None:
        status = t("dossier_failed", lang, reason=error[1] if lang == "en" else error[0])
    elif invalid:
        status = t("review_invalid", lang, n=invalid)
    else:
        status = ""
    summary = flow.procedure_summary()
    steps = len(form.pages) + 1  # the form's steps, then this one
    progress = t("form_progress", lang, i=steps, n=steps)
    return ReviewPage(summary.name(lang) if summary else "", progress, rows, invalid, status, busy, error is not None)
