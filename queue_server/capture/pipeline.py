"""The three ways a paper comes in (upload, document camera, flatbed) → one searchable, addressed PDF."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image

from . import geometry, pdfin, scanner
from .errors import CaptureError, refuse
from .images import Page, decode_image_pages, sniff, thumbnail_png
from .model import CapturedPaper, CaptureLimits
from .ocr import ocr_to_pdf

__all__ = ["process_photo", "process_upload", "read_limited", "scan"]

logger = logging.getLogger(__name__)
_DEFAULT = CaptureLimits()
_READ_CHUNK = 1 << 20


def read_limited(stream: BinaryIO, max_bytes: int = 25_000_000) -> bytes:
    """At most ``max_bytes`` from ``stream``; 413 as soon as one byte more arrives (nothing past it is read)."""
    buf = bytearray()
    while True:
        chunk = stream.read(min(_READ_CHUNK, max_bytes + 1 - len(buf)))
        if not chunk:
            return bytes(buf)
        buf += chunk
        if len(buf) > max_bytes:
            raise refuse("capture.too_large", limit_mb=_mb(max_bytes))


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g}"


def _paper(pdf: bytes, text: str, thumbs: list[bytes], pages: int, source: str) -> CapturedPaper:
    return CapturedPaper(
        pdf=pdf, text=text, thumbnails=thumbs, pages=pages, sha256=hashlib.sha256(pdf).hexdigest(), source=source
    )


def _from_pages(pages: list[Page], limits: CaptureLimits, source: str) -> CapturedPaper:
    pdf, text = ocr_to_pdf(pages, limits)
    if pdfin.count_pages(pdf) != len(pages):  # our own output, so a mismatch is a bug, not bad input
        raise RuntimeError("tesseract produced a PDF with the wrong page count")
    thumbs = [thumbnail_png(p.image, limits.thumbnail_width) for p in pages]
    logger.info("captured %s: %d page(s), %d bytes", source, len(pages), len(pdf))
    return _paper(pdf, text, thumbs, len(pages), source)


def _from_pdf(data: bytes, limits: CaptureLimits) -> CapturedPaper:
    if not pdfin.inflate_budget_ok(data):
        raise refuse("capture.processing_limit")
    with tempfile.TemporaryDirectory(prefix="motcua-pdf-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(data)
        facts = pdfin.inspect_pdf(path, limits)
        texts = pdfin.pdf_text(path, limits)
        if pdfin.has_text_layer(texts, facts.pages):
            # Born digital (or already OCR'd): keep the citizen's bytes, so the hash matches their file.
            thumbs = pdfin.thumbnails(path, facts.pages, limits)
            text = "\f".join(t.strip() for t in texts[: facts.pages])
            return _paper(data, unicodedata.normalize("NFC", text), thumbs, facts.pages, "upload-pdf")
        pages = pdfin.rasterise(path, facts, limits)
    return _from_pages(pages, limits, "upload-pdf")


def process_upload(
    data: bytes | BinaryIO,
    filename: str,
    content_type: str,
    *,
    max_bytes: int = 25_000_000,
    limits: CaptureLimits | None = None,
    as_photo: bool = False,
) -> CapturedPaper:
    """An uploaded JPEG/PNG/TIFF/PDF as a CapturedPaper; CaptureError (413/415/422) for anything else.

    The type is sniffed from the bytes; ``filename`` and ``content_type`` are hints only (never trusted).
    ``as_photo``: the image is a phone/camera photo of a paper, so it goes through the page finding and
    flattening of :func:`process_photo` (first frame only; ignored for a PDF).
    """
    limits = limits or _DEFAULT
    if not isinstance(data, bytes | bytearray | memoryview):
        data = read_limited(data, max_bytes)
    data = bytes(data)
    if len(data) > max_bytes:
        raise refuse("capture.too_large", limit_mb=_mb(max_bytes))
    if not data:
        raise refuse("capture.empty")
    kind = sniff(data)
    if kind is None:
        raise refuse("capture.unsupported_type")
    try:
        if kind == "pdf":
            return _from_pdf(data, limits)
        if as_photo:
            return _from_pages([flatten_photo(data, limits)], limits, "upload-photo")
        return _from_pages(decode_image_pages(data, limits), limits, "upload-image")
    except CaptureError:
        raise
    except MemoryError:
        raise refuse("capture.processing_limit") from None
    except Exception:
        # Bad input must end as a 4xx, never a 500. The traceback is logged, the file's content never is.
        logger.exception("capture of an uploaded %s failed", kind)
        raise refuse("capture.unreadable") from None


def _frame_to_grey(image: np.ndarray | bytes, limits: CaptureLimits) -> np.ndarray:
    if isinstance(image, bytes | bytearray | memoryview):
        pages = decode_image_pages(bytes(image), limits)
        return np.asarray(pages[0].image, dtype=np.uint8)
    frame = np.asarray(image)
    if frame.dtype != np.uint8 or frame.ndim not in (2, 3) or (frame.ndim == 3 and frame.shape[2] not in (1, 3, 4)):
        raise refuse("capture.bad_photo")
    if frame.shape[0] * frame.shape[1] > limits.max_pixels_per_page or min(frame.shape[:2]) < 32:
        raise refuse("capture.bad_photo")
    if frame.ndim == 3 and frame.shape[2] == 1:
        frame = frame[:, :, 0]
    return geometry.to_grey(np.ascontiguousarray(frame))


def flatten_photo(image: np.ndarray | bytes, limits: CaptureLimits | None = None) -> Page:
    """The page in a camera frame, flattened, straightened and evened out, at ``limits.raster_dpi``."""
    limits = limits or _DEFAULT
    grey = _frame_to_grey(image, limits)
    quad = geometry.find_page_quad(grey)
    if quad is None:  # no page edge in view (the page fills the frame): use the frame as it is
        h, w = grey.shape[:2]
        quad = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    page = geometry.warp_page(grey, quad, limits.raster_dpi)
    page = geometry.deskew(page)
    page = geometry.flatten_illumination(page)
    # The page's cut edge (and a sliver of desk) survives the warp as a dark line; paper margins are wider.
    edge = max(2, min(page.shape[:2]) // 200)
    page[:edge, :] = page[-edge:, :] = 255
    page[:, :edge] = page[:, -edge:] = 255
    return Page(Image.fromarray(page, mode="L"), limits.raster_dpi)


def process_photo(image: np.ndarray | bytes, *, limits: CaptureLimits | None = None) -> CapturedPaper:
    """A document-camera frame (BGR/grey array, or JPEG/PNG bytes) → the page found, flattened and OCR'd."""
    limits = limits or _DEFAULT
    return _from_pages([flatten_photo(image, limits)], limits, "photo")


def scan(
    device: str = "test",
    resolution: int = 200,
    *,
    mode: str = "Gray",
    timeout_s: float = 120.0,
    scanimage: str = "scanimage",
    extra_args: Sequence[str] = (),
    limits: CaptureLimits | None = None,
) -> CapturedPaper:
    """One flatbed page through SANE ``scanimage`` → OCR → PDF; 503 when there is no scanner."""
    limits = limits or _DEFAULT
    png = scanner.scan_png(
        device, resolution, mode=mode, timeout_s=timeout_s, scanimage=scanimage, extra_args=extra_args
    )
    pages = decode_image_pages(png, limits, dpi=resolution)  # SANE's PNG carries no resolution; we set it
    return _from_pages(pages, limits, "scan")
