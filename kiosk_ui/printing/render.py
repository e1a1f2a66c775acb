"""Render slip lines to a 1-bit raster image with the shipped DejaVu font (Vietnamese glyphs)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk_ui.core.slip import SlipLine, TicketSlip, slip_lines

__all__ = ["FONT_DIR", "PAPER_WIDTH_DOTS", "load_font", "render_lines", "render_slip_image", "render_slip_png"]

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
PAPER_WIDTH_DOTS = 576  # 80 mm paper at 203 dpi: 72 mm printable = 576 dots
MARGIN = 16
SIZE_PX = {"small": 22, "normal": 27, "large": 36, "huge": 150}
QR_BOX_PX = 7


@lru_cache(maxsize=16)
def load_font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """The shipped DejaVu Sans (bold) at a pixel size."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    words = text.split()
    if not words:
        return [""]
    rows: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            rows.append(current)
        current = ""
        for ch in word:  # a single word wider than the paper (a long URL): break it anywhere
            if font.getlength(current + ch) > max_width and current:
                rows.append(current)
                current = ""
            current += ch
    rows.append(current)
    return rows


def _qr_image(data: str) -> Image.Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=QR_BOX_PX, border=2)
    qr.add_data(data.encode("utf-8"))
    qr.make(fit=True)
    image: Image.Image = qr.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("L")


def _line_height(size: int) -> int:
    # Vietnamese stacks a tone mark over a circumflex (Ễ, Ấ): leave room above the ascent.
    return int(size * 1.45)


def render_lines(lines: Sequence[SlipLine], width: int = PAPER_WIDTH_DOTS) -> Image.Image:
    """Draw text, rule, blank and QR lines top to bottom; a 1-bit image ``width`` dots wide."""
    blocks: list[Image.Image] = []
    for line in lines:
        if line.kind == "qr":
            qr = _qr_image(line.text)
            block = Image.new("L", (width, qr.height), 255)
            block.paste(qr, ((width - qr.width) // 2, 0))
            blocks.append(block)
            continue
        if line.kind == "blank":
            blocks.append(Image.new("L", (width, SIZE_PX["normal"] // 2), 255))
            continue
        if line.kind == "rule":
            block = Image.new("L", (width, 20), 255)
            draw = ImageDraw.Draw(block)
            for dash in range(MARGIN, width - MARGIN, 12):
                draw.line([(dash, 10), (min(dash + 6, width - MARGIN), 10)], fill=0, width=2)
            blocks.append(block)
            continue
        size = SIZE_PX[line.size]
        font = load_font(size, line.bold)
        row_h = _line_height(size) if line.size != "huge" else int(size * 1.05)
        rows = _wrap(line.text, font, width - 2 * MARGIN)
        block = Image.new("L", (width, row_h * len(rows)), 255)
        draw = ImageDraw.Draw(block)
        ascent, _descent = font.getmetrics()
        for i, row in enumerate(rows):
            text_w = font.getlength(row)
            x = {"left": float(MARGIN), "right": width - MARGIN - text_w}.get(line.align, (width - text_w) / 2)
            baseline = i * row_h + (row_h - size) // 2 + ascent - (size // 10 if line.size == "huge" else 0)
            if line.invert:
                left, _top, right, _bottom = draw.textbbox((x, baseline), row, font=font, anchor="ls")
                draw.rectangle((left - 10, i * row_h + 2, right + 10, (i + 1) * row_h - 2), fill=0)
                draw.text((x, baseline), row, font=font, fill=255, anchor="ls")
            else:
                draw.text((x, baseline), row, font=font, fill=0, anchor="ls")
        blocks.append(block)
    height = sum(b.height for b in blocks) or 1
    image = Image.new("L", (width, height), 255)
    y = 0
    for block in blocks:
        image.paste(block, (0, y))
        y += block.height
    # A threshold, not dithering: thermal heads print crisp glyph edges, dithered grey looks dirty.
    return image.point(lambda p: 255 if p >= 128 else 0).convert("1", dither=Image.Dither.NONE)


def render_slip_image(slip: TicketSlip, width: int = PAPER_WIDTH_DOTS) -> Image.Image:
    """The whole slip as the citizen gets it, QR code included, with a little top/bottom margin."""
    body = render_lines(slip_lines(slip), width)
    framed = Image.new("1", (width, body.height + 2 * MARGIN), 1)
    framed.paste(body, (0, MARGIN))
    return framed


def render_slip_png(slip: TicketSlip, path: str | Path) -> Path:
    """Write a PNG preview of the slip (kiosk screen, docs); return its path."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    render_slip_image(slip).save(out, format="PNG", optimize=True)
    return out
