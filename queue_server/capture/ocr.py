"""Tesseract CLI: page images → one PDF (image + invisible text layer) and the plain text, in one process."""

from __future__ import annotations

import io
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
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


def _ocr_batch(exe: str, root: Path, tag: str, pages: list[Page], limits: CaptureLimits) -> tuple[bytes, str]:
    """One tesseract process over ``pages`` (the model loads once): (pdf, text)."""
    names = []
    for index, page in enumerate(pages):
        data, suffix = encode_page(page, limits)
        path = root / f"{tag}-p{index:04d}{suffix}"
        path.write_bytes(data)  # tesseract copies JPEG and G4 data into the PDF as is (no re-encoding)
        names.append(str(path))
    listing = root / f"{tag}-pages.txt"
    listing.write_text("\n".join(names) + "\n", encoding="utf-8")
    out = root / f"{tag}-out"
    argv = [exe, str(listing), str(out), "-l", limits.lang, "--psm", "3", "pdf", "txt"]
    try:
        result = run_tool(argv, timeout_s=limits.ocr_timeout_s * len(pages), memory_bytes=limits.tool_memory_bytes)
    except ToolTimeout:
        raise refuse("capture.processing_limit") from None
    pdf_path, txt_path = out.with_suffix(".pdf"), out.with_suffix(".txt")
    if result.returncode != 0 or not pdf_path.exists():
        if b"Failed loading language" in result.stderr:
            raise refuse("capture.ocr_unavailable")
        raise refuse("capture.unreadable")
    text = txt_path.read_text(encoding="utf-8", errors="replace") if txt_path.exists() else ""
    return pdf_path.read_bytes(), text


def _join_pages(texts: Iterable[str]) -> str:
    # tesseract puts its page separator (form feed) between pages, not after the last one.
    return "\f".join(t.rstrip("\f") for t in texts)


def _merge(parts: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def ocr_to_pdf(pages: list[Page], limits: CaptureLimits) -> tuple[bytes, str]:
    """OCR ``pages`` in ``limits.lang``: (pdf bytes, NFC text with pages separated by form feeds).

    A paper of several pages is split into ``limits.ocr_workers`` contiguous batches, one tesseract each,
    and the parts joined in order with pypdf.
    """
    exe = shutil.which("tesseract")
    if exe is None:
        raise refuse("capture.ocr_unavailable")
    workers = max(1, min(limits.ocr_workers, len(pages)))
    size = -(-len(pages) // workers)
    batches = [pages[i : i + size] for i in range(0, len(pages), size)]
    with tempfile.TemporaryDirectory(prefix="motcua-capture-") as tmp:
        root = Path(tmp)
        if len(batches) == 1:
            pdf, text = _ocr_batch(exe, root, "b0", pages, limits)
            return pdf, unicodedata.normalize("NFC", text)
        # Threads only wait on the children; the pool is closed (its threads joined) before we return.
        with ThreadPoolExecutor(max_workers=len(batches), thread_name_prefix="capture-ocr") as pool:
            futures = [pool.submit(_ocr_batch, exe, root, f"b{i}", batch, limits) for i, batch in enumerate(batches)]
            results = [f.result() for f in futures]
        return _merge([pdf for pdf, _ in results]), unicodedata.normalize("NFC", _join_pages(t for _, t in results))
