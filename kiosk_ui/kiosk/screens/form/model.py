"""Form screen view-model: the fields of the current step, the focused one's keyboard and mode, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_flow import KioskFlow
from kiosk_ui.core.kiosk_form import FormModel
from kiosk_ui.core.kiosk_text import t


@dataclass(frozen=True)
class ChoiceRow:
    """One option of a choice field."""

    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FieldRow:
    """One field of the step: tapping it focuses it."""

    index: int
    name: str
    label: str
    value: str
    focused: bool
    required: bool


@dataclass(frozen=True)
class FormPage:
    """What the form screen shows for the current step."""

    procedure: str
    progress: str
    step: int
    steps: int
    rows: tuple[FieldRow, ...]
    label: str
    required: str
    help: str
    value: str
    message: str
    complete: bool
    keyboard: str
    mode: str
    input_mode: str
    mode_label: str
    mode_help: str
    choices: tuple[ChoiceRow, ...]
    notice: str
    at_last: bool
    at_first: bool
    next_label: str


def steps(form: FormModel) -> int:
    """Screens of the form: its pages and the review."""
    return len(form.pages) + 1


def _shown(form: FormModel, index: int, lang: str) -> str:
    fdef = form.fields[index]
    raw = form.value_text(index)
    if fdef.type == "choice" and raw:
        return next(((c.label_en if lang == "en" else c.label_vi) for c in fdef.choices if c.value == raw), raw)
    return raw


def page(flow: KioskFlow) -> FormPage | None:
    """The current step's page, or None without a form."""
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
    rows = tuple(
        FieldRow(
            i,
            form.fields[i].name,
            form.fields[i].label_en if en else form.fields[i].label_vi,
            _shown(form, i, lang),
            i == form.index,
            form.fields[i].required,
        )
        for i in form.page
    )
    notice = ""
    if flow.visit.notice is not None:
        key, values = flow.visit.notice
        notice = t(key, lang, **values)
    help_text = fdef.help_en if en else fdef.help_vi
    if form.kind == "choice":
        help_text = help_text or t("form_choose", lang)
    next_key = "form_next_step" if form.next_leaves_page else "form_next"
    if form.next_leaves_page and form.at_last:
        next_key = "form_review"
    step = form.page_index + 1
    return FormPage(
        procedure=summary.name(lang) if summary else "",
        progress=t("form_progress", lang, i=step, n=steps(form)),
        step=step,
        steps=steps(form),
        rows=rows,
        label=fdef.label_en if en else fdef.label_vi,
        required=t("form_required" if fdef.required else "form_optional", lang),
        help=help_text,
        value=form.text,
        message=form.message(lang),
        complete=check.ok and check.complete and bool(form.text),
        keyboard=form.kind,
        mode=form.mode,
        input_mode=form.input_mode,
        mode_label="" if form.input_mode == "choice" else t(f"kb_mode_{form.input_mode}", lang),
        mode_help=t(f"kb_help_{form.mode}", lang) if form.kind == "text" else "",
        choices=choices,
        notice=notice,
        at_last=form.at_last,
        at_first=form.at_first,
        next_label=t(next_key, lang),
    )
