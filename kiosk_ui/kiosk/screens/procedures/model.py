"""Procedures screen view-model: the procedures of the chosen field."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_flow import KioskFlow


@dataclass(frozen=True)
class ProcedureRow:
    """One procedure in the list."""

    code: str
    name: str
    on_the_spot: bool


def title(flow: KioskFlow) -> str:
    """The field's name."""
    info = flow.catalogue.field_info(flow.visit.field_code)
    if info is None:
        return ""
    return info.name_en if flow.lang == "en" else info.name_vi


def rows(flow: KioskFlow) -> list[ProcedureRow]:
    """The field's procedures."""
    code = flow.visit.field_code or ""
    return [ProcedureRow(p.code, p.name(flow.lang), p.on_the_spot) for p in flow.catalogue.in_field(code)]
