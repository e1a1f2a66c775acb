"""Start menu view-model: the two ways in (just a ticket, or find a procedure) and priority."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_text import t


@dataclass(frozen=True)
class Option:
    """One big choice."""

    tap_id: str
    title: str
    sub: str
    kind: str


def options(lang: str) -> list[Option]:
    """The start menu's choices."""
    return [
        Option("take_ticket", t("start_ticket", lang), t("start_ticket_sub", lang), "normal"),
        Option("find", t("start_find", lang), t("start_find_sub", lang), "normal"),
        Option("priority", t("priority_button", lang), t("priority_button_sub", lang), "priority"),
    ]
