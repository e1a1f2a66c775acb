"""Uploaded images and PDFs: accepted ones become searchable PDFs; bad ones get a clear 4xx, quickly."""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import time
import zlib

import pytest
from capture_pages import KNOWN_WORDS, png_bytes, render_page
from PIL import Image
from pypdf import PdfReader, PdfWriter

from motcua.domain.vntext import fold
from queue_server.capture import CaptureError, CaptureLimits, process_upload, read_limited


def _refusal(data, filename="f", content_type="application/octet-stream", **kw) -> CaptureError:
    started = time.monotonic()
    with pytest.raises(CaptureError) as err:
        process_upload(data, filename, content_type, **kw)
    assert time.monotonic() - started < 30, "a refusal must be quick"
    e = err.value
    assert (
        e.message_vi
        and e.message_en
        and e.to_json() == {"code": e.code, "message_vi": e.message_vi, "message_en": e.message_en}
    )
    return e


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (object 1 is the catalogue), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()


# --- accepted --------------------------------------------------------------------------------------------


def test_png_upload_becomes_a_one_page_searchable_pdf(tmp_path):
    paper = process_upload(png_bytes(render_page()), "giay-khai-sinh.png", "image/png")
    assert paper.pages == 1 and len(paper.thumbnails) == 1
    assert paper.sha256 == hashlib.sha256(paper.pdf).hexdigest()
    layer = fold(_pdftotext(paper.pdf, tmp_path))
    assert all(fold(w) in layer for w in KNOWN_WORDS)
    thumb = Image.open(io.BytesIO(paper.thumbnails[0]))
    assert thumb.format == "PNG" and thumb.width == 200


def test_scanned_multipage_pdf_is_rasterised_and_ocrd_page_by_page(tmp_path):
    pages = [render_page(150, title=t) for t in ("GIẤY KHAI SINH", "SỔ HỘ KHẨU", "ĐƠN ĐỀ NGHỊ")]
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=150)  # images, no text
    paper = process_upload(buf.getvalue(), "scan.pdf", "application/pdf")
    assert paper.pages == 3 and len(paper.thumbnails) == 3
    assert len(PdfReader(io.BytesIO(paper.pdf)).pages) == 3
    per_page = [fold(t) for t in paper.text.split("\f")]
    assert "giay khai sinh" in per_page[0] and "so ho khau" in per_page[1] and "don de nghi" in per_page[2]
    # Two tesseract processes (pages 1-2, 3) joined by pypdf: each page keeps its own text layer.
    (tmp_path / "m.pdf").write_bytes(paper.pdf)
    third = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", "-enc", "UTF-8", str(tmp_path / "m.pdf"), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    assert "don de nghi" in fold(third) and "giay khai sinh" not in fold(third)


def test_pdf_that_already_has_a_text_layer_is_kept_byte_for_byte():
    first = process_upload(png_bytes(render_page()), "a.png", "image/png")
    again = process_upload(first.pdf, "a.pdf", "application/pdf")
    assert again.pdf == first.pdf and again.sha256 == first.sha256  # same paper twice: same content address
    assert again.pages == 1 and "giay khai sinh" in fold(again.text)


def test_multipage_tiff_gives_one_pdf_page_per_frame():
    frames = [render_page(150, title=t) for t in ("TRANG MỘT", "TRANG HAI")]
    buf = io.BytesIO()
    frames[0].save(
        buf, format="TIFF", save_all=True, append_images=frames[1:], dpi=(150, 150), compression="tiff_deflate"
    )
    paper = process_upload(buf.getvalue(), "hoso.tif", "image/tiff")
    assert paper.pages == 2 and "trang hai" in fold(paper.text.split("\f")[1])


def test_type_is_sniffed_from_the_bytes_not_the_name():
    paper = process_upload(png_bytes(render_page(150)), "photo.pdf", "application/pdf")
    assert paper.source == "upload-image" and paper.pages == 1


def test_bitonal_mode_stores_ccitt_g4_pages_about_ten_times_smaller(tmp_path):
    data = png_bytes(render_page())
    grey = process_upload(data, "a.png", "image/png")
    bitonal = process_upload(data, "a.png", "image/png", limits=CaptureLimits(page_mode="bitonal"))
    (tmp_path / "b.pdf").write_bytes(bitonal.pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(tmp_path / "b.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert " ccitt " in listing
    assert len(bitonal.pdf) * 4 < len(grey.pdf)
    assert "giay khai sinh" in fold(bitonal.text)


# --- refused ---------------------------------------------------------------------------------------------


class _Endless(io.RawIOBase):
    """50 MB of upload body, counting what is read from it."""

    def __init__(self, size: int) -> None:
        self.left, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        self.read_bytes += n
        head = b"\x89PNG\r\n\x1a\n" if self.read_bytes == n else b""
        return (head + b"\0" * n)[:n]


def test_50_mb_upload_is_refused_413_without_reading_past_the_limit():
    stream = _Endless(50_000_000)
    e = _refusal(stream, "big.png", "image/png", max_bytes=25_000_000)
    assert e.status == 413 and e.code == "capture.too_large" and "25 MB" in e.message_en
    assert stream.read_bytes == 25_000_001


def test_50_mb_bytes_are_refused_413():
    assert _refusal(b"%PDF-1.7\n" + b"\0" * 50_000_000, max_bytes=25_000_000).status == 413


def test_read_limited_returns_a_body_within_the_limit():
    assert read_limited(io.BytesIO(b"x" * 1000), 1000) == b"x" * 1000


@pytest.mark.parametrize(
    "data",
    [
        b"hello, this is not an image",
        b"PK\x03\x04" + b"\0" * 100,
        b"<html><body>hi</body></html>",
        b"GIF89a" + b"\0" * 64,
    ],
    ids=["text", "zip", "html", "gif"],
)
def test_a_non_image_is_refused_415_whatever_it_claims_to_be(data):
    e = _refusal(data, "anh.png", "image/png")
    assert e.status == 415 and e.code == "capture.unsupported_type"
    assert "JPEG, PNG" in e.message_vi


def test_empty_upload_is_refused_422():
    assert _refusal(b"").status == 422


def _png_bomb(width: int, height: int) -> bytes:
    """A 1-bit PNG of width x height zeros: tens of kB on disk, `width*height` pixels decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\0" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("w", "h"), [(20_000, 20_000), (10_000, 10_000)], ids=["400Mpx-past-pillow", "100Mpx"])
def test_an_image_bomb_is_refused_422_from_its_header(w, h):
    bomb = _png_bomb(w, h)
    assert len(bomb) < 1_000_000
    e = _refusal(bomb, "bomb.png", "image/png")
    assert e.status == 422 and e.code == "capture.image_too_large"


def test_a_truncated_jpeg_is_refused_422():
    buf = io.BytesIO()
    render_page(150).save(buf, format="JPEG", quality=80)
    e = _refusal(buf.getvalue()[: len(buf.getvalue()) // 2], "cut.jpg", "image/jpeg")
    assert e.status == 422 and e.code == "capture.unreadable"


def test_a_corrupt_png_is_refused_422():
    data = bytearray(png_bytes(render_page(150)))
    data[100:400] = b"\xff" * 300
    assert _refusal(bytes(data), "bad.png", "image/png").status == 422


def _blank_pages_pdf(count: int, box: str = "0 0 595 842") -> bytes:
    kids = " ".join(f"{3 + i} 0 R" for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode()]
    objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [{box}] >>".encode()] * count
    return _pdf(objects)


def test_a_pdf_of_10000_pages_is_refused_422_before_any_page_is_read():
    e = _refusal(_blank_pages_pdf(10_000), "bomb.pdf", "application/pdf")
    assert e.status == 422 and e.code == "capture.too_many_pages" and "50" in e.message_vi


def test_a_pdf_with_a_huge_page_box_is_refused_422():
    e = _refusal(_blank_pages_pdf(1, "0 0 14400 14400"), "big.pdf", "application/pdf")
    assert e.status == 422 and e.code == "capture.pdf_page_too_large"


def test_a_pdf_whose_stream_inflates_to_gigabytes_is_refused_422():
    comp = zlib.compressobj(9)
    zeros = b"\0" * (1 << 20)
    stream = b"".join(comp.compress(zeros) for _ in range(400)) + comp.flush()  # 400 MB → ~0.4 MB
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    bomb = _pdf(objects)
    assert len(bomb) < 1_000_000
    e = _refusal(bomb, "zip.pdf", "application/pdf")
    assert e.status == 422 and e.code == "capture.processing_limit"


def test_a_pdf_that_is_only_a_header_is_refused_422():
    assert _refusal(b"%PDF-1.7\n" + b"garbage " * 100, "x.pdf", "application/pdf").status == 422


def test_a_password_protected_pdf_is_refused_422_with_a_hint():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau")
    buf = io.BytesIO()
    writer.write(buf)
    e = _refusal(buf.getvalue(), "locked.pdf", "application/pdf")
    assert e.status == 422 and e.code == "capture.pdf_encrypted"


def test_a_pdf_over_the_time_limit_is_refused_not_hung():
    pages = [render_page(150, title=f"TRANG {i}") for i in range(3)]
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=150)
    e = _refusal(buf.getvalue(), "slow.pdf", "application/pdf", limits=CaptureLimits(ocr_timeout_s=0.05))
    assert e.status == 422 and e.code == "capture.processing_limit"
