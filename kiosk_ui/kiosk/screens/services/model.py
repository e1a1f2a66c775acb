"""Services screen view-model: one tile per queue service, with where to go, and the priority badge."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_catalogue import Catalogue
from kiosk_ui.core.kiosk_text import t


@dataclass(frozen=True)
class ServiceTile:
    """One service tile."""

    code: str
    letter: str
    name: str
    where: str


def tiles(catalogue: Catalogue, lang: str) -> list[ServiceTile]:
    """The active services with their counters."""
    out = []
    for service in catalogue.active_services():
        where = catalogue.where_to_go(service.code, lang)
        out.append(
            ServiceTile(
                service.code, service.letter, service.name(lang), t("go_to", lang, where=where) if where else ""
            )
        )
    return out


def badge(catalogue: Catalogue, priority: str | None, lang: str) -> str:
    """'Ưu tiên: Người cao tuổi' when the citizen chose a priority category."""
    info = catalogue.priority(priority)
    return t("priority_badge", lang, name=info.name(lang)) if info is not None else ""
