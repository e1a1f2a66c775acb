"""Digitising a dossier's papers: upload, document camera or flatbed → a searchable PDF with OCR text.

Library only (no routes, no store): the dossier backend calls these, off the event loop
(``await asyncio.to_thread(process_upload, ...)``). See docs/capture.md.
"""

from __future__ import annotations

from .errors import MESSAGES, CaptureError
from .health import capture_ready
from .model import CapturedPaper, CaptureLimits
from .pipeline import process_photo, process_upload, read_limited, scan
from .scanner import list_scanners

__all__ = [
    "MESSAGES",
    "CaptureError",
    "CaptureLimits",
    "CapturedPaper",
    "capture_ready",
    "list_scanners",
    "process_photo",
    "process_upload",
    "read_limited",
    "scan",
]
