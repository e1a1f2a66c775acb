"""Ticket screen view-model: the number, where to go, the wait, the QR, the printer's state; or the failure."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk_ui.core.kiosk_flow import KioskFlow
from kiosk_ui.core.kiosk_text import t
from kiosk_ui.core.slip import describe_wait


@dataclass(frozen=True)
class TicketPage:
    """What the ticket screen shows; ``failed`` when no ticket could be issued."""

    failed: bool
    title: str
    number: str = ""
    priority: str = ""
    service: str = ""
    where: str = ""
    ahead: str = ""
    wait: str = ""
    receipt: str = ""
    qr: str = ""
    printer: str = ""
    printer_fault: bool = False
    message: str = ""
    busy: bool = False


def page(flow: KioskFlow) -> TicketPage:
    """The ticket page."""
    lang = flow.lang
    en = lang == "en"
    visit = flow.visit
    ticket = visit.ticket
    if ticket is None:
        message = t("ticket_failed", lang)
        if visit.error is not None and visit.error[0] not in message:
            detail = visit.error[1] if en else visit.error[0]
            message = f"{message}\n({detail})"
        return TicketPage(
            failed=True,
            title=t("ticket_failed_title", lang),
            message=t("busy", lang) if visit.busy else message,
            busy=visit.busy,
        )
    info = flow.catalogue.priority(ticket.priority)
    counters = ticket.counters_en if en else ticket.counters_vi
    where = ", ".join(counters) or flow.catalogue.where_to_go(ticket.service, lang)
    reason = visit.printer_reason or "not_found"
    printer = {
        "printing": t("ticket_printing", lang),
        "printed": t("ticket_printed", lang),
        "fault": t("ticket_print_fault", lang, reason=t(f"printer_{reason}", lang)),
        "none": "",
    }[visit.printer]
    return TicketPage(
        failed=False,
        title=t("ticket_title", lang),
        number=ticket.number,
        priority=t("priority_badge", lang, name=info.name(lang)) if info is not None else "",
        service=ticket.service_name_en if en else ticket.service_name_vi,
        where=t("ticket_where", lang, where=where) if where else "",
        ahead=t("ticket_ahead", lang, n=ticket.people_ahead) if ticket.people_ahead else t("ticket_next", lang),
        wait=t("ticket_wait", lang, t=describe_wait(ticket.estimated_wait_min, "en" if en else "vi")),
        receipt=t("ticket_receipt", lang, code=visit.receipt_code) if visit.receipt_code else "",
        qr=ticket.track_url,
        printer=printer,
        printer_fault=visit.printer == "fault",
    )
