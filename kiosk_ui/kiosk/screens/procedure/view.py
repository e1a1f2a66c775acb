"""Procedure page: what to bring, the fee, the processing time, on the spot or not, where to go."""

from __future__ import annotations

from kiosk_ui.kiosk.screens.base import KioskScreen
from kiosk_ui.kiosk.screens.procedure.model import page
from kiosk_ui.kiosk.widgets import KLabel


class ProcedureScreen(KioskScreen):
    """The procedure's page and the two ways on: a ticket, or the form."""

    say_key = "procedure_say"

    def refresh(self) -> None:
        """Redraw from the open procedure."""
        c = self.controller
        info = page(self.flow)
        if info is None:
            return
        self.ids.name.text = info.name
        self.ids.docs_title.text = c.t("proc_documents")
        docs = self.ids.docs
        docs.clear_widgets()
        for number, doc in enumerate(info.documents, 1):
            docs.add_widget(KLabel(text=f"{number}. {doc}", base_size=28))
        facts = self.ids.facts
        facts.clear_widgets()
        spot = KLabel(text=("✓ " if info.on_the_spot else "") + info.spot_text, base_size=30, bold=True)
        spot.color = c.app.theme["ok"] if info.on_the_spot else c.app.theme["fg"]
        facts.add_widget(spot)
        for key, value in (
            ("proc_time", info.time),
            ("proc_fee", info.fee),
            ("proc_where", info.where),
            ("proc_authority", info.authority),
        ):
            if value:
                facts.add_widget(KLabel(text=c.t(key), base_size=28, bold=True, color=c.app.theme["muted"]))
                facts.add_widget(KLabel(text=value, base_size=28))
        self.ids.status.text = info.status
        self.ids.ticket.text = c.t("proc_ticket")
        self.ids.prepare.text = c.t("proc_prepare")
        self.ids.prepare.disabled = not info.can_prepare
        self.ids.prepare.opacity = 1 if info.can_prepare else 0.35
