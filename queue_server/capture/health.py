"""What the capture pipeline needs on this machine, for a health check or a clear start-up warning."""

from __future__ import annotations

import shutil

from .ocr import tesseract_ready

__all__ = ["capture_ready"]


def capture_ready(lang: str = "vie") -> dict[str, bool]:
    """Tool → installed: tesseract with ``lang``, poppler (uploaded PDFs), scanimage (flatbed; optional)."""
    return {
        "tesseract": tesseract_ready(lang),
        "poppler": all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdftoppm")),
        "scanimage": shutil.which("scanimage") is not None,
    }
