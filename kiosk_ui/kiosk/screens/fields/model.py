"""Fields screen view-model: the lĩnh vực tiles with their procedure counts."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_catalogue import Catalogue
from kiosk_ui.core.kiosk_text import t


@dataclass(frozen=True)
class FieldTile:
    """One field tile."""

    code: str
    name: str
    count: str


def tiles(catalogue: Catalogue, lang: str) -> list[FieldTile]:
    """Fields that have procedures, in the catalogue's order."""
    out = []
    for item in catalogue.fields:
        count = len(catalogue.in_field(item.code)) or item.count
        if count:
            name = item.name_en if lang == "en" else item.name_vi
            out.append(FieldTile(item.code, name, t("fields_count", lang, n=count)))
    return out
