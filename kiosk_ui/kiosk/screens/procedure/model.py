"""Procedure page view-model: what to bring, fee, processing time, on-the-spot, where to go."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_flow import KioskFlow
from kiosk_ui.core.kiosk_text import t


@dataclass(frozen=True)
class ProcedurePage:
    """Everything the procedure page shows."""

    name: str
    documents: tuple[str, ...]
    fee: str
    time: str
    on_the_spot: bool
    spot_text: str
    where: str
    authority: str
    can_prepare: bool
    status: str


def page(flow: KioskFlow) -> ProcedurePage | None:
    """The open procedure's page, or None when nothing is open."""
    summary = flow.procedure_summary()
    if summary is None:
        return None
    lang = flow.lang
    en = lang == "en"
    detail = flow.visit.detail
    documents = tuple(en_text if en else vi for vi, en_text in detail.documents) if detail else ()
    service = flow.catalogue.service(summary.service)
    where_counters = flow.catalogue.where_to_go(summary.service, lang)
    service_name = service.name(lang) if service else summary.service
    where = f"{service_name}: {where_counters}" if where_counters else service_name
    if detail is None:
        status = t("proc_unavailable", lang) if flow.visit.detail_missing else t("proc_loading", lang)
    elif not detail.form:
        status = t("proc_no_form", lang)
    else:
        status = ""
    return ProcedurePage(
        name=summary.name(lang),
        documents=documents,
        fee=summary.fee_en if en else summary.fee_vi,
        time=summary.processing_time_en if en else summary.processing_time_vi,
        on_the_spot=summary.on_the_spot,
        spot_text=t("proc_spot_yes" if summary.on_the_spot else "proc_spot_no", lang),
        where=where,
        authority=summary.authority_en if en else summary.authority_vi,
        can_prepare=detail is not None and bool(detail.form),
        status=status,
    )
