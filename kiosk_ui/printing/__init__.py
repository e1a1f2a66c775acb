"""Ticket printing: slip rendering (Pillow, shipped font) and ESC/POS output (python-escpos)."""

from __future__ import annotations

from kiosk_ui.printing.printer import PrinterUnavailable, open_printer, print_lines, print_slip
from kiosk_ui.printing.render import render_lines, render_slip_image, render_slip_png

__all__ = [
    "PrinterUnavailable",
    "open_printer",
    "print_lines",
    "print_slip",
    "render_lines",
    "render_slip_image",
    "render_slip_png",
]
