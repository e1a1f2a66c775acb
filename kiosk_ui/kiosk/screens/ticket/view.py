"""Ticket screen: the number, where to go, the wait, a QR to follow it by phone, the printer's state;
or, when no ticket could be issued, a plain message and "try again"."""

from __future__ import annotations

from kiosk_ui.kiosk.screens.base import KioskScreen
from kiosk_ui.kiosk.screens.ticket.model import page


class TicketScreen(KioskScreen):
    """The issued ticket, shown whether or not it printed."""

    say_key = "ticket_say"

    def refresh(self) -> None:
        """Redraw from the visit's ticket."""
        c = self.controller
        info = page(self.flow)
        ids = self.ids
        self.say_key = "failed_say" if info.failed else "ticket_say"
        ids.title.text = info.title
        ids.number.text = info.number
        ids.number.base_size = 170 if info.number else 10
        ids.priority.text = info.priority
        ids.service.text = info.service
        ids.where.text = info.where
        ids.ahead.text = info.ahead
        ids.wait.text = info.wait
        ids.receipt.text = info.receipt if not info.failed else info.message
        ids.receipt.color = c.app.theme["error"] if info.failed else c.app.theme["fg"]
        ids.qr.data = info.qr
        ids.qr.opacity = 1 if info.qr else 0
        ids.qr_hint.text = c.t("ticket_qr") if info.qr else ""
        ids.printer.text = info.printer
        ids.printer.color = c.app.theme["error"] if info.printer_fault else c.app.theme["ok"]
        ids.side.opacity = 0 if info.failed else 1
        ids.retry.text = c.t("retry")
        ids.retry.disabled = not info.failed or info.busy
        ids.retry.opacity = 1 if info.failed else 0
        ids.retry.size_hint_x = 1 if info.failed else 0.0001
        ids.done.text = c.t("home") if info.failed else c.t("ticket_done")
