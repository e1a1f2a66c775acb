"""Form screen view-model: the field being edited, its keyboard, how to fix it, and scan notices."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_flow import KioskFlow
from kiosk_ui.core.kiosk_text import t


@dataclass(frozen=True)
class ChoiceRow:
    """One option of a choice field."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FormPage:
    """What the form screen shows for the current field."""

    procedure: str
    progress: str
    label: str
    required: str
    help: str
    value: str
    message: str
    complete: bool
    keyboard: str
    mode: str
    mode_help: str
    choices: tuple[ChoiceRow, ...]
    notice: str
    at_last: bool
    at_first: bool


def page(flow: KioskFlow) -> FormPage | None:
    """The current field's page, or None without a form."""
    form = flow.visit.form
    if form is None:
        return None
    lang = flow.lang
    en = lang == "en"
    fdef = form.field
    summary = flow.procedure_summary()
    check = form.check()
    choices = tuple(
        ChoiceRow(c.value, c.label_en if en else c.label_vi, form.values.get(fdef.name) == c.value)
        for c in fdef.choices
    )
    notice = ""
    if flow.visit.notice is not None:
        key, values = flow.visit.notice
        notice = t(key, lang, **values)
    help_text = fdef.help_en if en else fdef.help_vi
    if form.kind == "choice":
        help_text = help_text or t("form_choose", lang)
    return FormPage(
        procedure=summary.name(lang) if summary else "",
        progress=t("form_progress", lang, i=form.index + 1, n=len(form.fields)),
        label=fdef.label_en if en else fdef.label_vi,
        required=t("form_required" if fdef.required else "form_optional", lang),
        help=help_text,
        value=form.text,
        message=form.message(lang),
        complete=check.ok and check.complete and bool(form.text),
        keyboard=form.kind,
        mode=form.mode,
        mode_help=t(f"kb_help_{form.mode}", lang),
        choices=choices,
        notice=notice,
        at_last=form.at_last,
        at_first=form.index == 0,
    )
