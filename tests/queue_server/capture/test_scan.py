"""Flatbed path through the real SANE protocol: scanimage driving SANE's `test` backend (sane-utils)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from queue_server.capture import CaptureError, list_scanners, scan


def test_scan_from_the_sane_test_device_gives_a_one_page_pdf():
    paper = scan("test", 200)
    assert paper.pages == 1 and paper.source == "scan"
    reader = PdfReader(io.BytesIO(paper.pdf))
    assert len(reader.pages) == 1
    # The test backend's default area at 200 dpi is 629 x 787 px; the PDF page is that at 200 dpi, in points.
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(629 * 72 / 200, abs=1.5)
    assert float(box.height) == pytest.approx(787 * 72 / 200, abs=1.5)
    assert Image.open(io.BytesIO(paper.thumbnails[0])).width == 200


def test_scan_of_the_grid_test_picture_keeps_the_black_and_white_squares():
    paper = scan("test", 100, extra_args=["--test-picture=Grid"])
    thumb = Image.open(io.BytesIO(paper.thumbnails[0])).convert("L")
    lo, hi = thumb.getextrema()
    assert lo < 40 and hi > 215  # a grid, not the default solid black page


def test_scan_from_a_device_that_is_not_there_is_refused_503():
    with pytest.raises(CaptureError) as err:
        scan("epson2:libusb:001:099", 200)
    assert err.value.status == 503 and err.value.code == "capture.no_scanner"
    assert "máy quét" in err.value.message_vi.lower()


def test_scan_without_scanimage_installed_is_refused_503():
    with pytest.raises(CaptureError) as err:
        scan("test", 200, scanimage="/nonexistent/scanimage")
    assert err.value.status == 503


def test_a_paper_jam_reported_by_the_scanner_is_a_502_scan_failure():
    with pytest.raises(CaptureError) as err:
        scan("test", 100, extra_args=["--read-return-value=SANE_STATUS_JAMMED"])
    assert err.value.status == 502 and err.value.code == "capture.scan_failed"


def test_list_scanners_returns_names_and_never_raises():
    assert all(isinstance(name, str) and name for name in list_scanners())
    assert list_scanners(scanimage="/nonexistent/scanimage") == []


def test_capture_ready_reports_the_installed_tools():
    from queue_server.capture import capture_ready

    assert capture_ready() == {"tesseract": True, "poppler": True, "scanimage": True}
    assert capture_ready("xyz")["tesseract"] is False
