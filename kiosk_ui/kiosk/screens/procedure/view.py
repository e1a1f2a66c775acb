"""Procedure page: what to bring, the fee, the processing time, on the spot or not, where to go."""

from __future__ import annotations

from typing import Any

from kiosk_ui.kiosk.screens.base import KioskScreen
from kiosk_ui.kiosk.screens.procedure.model import page
from kiosk_ui.kiosk.widgets import KLabel, Pool


class ProcedureScreen(KioskScreen):
    """The procedure's page and the two ways on: a ticket, or the form."""

    say_key = "procedure_say"

    def __init__(self, controller: Any, **kwargs: Any) -> None:
        super().__init__(controller, **kwargs)
        self.docs = Pool(self.ids.docs, KLabel)
        self.facts = Pool(self.ids.facts, KLabel)

    def refresh(self) -> None:
        """Redraw from the open procedure, when its page, the text size or the theme changed (labels are reused)."""
        c = self.controller
        theme = c.app.theme
        info = self.changed_page(page, self.fs, theme["name"])
        if info is None:
            return
        self.ids.name.text = info.name
        self.ids.docs_title.text = c.t("proc_documents")
        for label, (number, doc) in zip(self.docs.take(len(info.documents)), enumerate(info.documents, 1), strict=True):
            label.text, label.base_size = f"{number}. {doc}", 28
        facts: list[tuple[str, float, bool, Any]] = [
            (("✓ " if info.on_the_spot else "") + info.spot_text, 30, True, theme["ok" if info.on_the_spot else "fg"])
        ]
        for text_key, value in (
            ("proc_time", info.time),
            ("proc_fee", info.fee),
            ("proc_where", info.where),
            ("proc_authority", info.authority),
        ):
            if value:
                facts.append((c.t(text_key), 28, True, theme["muted"]))
                facts.append((value, 28, False, theme["fg"]))
        for label, (text, size, bold, colour) in zip(self.facts.take(len(facts)), facts, strict=True):
            label.text, label.base_size, label.bold, label.color = text, size, bold, colour
        self.ids.status.text = info.status
        self.ids.ticket.text = c.t("proc_ticket")
        self.ids.prepare.text = c.t("proc_prepare")
        self.ids.prepare.disabled = not info.can_prepare
        self.ids.prepare.opacity = 1 if info.can_prepare else 0.35
