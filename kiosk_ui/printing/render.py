"""Render slip lines to a 1-bit raster image with the shipped DejaVu font (``motcua.runtime.escpos``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageFont

from kiosk_ui.core.slip import SlipLine, TicketSlip, slip_lines
from motcua.runtime import escpos as _escpos
from motcua.runtime.escpos import PAPER_WIDTH_DOTS

__all__ = ["FONT_DIR", "PAPER_WIDTH_DOTS", "load_font", "render_lines", "render_slip_image", "render_slip_png"]

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"


def load_font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """The shipped DejaVu Sans (bold) at a pixel size."""
    return _escpos.load_font(size, bold, FONT_DIR)


def render_lines(lines: Sequence[SlipLine], width: int = PAPER_WIDTH_DOTS) -> Image.Image:
    """Draw text, rule, blank and QR lines top to bottom; a 1-bit image ``width`` dots wide."""
    return _escpos.render_lines(lines, width, font_dir=FONT_DIR)


def render_slip_image(slip: TicketSlip, width: int = PAPER_WIDTH_DOTS) -> Image.Image:
    """The whole slip as the citizen gets it, QR code included, with a little top/bottom margin."""
    return _escpos.frame(render_lines(slip_lines(slip), width))


def render_slip_png(slip: TicketSlip, path: str | Path) -> Path:
    """Write a PNG preview of the slip (kiosk screen, docs); return its path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    render_slip_image(slip).save(out, format="PNG", optimize=True)
    return out
