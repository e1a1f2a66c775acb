"""Print a ticket slip on an ESC/POS thermal printer (python-escpos).

ASCII-only lines go out as printer text (sharp, fast); lines with Vietnamese diacritics are
rendered with the shipped font into a 1-bit raster image (``GS v 0``), since cheap printers have
no Vietnamese code page. The ticket number is printed very large, the tracking URL as a native
QR code (``GS ( k``), then the paper is cut (``GS V``).

Printer settings are URL-like: ``usb:VID:PID`` (hex), ``tcp://HOST[:9100]``, ``file:/dev/usb/lp0``
or ``dummy:`` (bytes kept in memory, for tests and previews). Every failure to reach or use the
printer is raised as :class:`PrinterUnavailable`, so the kiosk keeps the ticket on screen.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Usb

from kiosk_ui.core.slip import SlipLine, TicketSlip, slip_lines
from kiosk_ui.printing.render import PAPER_WIDTH_DOTS, render_lines

__all__ = ["DEFAULT_PROFILE", "PrinterUnavailable", "open_printer", "print_lines", "print_slip"]

logger = logging.getLogger(__name__)

DEFAULT_PROFILE = "TM-T20II"  # a common 80 mm printer: 576 dots, native QR, full cut
TEXT_COLUMNS = 48  # font A, 12 dots wide, on 576 dots
QR_MODULE_DOTS = 6


class PrinterUnavailable(Exception):
    """The printer cannot print now; the message says why in Vietnamese and English."""

    def __init__(self, reason: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{message_vi} / {message_en}")
        self.reason = reason
        self.message_vi = message_vi
        self.message_en = message_en


def _unavailable(reason: str) -> PrinterUnavailable:
    messages = {
        "bad_setting": ("Cấu hình máy in không hợp lệ", "The printer setting is not valid"),
        "not_found": ("Không kết nối được máy in", "The printer cannot be reached"),
        "out_of_paper": ("Máy in hết giấy", "The printer is out of paper"),
        "offline": ("Máy in đang ngoại tuyến (nắp mở hoặc lỗi)", "The printer is offline (cover open or error)"),
        "write_failed": ("Máy in bị ngắt kết nối khi đang in", "The printer was disconnected while printing"),
    }
    vi, en = messages[reason]
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
                raise _unavailable("bad_setting")
            printer = Network(parts.hostname, port=parts.port or 9100, timeout=timeout, profile=profile)
        elif scheme == "file":
            path = url.split(":", 1)[1]
            if path.startswith("//"):
                path = parts.path
            if not path:
                raise _unavailable("bad_setting")
            printer = File(path, profile=profile)
        elif scheme == "usb":
            fields = url.split(":")[1:]
            if len(fields) != 2:
                raise _unavailable("bad_setting")
            vid, pid = (int(f, 16) for f in fields)
            if not Usb.is_usable():  # pyusb is an optional extra (python-escpos[usb])
                logger.warning("printer usb unavailable: pyusb is not installed")
                raise _unavailable("not_found")
            printer = Usb(idVendor=vid, idProduct=pid, timeout=int(timeout * 1000), profile=profile)
        else:
            raise _unavailable("bad_setting")
    except ValueError:
        raise _unavailable("bad_setting") from None
    try:
        printer.open()
    except (EscposError, OSError, RuntimeError, ValueError) as exc:
        # RuntimeError: pyusb missing; ValueError: pyusb without a libusb backend.
        logger.warning("printer %s unavailable: %s", scheme, type(exc).__name__)
        raise _unavailable("not_found") from exc
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
        raise _unavailable("out_of_paper")


def _text_style(line: SlipLine) -> dict[str, Any]:
    style: dict[str, Any] = {"align": line.align, "bold": line.bold, "invert": line.invert}
    if line.size == "huge":
        style.update(custom_size=True, width=6, height=6)
    elif line.size == "large":
        style.update(double_width=True, double_height=True)
    else:
        style.update(normal_textsize=True, font="b" if line.size == "small" else "a")
    return style


def print_lines(printer: Escpos, lines: Sequence[SlipLine]) -> None:
    """Send slip lines: ASCII as text, diacritics as one raster image per run of lines, QR natively."""
    pending: list[SlipLine] = []

    def flush_images() -> None:
        if pending:
            printer.set(align="left")
            printer.image(render_lines(pending, PAPER_WIDTH_DOTS), impl="bitImageRaster")
            pending.clear()

    printer.hw("INIT")
    for line in lines:
        if line.kind == "text" and not line.ascii_only:
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


def print_slip(
    slip: TicketSlip, printer: Escpos | str, *, profile: str = DEFAULT_PROFILE, paper_check: bool = True
) -> None:
    """Print a ticket slip; PrinterUnavailable if the printer cannot be reached or has no paper."""
    own = isinstance(printer, str)
    device = open_printer(printer, profile=profile) if isinstance(printer, str) else printer
    try:
        if paper_check:
            check_paper(device)
        print_lines(device, slip_lines(slip))
    except PrinterUnavailable:
        raise
    except (OSError, EscposError) as exc:
        logger.warning("printing failed: %s", type(exc).__name__)
        raise _unavailable("write_failed") from exc
    finally:
        if own and not isinstance(device, Dummy):
            with suppress(Exception):
                device.close()
