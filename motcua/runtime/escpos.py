"""ESC/POS thermal printing shared by the kiosk's ticket and the server's receipt slip (python-escpos, Pillow).

A printout is a list of lines (:class:`PrintLine`, or any object with the same attributes, such as the
kiosk's ``SlipLine``). ASCII-only lines go out as printer text (sharp, fast); lines with Vietnamese
diacritics are rendered with DejaVu Sans into a 1-bit raster image (``GS v 0``), since cheap printers have
no Vietnamese code page; a QR line is printed natively (``GS ( k``) followed by a line feed; then the paper
is cut (``GS V``). :func:`render_lines` draws the same lines into one image (previews, docs, fallbacks).

Printer settings are URL-like: ``usb:VID:PID`` (hex), ``tcp://HOST[:9100]``, ``file:/dev/usb/lp0`` or
``dummy:`` (bytes kept in memory). Every failure to reach or use the printer is raised as
:class:`PrinterUnavailable` with a Vietnamese and an English message.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import qrcode
from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Usb
from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "DEFAULT_PROFILE",
    "PAPER_WIDTH_DOTS",
    "SYSTEM_FONT_DIR",
    "Line",
    "PrintLine",
    "PrinterUnavailable",
    "check_paper",
    "frame",
    "load_font",
    "open_printer",
    "print_document",
    "print_lines",
    "render_lines",
]

logger = logging.getLogger(__name__)

DEFAULT_PROFILE = "TM-T20II"  # a common 80 mm printer: 576 dots, native QR, full cut
TEXT_COLUMNS = 48  # font A, 12 dots wide, on 576 dots
QR_MODULE_DOTS = 6
PAPER_WIDTH_DOTS = 576  # 80 mm paper at 203 dpi: 72 mm printable = 576 dots
MARGIN = 16
SIZE_PX = {"small": 22, "normal": 27, "large": 36, "huge": 150}
QR_BOX_PX = 7
SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian fonts-dejavu-core

Size = Literal["small", "normal", "large", "huge"]
Align = Literal["left", "center", "right"]
Kind = Literal["text", "qr", "rule", "blank"]


class PrintLine(Protocol):
    """What a line of a printout has (the kiosk's ``SlipLine`` and :class:`Line` both fit)."""

    @property
    def text(self) -> str: ...
    @property
    def size(self) -> str: ...
    @property
    def bold(self) -> bool: ...
    @property
    def align(self) -> str: ...
    @property
    def invert(self) -> bool: ...
    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class Line:
    """One line of a printout and how to show it."""

    text: str
    size: Size = "normal"
    bold: bool = False
    align: Align = "center"
    invert: bool = False
    kind: Kind = "text"


class PrinterUnavailable(Exception):
    """The printer cannot print now; the message says why in Vietnamese and English."""

    def __init__(self, reason: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.reason = reason
        self.message_vi = message_vi
        self.message_en = message_en


_MESSAGES = {
    "bad_setting": ("Cấu hình máy in không hợp lệ", "The printer setting is not valid"),
    "not_found": ("Không kết nối được máy in", "The printer cannot be reached"),
    "out_of_paper": ("Máy in hết giấy", "The printer is out of paper"),
    "offline": ("Máy in đang ngoại tuyến (nắp mở hoặc lỗi)", "The printer is offline (cover open or error)"),
    "write_failed": ("Máy in bị ngắt kết nối khi đang in", "The printer was disconnected while printing"),
}


def unavailable(reason: str) -> PrinterUnavailable:
    """The PrinterUnavailable of a known reason."""
    vi, en = _MESSAGES[reason]
    return PrinterUnavailable(reason, vi, en)


def open_printer(url: str, *, profile: str = DEFAULT_PROFILE, timeout: float = 5.0) -> Escpos:
    """Build and connect the printer named by a URL-like setting; PrinterUnavailable on failure."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    printer: Escpos
    try:
        if scheme == "dummy":
            return Dummy(profile=profile)
        if scheme == "tcp":
            if not parts.hostname:
                raise unavailable("bad_setting")
            printer = Network(parts.hostname, port=parts.port or 9100, timeout=timeout, profile=profile)
        elif scheme == "file":
            path = url.split(":", 1)[1]
            if path.startswith("//"):
                path = parts.path
            if not path:
                raise unavailable("bad_setting")
            printer = File(path, profile=profile)
        elif scheme == "usb":
            fields = url.split(":")[1:]
            if len(fields) != 2:
                raise unavailable("bad_setting")
            vid, pid = (int(f, 16) for f in fields)
            if not Usb.is_usable():  # pyusb is an optional extra (python-escpos[usb])
                logger.warning("printer usb unavailable: pyusb is not installed")
                raise unavailable("not_found")
            printer = Usb(idVendor=vid, idProduct=pid, timeout=int(timeout * 1000), profile=profile)
        else:
            raise unavailable("bad_setting")
    except ValueError:
        raise unavailable("bad_setting") from None
    try:
        printer.open()
    except (EscposError, OSError, RuntimeError, ValueError) as exc:
        # RuntimeError: pyusb missing; ValueError: pyusb without a libusb backend.
        logger.warning("printer %s unavailable: %s", scheme, type(exc).__name__)
        raise unavailable("not_found") from exc
    return printer


@contextmanager
def _short_timeout(printer: Escpos, seconds: float) -> Iterator[None]:
    sock = getattr(printer, "_device", None)
    if not isinstance(sock, socket.socket):
        yield
        return
    old = sock.gettimeout()
    sock.settimeout(seconds)
    try:
        yield
    finally:
        sock.settimeout(old)


def check_paper(printer: Escpos, *, timeout: float = 0.5) -> None:
    """Raise PrinterUnavailable if the printer reports no paper; silence means 'unknown, go on'."""
    if isinstance(printer, Dummy | File):
        return  # write-only connections cannot answer a status query
    try:
        with _short_timeout(printer, timeout):
            status = printer.paper_status()
    except (OSError, NotImplementedError, EscposError, AttributeError):
        return
    if status == 0:
        raise unavailable("out_of_paper")


# -- raster rendering


@lru_cache(maxsize=32)
def load_font(size: int, bold: bool, font_dir: Path = SYSTEM_FONT_DIR) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (bold) from ``font_dir`` at a pixel size."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(font_dir / name), size)


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


def render_lines(
    lines: Sequence[PrintLine], width: int = PAPER_WIDTH_DOTS, *, font_dir: Path = SYSTEM_FONT_DIR
) -> Image.Image:
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
        font = load_font(size, line.bold, font_dir)
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


def frame(image: Image.Image, margin: int = MARGIN) -> Image.Image:
    """The image with a white top and bottom margin (as the paper comes out)."""
    framed = Image.new("1", (image.width, image.height + 2 * margin), 1)
    framed.paste(image, (0, margin))
    return framed


# -- ESC/POS output


def _text_style(line: PrintLine) -> dict[str, Any]:
    style: dict[str, Any] = {"align": line.align, "bold": line.bold, "invert": line.invert}
    if line.size == "huge":
        style.update(custom_size=True, width=6, height=6)
    elif line.size == "large":
        style.update(double_width=True, double_height=True)
    else:
        style.update(normal_textsize=True, font="b" if line.size == "small" else "a")
    return style


def print_lines(printer: Escpos, lines: Sequence[PrintLine], *, font_dir: Path = SYSTEM_FONT_DIR) -> None:
    """Send lines: ASCII as text, diacritics as one raster image per run of lines, QR natively, then cut."""
    pending: list[PrintLine] = []

    def flush_images() -> None:
        if pending:
            printer.set(align="left")
            printer.image(render_lines(pending, PAPER_WIDTH_DOTS, font_dir=font_dir), impl="bitImageRaster")
            pending.clear()

    printer.hw("INIT")
    for line in lines:
        if line.kind == "text" and not line.text.isascii():
            pending.append(line)
            continue
        flush_images()
        if line.kind == "qr":
            printer.set(align="center")
            printer.qr(line.text, ec=QR_ECLEVEL_M, size=QR_MODULE_DOTS, native=True)
            printer.ln()
        elif line.kind == "rule":
            printer.set(align="left", normal_textsize=True, font="a", bold=False, invert=False)
            printer.textln("-" * TEXT_COLUMNS)
        elif line.kind == "blank":
            printer.ln()
        else:
            printer.set(**_text_style(line))
            printer.textln(line.text)
            printer.set(normal_textsize=True, bold=False, invert=False, font="a")
    flush_images()
    printer.cut()


def print_document(
    lines: Sequence[PrintLine],
    printer: Escpos | str,
    *,
    profile: str = DEFAULT_PROFILE,
    paper_check: bool = True,
    font_dir: Path = SYSTEM_FONT_DIR,
    timeout: float = 5.0,
) -> None:
    """Print lines on a printer (an open one, or a URL-like setting opened and closed here).

    PrinterUnavailable if the printer cannot be reached, has no paper or fails while printing.
    """
    own = isinstance(printer, str)
    device = open_printer(printer, profile=profile, timeout=timeout) if isinstance(printer, str) else printer
    try:
        if paper_check:
            check_paper(device)
        print_lines(device, lines, font_dir=font_dir)
    except PrinterUnavailable:
        raise
    except (OSError, EscposError) as exc:
        logger.warning("printing failed: %s", type(exc).__name__)
        raise unavailable("write_failed") from exc
    finally:
        if own and not isinstance(device, Dummy):
            with suppress(Exception):
                device.close()
