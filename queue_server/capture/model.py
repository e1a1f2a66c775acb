"""What a capture returns, and the limits it works within."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["CaptureLimits", "CapturedPaper"]


@dataclass(frozen=True)
class CapturedPaper:
    """One digitised paper: a searchable PDF, its text, a thumbnail per page and its content address."""

    pdf: bytes
    text: str
    thumbnails: list[bytes] = field(repr=False)
    pages: int
    sha256: str
    source: str = "upload"

    def __repr__(self) -> str:  # never print the text: it is personal data
        return f"CapturedPaper(pages={self.pages}, bytes={len(self.pdf)}, sha256={self.sha256[:12]}…, {self.source})"


@dataclass(frozen=True)
class CaptureLimits:
    """Bounds on work per capture; the defaults fit a 2-core site server."""

    max_pages: int = 50
    # Per decoded page. A4 at 600 dpi is 35 Mpx; 40 Mpx grey is 40 MB in memory, the worst case we accept.
    max_pixels_per_page: int = 40_000_000
    # A PDF page larger than this (points², default A2) is refused before anything is rasterised.
    max_pdf_page_area_pt2: float = 1191.0 * 1684.0
    raster_dpi: int = 200
    lang: str = "vie"
    # "grey": JPEG of the normalised grey page (keeps seals, signatures, ID photos legible);
    # "bitonal": 1-bit CCITT G4, about 10x smaller, for pure text pages.
    page_mode: Literal["grey", "bitonal"] = "grey"
    jpeg_quality: int = 75
    thumbnail_width: int = 200
    ocr_timeout_s: float = 120.0  # per page
    # Tesseract processes for one paper of several pages (each single-threaded): the server's 2 cores.
    ocr_workers: int = 2
    tool_timeout_s: float = 60.0  # pdfinfo / pdftotext / pdftoppm per call
    tool_memory_bytes: int = 1_500_000_000  # address-space limit for each poppler/tesseract child
