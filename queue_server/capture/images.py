"""Decode untrusted image bytes with bounded memory; encode page images for the PDF and the thumbnails."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import refuse
from .model import CaptureLimits

__all__ = ["Page", "decode_image_pages", "encode_page", "otsu_threshold", "sniff", "thumbnail_png"]

_A4_LONG_IN = 11.69


@dataclass(frozen=True)
class Page:
    """A grey page image and its resolution (dots per inch)."""

    image: Image.Image  # mode "L"
    dpi: int


def sniff(data: bytes) -> str | None:
    """The file type from its first bytes (never from its name): jpeg, png, tiff, pdf or None."""
    head = data[:1024]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    # PDF readers accept the header anywhere in the first kilobyte (ISO 32000-1 §7.5.2, implementation note).
    if b"%PDF-" in head:
        return "pdf"
    return None


def _dpi_of(im: Image.Image) -> int:
    raw = im.info.get("dpi")
    if raw:
        try:
            dpi = round(float(raw[0]))
        except (TypeError, ValueError, IndexError):
            dpi = 0
        if 72 <= dpi <= 1200:
            return dpi
    # No (or absurd) resolution: assume the long side is an A4 page's.
    return max(100, min(600, round(max(im.size) / _A4_LONG_IN)))


def _grey_page(frame: Image.Image, limits: CaptureLimits, dpi: int | None) -> Page:
    dpi = dpi or _dpi_of(frame)
    frame = ImageOps.exif_transpose(frame) or frame
    grey = frame.convert("L")
    # Oversampled scans are brought down to the storage resolution: OCR does not gain past ~300 dpi.
    if dpi > limits.raster_dpi * 3 // 2:
        scale = limits.raster_dpi / dpi
        grey = grey.resize(
            (max(1, round(grey.width * scale)), max(1, round(grey.height * scale))), Image.Resampling.LANCZOS
        )
        dpi = limits.raster_dpi
    return Page(grey, dpi)


def decode_image_pages(data: bytes, limits: CaptureLimits, *, dpi: int | None = None) -> list[Page]:
    """Every frame of a JPEG/PNG/TIFF as a grey Page; 422 for a bomb, a truncated or a corrupt file.

    ``dpi`` overrides the file's own resolution (a scanner's PNG carries none).
    """
    try:
        # Pillow itself refuses past 2 x MAX_IMAGE_PIXELS (DecompressionBombError); our bound is lower.
        im = Image.open(io.BytesIO(data), formats=["JPEG", "PNG", "TIFF"])
        frames = getattr(im, "n_frames", 1)
        if frames > limits.max_pages:
            raise refuse("capture.too_many_pages", limit=limits.max_pages)
        pages = []
        for index in range(frames):
            im.seek(index)
            # Checked from the header, before a single pixel is decoded.
            if im.width * im.height > limits.max_pixels_per_page or min(im.size) < 1:
                raise refuse("capture.image_too_large", limit_mpx=limits.max_pixels_per_page // 1_000_000)
            im.load()
            pages.append(_grey_page(im.copy(), limits, dpi))
        return pages
    except Image.DecompressionBombError:
        raise refuse("capture.image_too_large", limit_mpx=limits.max_pixels_per_page // 1_000_000) from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError, UnidentifiedImageError):
        # Pillow signals truncated and corrupt files with these; the message names no internals.
        raise refuse("capture.unreadable") from None


def otsu_threshold(image: Image.Image) -> int:
    """Otsu's grey level separating ink from paper (a fixed 128 broke thin strokes of digits in tests)."""
    hist = image.convert("L").histogram()
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    best, best_var, w0, sum0 = 128, -1.0, 0, 0.0
    for level in range(256):
        w0 += hist[level]
        if w0 in (0, total):
            continue
        sum0 += level * hist[level]
        m0, m1 = sum0 / w0, (sum_all - sum0) / (total - w0)
        var = w0 * (total - w0) * (m0 - m1) ** 2
        if var > best_var:
            best, best_var = level, var
    return best


def encode_page(page: Page, limits: CaptureLimits) -> tuple[bytes, str]:
    """The page as stored in the PDF: (bytes, suffix) — grey JPEG or 1-bit CCITT G4 TIFF."""
    buf = io.BytesIO()
    if limits.page_mode == "bitonal":
        if page.image.mode == "1":
            bw = page.image
        else:
            cut = otsu_threshold(page.image)
            bw = page.image.point(lambda v: 255 if v > cut else 0).convert("1")
        bw.save(buf, format="TIFF", compression="group4", dpi=(page.dpi, page.dpi))
        return buf.getvalue(), ".tif"
    page.image.save(buf, format="JPEG", quality=limits.jpeg_quality, optimize=True, dpi=(page.dpi, page.dpi))
    return buf.getvalue(), ".jpg"


def thumbnail_png(image: Image.Image, width: int) -> bytes:
    """A PNG ``width`` pixels wide (height in proportion) for the clerk to confirm the page."""
    height = max(1, round(image.height * width / image.width))
    small = image.convert("L").resize((width, height), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
