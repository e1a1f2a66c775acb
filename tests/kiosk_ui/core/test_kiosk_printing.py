"""Slip layout, raster rendering and ESC/POS output (Dummy, loopback TCP, file)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from escpos.printer import Dummy
from PIL import Image

from kiosk_ui.core.slip import SlipLine, TicketSlip, describe_wait, format_wait, slip_lines
from kiosk_ui.printing import PrinterUnavailable, open_printer, print_slip, render_slip_image, render_slip_png
from kiosk_ui.printing.render import FONT_DIR, PAPER_WIDTH_DOTS
from kiosk_ui.printing.samples import sample_slip

ESC_INIT = b"\x1b@"
GS_RASTER = b"\x1dv0"
GS_QR = b"\x1d(k"
GS_CUT = b"\x1dV"
GS_SIZE_6X6 = b"\x1d!\x55"


def test_slip_lines_in_vietnamese() -> None:
    lines = slip_lines(sample_slip("vi"))
    texts = [line.text for line in lines if line.kind == "text"]
    assert "PHIẾU SỐ THỨ TỰ" in texts
    assert "Số người đang chờ trước bạn: 6" in texts
    assert "Thời gian chờ dự kiến: khoảng 25 phút" in texts
    assert "Giờ lấy số: 09:05, 18/03/2025" in texts
    number = next(line for line in lines if line.text == "B012")
    assert (number.size, number.bold, number.ascii_only) == ("huge", True, True)
    assert [line.text for line in lines if line.kind == "qr"] == ["https://motcua.bacninh.gov.vn/t/8F3K2Q"]
    assert not any(line.invert for line in lines)


def test_slip_lines_in_english_with_priority_show_local_time() -> None:
    slip = replace(sample_slip("en", priority=True), issued_at=datetime.fromisoformat("2025-03-18T23:30:00+00:00"))
    lines = slip_lines(slip)
    texts = [line.text for line in lines]
    assert "Issued at: 06:30, 19/03/2025" in texts  # UTC+7
    assert "(Đăng ký khai sinh)" in texts
    priority = next(line for line in lines if "Priority" in line.text)
    assert priority.invert
    assert "People ahead of you: 1" in texts


def test_no_one_ahead_and_long_waits() -> None:
    slip = replace(sample_slip("vi"), people_ahead=0, estimated_wait_min=80)
    texts = [line.text for line in slip_lines(slip)]
    assert "Bạn là người tiếp theo" in texts
    assert "Thời gian chờ dự kiến: khoảng 1 giờ 20 phút" in texts
    assert format_wait(80, "en") == "1 h 20 min"


def test_a_wait_under_a_minute_is_not_about_zero_minutes() -> None:
    slip = replace(sample_slip("vi"), people_ahead=0, estimated_wait_min=0)
    assert "Thời gian chờ dự kiến: dưới 1 phút" in [line.text for line in slip_lines(slip)]
    assert describe_wait(0, "en") == "under a minute" and describe_wait(1, "en") == "about 1 min"


def test_slip_refuses_naive_time_and_bad_language() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        replace(sample_slip(), issued_at=datetime(2025, 3, 18, 9, 5))
    with pytest.raises(ValueError, match="language"):
        replace(sample_slip(), lang="fr")  # type: ignore[arg-type]


def test_ascii_only_flag() -> None:
    assert SlipLine("B012").ascii_only
    assert not SlipLine("Quầy 3").ascii_only


def test_font_and_licence_are_shipped() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert (FONT_DIR / name).stat().st_size > 1000


def test_rendered_slip_is_one_bit_576_dots_and_its_qr_scans(tmp_path: Path) -> None:
    from kiosk_ui.camera import decode_file

    path = render_slip_png(sample_slip("vi"), tmp_path / "slip.png")
    with Image.open(path) as image:
        assert image.mode == "1"
        assert image.width == PAPER_WIDTH_DOTS
        assert 900 < image.height < 1400
        black = image.histogram()[0] / (image.width * image.height)
        assert 0.05 < black < 0.4
    assert decode_file(path) == "https://motcua.bacninh.gov.vn/t/8F3K2Q"


def test_priority_slip_is_taller_than_one_without_receipt_code() -> None:
    plain = render_slip_image(replace(sample_slip("vi"), receipt_code=None))
    priority = render_slip_image(sample_slip("vi", priority=True))
    assert priority.height > plain.height


def _structure(data: bytes, track_url: str) -> None:
    assert data.startswith(ESC_INIT)
    assert GS_RASTER in data
    # QR "store data" is GS ( k pL pH 49 80 48 <data> (ESC/POS function 180)
    store = data.index(GS_QR + bytes([(len(track_url) + 3) % 256, (len(track_url) + 3) // 256]) + b"1P0")
    assert data[store + 8 : store + 8 + len(track_url)] == track_url.encode()
    assert data.rfind(GS_CUT) > store


def test_dummy_printer_gets_raster_text_qr_and_cut() -> None:
    printer = open_printer("dummy:")
    assert isinstance(printer, Dummy)
    slip = sample_slip("vi")
    print_slip(slip, printer)
    data = printer.output
    _structure(data, slip.track_url)
    assert GS_SIZE_6X6 + b"\x1b" in data or GS_SIZE_6X6 in data
    assert data.index(GS_SIZE_6X6) < data.index(b"B012\n")  # the number, very large, as text
    assert b"-" * 48 + b"\n" in data
    assert slip.track_url.encode() + b"\n" in data  # the URL under the QR, as text
    assert b"Qu" not in data  # Vietnamese lines are never sent as text
    assert data.count(GS_RASTER) >= 3
    assert data.rfind(GS_CUT) > data.rfind(GS_QR) > data.rfind(b"B012")


def test_english_slip_prints_ascii_lines_as_text() -> None:
    printer = Dummy(profile="TM-T20II")
    print_slip(sample_slip("en"), printer)
    data = printer.output
    for text in (
        b"QUEUE TICKET\n",
        b"Birth registration\n",
        b"People ahead of you: 6\n",
        b"Estimated wait: about 25 min\n",
        b"Issued at: 09:05, 18/03/2025\n",
    ):
        assert text in data
    assert GS_RASTER in data  # the centre name and '(Đăng ký khai sinh)' still need the image


class _Server:
    """A one-connection TCP sink on loopback, optionally answering status queries."""

    def __init__(self, reply: bytes = b"") -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        self.received = bytearray()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.settimeout(5)
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.received += chunk
                if self.reply and b"\x10\x04" in chunk:
                    conn.sendall(self.reply)

    def close(self) -> None:
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    yield srv
    srv.close()


def test_printing_over_tcp_reaches_a_loopback_server(server: _Server) -> None:
    slip = sample_slip("vi")
    print_slip(slip, f"tcp://127.0.0.1:{server.port}", paper_check=False)
    server.thread.join(timeout=5)
    _structure(bytes(server.received), slip.track_url)


def test_silent_printer_status_does_not_block_printing(server: _Server) -> None:
    print_slip(sample_slip("vi"), f"tcp://127.0.0.1:{server.port}")
    server.thread.join(timeout=5)
    data = bytes(server.received)
    assert data.startswith(b"\x10\x04\x04")  # DLE EOT 4: paper sensor status query
    assert GS_CUT in data


def test_out_of_paper_status_raises_printer_unavailable() -> None:
    srv = _Server(reply=bytes([0x72]))  # paper-end bits set
    try:
        with pytest.raises(PrinterUnavailable) as info:
            print_slip(sample_slip("vi"), f"tcp://127.0.0.1:{srv.port}")
    finally:
        srv.close()
    assert info.value.reason == "out_of_paper"
    assert info.value.message_vi == "Máy in hết giấy"
    assert GS_RASTER not in srv.received


def test_refused_connection_raises_printer_unavailable() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(PrinterUnavailable, match="cannot be reached") as info:
        print_slip(sample_slip("vi"), f"tcp://127.0.0.1:{port}")
    assert info.value.reason == "not_found"
    assert "Không kết nối được máy in" in str(info.value)


def test_file_printer_writes_the_bytes(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    print_slip(sample_slip("vi"), f"file:{target}")
    _structure(target.read_bytes(), sample_slip().track_url)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:/nonexistent-dir/lp0", "not_found"),
        ("usb:04b8:0202", "not_found"),  # no pyusb / libusb / device here
        ("usb:zz:0202", "bad_setting"),
        ("usb:04b8", "bad_setting"),
        ("tcp://", "bad_setting"),
        ("lpt:1", "bad_setting"),
        ("", "bad_setting"),
    ],
)
def test_bad_or_missing_printers_raise_printer_unavailable(url: str, reason: str) -> None:
    with pytest.raises(PrinterUnavailable) as info:
        open_printer(url)
    assert info.value.reason == reason


class _BrokenPrinter(Dummy):
    def _raw(self, msg: bytes) -> None:
        raise BrokenPipeError("cable pulled")


def test_write_failure_raises_printer_unavailable() -> None:
    with pytest.raises(PrinterUnavailable) as info:
        print_slip(sample_slip("vi"), _BrokenPrinter(profile="TM-T20II"))
    assert info.value.reason == "write_failed"


def test_preview_command_renders_the_three_doc_slips(tmp_path: Path) -> None:
    from kiosk_ui.printing.__main__ import main

    assert main(["preview", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slip-en.png", "slip-priority-vi.png", "slip-vi.png"]


def test_ticket_slip_is_frozen() -> None:
    slip: TicketSlip = sample_slip()
    with pytest.raises(AttributeError):
        slip.number = "A001"  # type: ignore[misc]
