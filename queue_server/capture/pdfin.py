"""Untrusted PDFs: checked by a bounded inflate scan, then read only by poppler tools in limited children.

The server process never parses an uploaded PDF's object graph: poppler's ``pdfinfo``/``pdftotext``/
``pdftoppm`` do, each with a time limit and an address-space limit, so a hostile file costs at most one
killed child. pypdf is used on the PDFs we produce (trusted) to count and check their pages.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ._proc import ToolTimeout, run_tool
from .errors import refuse
from .images import Page
from .model import CaptureLimits

__all__ = ["PdfFacts", "count_pages", "inflate_budget_ok", "inspect_pdf", "pdf_text", "rasterise", "thumbnails"]

_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_CHUNK = 1 << 16
# One stream inflating past this is a bomb: 40 Mpx RGB (our page limit) is 120 MB raw.
MAX_STREAM_INFLATED = 160_000_000
MAX_TOTAL_INFLATED = 2_000_000_000
_MIN_TEXT_CHARS_PER_PAGE = 16


@dataclass(frozen=True)
class PdfFacts:
    pages: int
    page_sizes_pt: list[tuple[float, float]]


def inflate_budget_ok(data: bytes) -> bool:
    """False when some Flate stream inflates past MAX_STREAM_INFLATED (or all of them past the total).

    Streams are inflated chunk by chunk and discarded, so memory stays at a few chunks whatever the ratio.
    """
    total = 0
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        produced = 0
        pos = match.end()
        pending = b""
        try:
            while not inflater.eof:
                if not pending:
                    if pos >= len(data):
                        break
                    pending, pos = data[pos : pos + _CHUNK], pos + _CHUNK
                produced += len(inflater.decompress(pending, _CHUNK))
                pending = inflater.unconsumed_tail
                if produced > MAX_STREAM_INFLATED or total + produced > MAX_TOTAL_INFLATED:
                    return False
        except zlib.error:
            pass  # not Flate (DCT, CCITT, raw...) or damaged: poppler will judge it
        total += produced
    return True


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise refuse("capture.ocr_unavailable")
    return exe


def _run(argv: list[str], limits: CaptureLimits) -> bytes:
    try:
        out = run_tool(argv, timeout_s=limits.tool_timeout_s, memory_bytes=limits.tool_memory_bytes)
    except ToolTimeout:
        raise refuse("capture.processing_limit") from None
    if out.returncode != 0:
        err = out.stderr.decode("utf-8", "replace").lower()
        if "password" in err or "encrypt" in err:
            raise refuse("capture.pdf_encrypted")
        if out.returncode < 0 or "memory" in err or "bad_alloc" in err:
            raise refuse("capture.processing_limit")
        raise refuse("capture.unreadable")
    return out.stdout


def inspect_pdf(path: Path, limits: CaptureLimits) -> PdfFacts:
    """Page count and page sizes, refusing too many pages or a page too large to rasterise."""
    info = _run([_tool("pdfinfo"), str(path)], limits).decode("utf-8", "replace")
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    if match is None:
        raise refuse("capture.unreadable")
    pages = int(match.group(1))
    if pages < 1:
        raise refuse("capture.unreadable")
    if pages > limits.max_pages:
        raise refuse("capture.too_many_pages", limit=limits.max_pages)
    sized = _run([_tool("pdfinfo"), "-f", "1", "-l", str(pages), str(path)], limits).decode("utf-8", "replace")
    sizes = [
        (float(w), float(h))
        for w, h in re.findall(r"^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)", sized, re.MULTILINE)
    ]
    if len(sizes) != pages:
        raise refuse("capture.unreadable")
    for w, h in sizes:
        if w * h > limits.max_pdf_page_area_pt2 or w <= 0 or h <= 0:
            raise refuse("capture.pdf_page_too_large")
        if w * h * (limits.raster_dpi / 72) ** 2 > limits.max_pixels_per_page:
            raise refuse("capture.pdf_page_too_large")
    return PdfFacts(pages, sizes)


def pdf_text(path: Path, limits: CaptureLimits) -> list[str]:
    """The text layer of each page (empty strings for a scan without one)."""
    raw = _run([_tool("pdftotext"), "-enc", "UTF-8", str(path), "-"], limits).decode("utf-8", "replace")
    pages = raw.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def has_text_layer(texts: list[str], pages: int) -> bool:
    """True when every page carries real text (a born-digital PDF or one already OCR'd)."""
    if len(texts) < pages:
        return False
    return all(sum(ch.isalnum() for ch in t) >= _MIN_TEXT_CHARS_PER_PAGE for t in texts[:pages])


def rasterise(path: Path, facts: PdfFacts, limits: CaptureLimits) -> list[Page]:
    """Each page as a grey image at ``limits.raster_dpi`` (pdftoppm, one limited child per page)."""
    exe = _tool("pdftoppm")
    out: list[Page] = []
    for number in range(1, facts.pages + 1):
        png = _run(
            [exe, "-f", str(number), "-l", str(number), "-r", str(limits.raster_dpi), "-gray", "-png", str(path)],
            limits,
        )
        try:
            image = Image.open(io.BytesIO(png), formats=["PNG"])
            image.load()
        except (OSError, ValueError) as exc:
            raise refuse("capture.unreadable") from exc
        out.append(Page(image.convert("L"), limits.raster_dpi))
    return out


def thumbnails(path: Path, pages: int, limits: CaptureLimits) -> list[bytes]:
    """A PNG per page, ``limits.thumbnail_width`` wide, rendered by pdftoppm."""
    with tempfile.TemporaryDirectory(prefix="motcua-thumbs-") as tmp:
        prefix = Path(tmp) / "t"
        w = str(limits.thumbnail_width)
        _run(
            [_tool("pdftoppm"), "-png", "-gray", "-scale-to-x", w, "-scale-to-y", "-1", str(path), str(prefix)], limits
        )
        files = sorted(Path(tmp).glob("t-*.png"))
        if len(files) != pages:
            raise refuse("capture.unreadable")
        return [f.read_bytes() for f in files]


def count_pages(pdf: bytes) -> int:
    """Pages of a PDF we produced, read with pypdf (strict): a check that the output is a sound PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf), strict=True).pages)
