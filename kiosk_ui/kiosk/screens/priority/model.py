"""Priority screen view-model: the categories a citizen can choose at the kiosk."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_catalogue import Catalogue


@dataclass(frozen=True)
class PriorityTile:
    """One category tile."""

    code: str
    name: str


def tiles(catalogue: Catalogue, lang: str) -> list[PriorityTile]:
    """Elderly, disability, pregnant, with a young child (from the server's list)."""
    return [PriorityTile(p.code, p.name(lang)) for p in catalogue.kiosk_priorities()]
