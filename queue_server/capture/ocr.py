"""Tesseract CLI: page images → one PDF (image + invisible text layer) and the plain text, in one process."""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path

from ._proc import ToolTimeout, run_tool
from .errors import refuse
from .images import Page, encode_page
from .model import CaptureLimits

__all__ = ["ocr_to_pdf", "tesseract_ready"]


def tesseract_ready(lang: str = "vie") -> bool:
    """True when the tesseract CLI and the language's model are installed."""
    exe = shutil.which("tesseract")
    if exe is None:
        return False
    out = run_tool([exe, "--list-langs"], timeout_s=20)
    return out.returncode == 0 and lang in out.stdout.decode("utf-8", "replace").split()


def ocr_to_pdf(pages: list[Page], limits: CaptureLimits) -> tuple[bytes, str]:
    """OCR ``pages`` in ``limits.lang``: (pdf bytes, NFC text with pages separated by form feeds)."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise refuse("capture.ocr_unavailable")
    with tempfile.TemporaryDirectory(prefix="motcua-capture-") as tmp:
        root = Path(tmp)
        names = []
        for index, page in enumerate(pages):
            data, suffix = encode_page(page, limits)
            path = root / f"p{index:04d}{suffix}"
            path.write_bytes(data)  # tesseract copies JPEG and G4 data into the PDF as is (no re-encoding)
            names.append(str(path))
        listing = root / "pages.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        argv = [exe, str(listing), str(root / "out"), "-l", limits.lang, "--psm", "3", "pdf", "txt"]
        try:
            result = run_tool(argv, timeout_s=limits.ocr_timeout_s * len(pages), memory_bytes=limits.tool_memory_bytes)
        except ToolTimeout:
            raise refuse("capture.processing_limit") from None
        pdf_path, txt_path = root / "out.pdf", root / "out.txt"
        if result.returncode != 0 or not pdf_path.exists():
            if b"Failed loading language" in result.stderr:
                raise refuse("capture.ocr_unavailable")
            raise refuse("capture.unreadable")
        text = txt_path.read_text(encoding="utf-8", errors="replace") if txt_path.exists() else ""
        return pdf_path.read_bytes(), unicodedata.normalize("NFC", text)
