"""Search screen view-model: the query as typed, and the results."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_flow import KioskFlow
from kiosk_ui.core.kiosk_text import t


@dataclass(frozen=True)
class ResultRow:
    """One search hit."""

    code: str
    name: str
    on_the_spot: bool


def query(flow: KioskFlow) -> str:
    """What the citizen typed."""
    return flow.visit.query.text


def rows(flow: KioskFlow) -> list[ResultRow]:
    """The current results."""
    return [ResultRow(p.code, p.name(flow.lang), p.on_the_spot) for p in flow.visit.results]


def status(flow: KioskFlow) -> str:
    """A line over the results: nothing found / searching offline / the hint."""
    lang = flow.lang
    if not query(flow).strip():
        return t("search_placeholder", lang)
    if not flow.visit.results:
        return t("search_none", lang)
    return t("search_offline", lang) if flow.visit.results_offline else ""
