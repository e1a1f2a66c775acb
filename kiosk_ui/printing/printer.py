"""Print a ticket slip on an ESC/POS thermal printer, through the shared ``motcua.runtime.escpos``.

ASCII-only lines go out as printer text; lines with Vietnamese diacritics as a 1-bit raster image drawn
with the shipped font (cheap printers have no Vietnamese code page); the ticket number very large, the
tracking URL as a native QR code, then the paper is cut. Printer settings are URL-like: ``usb:VID:PID``
(hex), ``tcp://HOST[:9100]``, ``file:/dev/usb/lp0`` or ``dummy:``. Every failure to reach or use the
printer is raised as :class:`PrinterUnavailable`, so the kiosk keeps the ticket on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from escpos.escpos import Escpos

from kiosk_ui.core.slip import SlipLine, TicketSlip, slip_lines
from kiosk_ui.printing.render import FONT_DIR
from motcua.runtime import escpos as _escpos
from motcua.runtime.escpos import DEFAULT_PROFILE, PrinterUnavailable, check_paper, open_printer

__all__ = ["DEFAULT_PROFILE", "PrinterUnavailable", "check_paper", "open_printer", "print_lines", "print_slip"]


def print_lines(printer: Escpos, lines: Sequence[SlipLine]) -> None:
    """Send slip lines (raster images drawn with the kiosk's shipped font)."""
    _escpos.print_lines(printer, lines, font_dir=FONT_DIR)


def print_slip(
    slip: TicketSlip, printer: Escpos | str, *, profile: str = DEFAULT_PROFILE, paper_check: bool = True
) -> None:
    """Print a ticket slip; PrinterUnavailable if the printer cannot be reached or has no paper."""
    _escpos.print_document(slip_lines(slip), printer, profile=profile, paper_check=paper_check, font_dir=FONT_DIR)
