"""Paper capture, per page, on this machine: ``python benchmarks/bench_capture.py [-n 10]``.

Each path from input to the stored PDF with its OCR text layer (Tesseract, Vietnamese), timed end to end:
- photo: an 8 Mpx document-camera frame of a printed A4 birth certificate (rotated, in perspective,
  shadowed, noisy) → page found, flattened, deskewed, normalised → grey JPEG q75 page + OCR → PDF;
- photo-bitonal: the same, stored as a 1-bit CCITT G4 page;
- upload-png: a 200 dpi PNG of the page → PDF;
- upload-pdf: a 3-page scanned PDF (images, no text) → rasterised, OCR'd; time per page;
- scan: SANE ``scanimage -d test`` (the protocol, a synthetic picture) at 200 dpi → PDF.
Prints p50/p95 seconds per page and bytes per stored page; checks the known words are found.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))  # as pytest's pythonpath
from capture_pages import KNOWN_WORDS, photograph, png_bytes, render_page  # noqa: E402

from motcua.domain.vntext import fold  # noqa: E402
from queue_server.capture import CapturedPaper, CaptureLimits, process_photo, process_upload, scan  # noqa: E402


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (tesseract, poppler, scanimage)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run(name: str, n: int, make: Callable[[int], Callable[[], CapturedPaper]], check: bool) -> dict[str, float]:
    """Time ``n`` captures (inputs built outside the timing); per page figures."""
    per_page, cpu_per_page, sizes, hits = [], [], [], 0
    for i in range(n):
        job = make(i)
        started, cpu_started = time.perf_counter(), cpu_seconds()
        paper = job()
        elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        per_page.append(elapsed / paper.pages)
        cpu_per_page.append(cpu / paper.pages)
        sizes.append(len(paper.pdf) / paper.pages)
        folded = fold(paper.text)
        hits += all(fold(w) in folded for w in KNOWN_WORDS)
    row = {
        "p50": statistics.median(per_page),
        "p95": pct(per_page, 0.95),
        "cpu": statistics.median(cpu_per_page),
        "bytes": statistics.median(sizes),
        "words": hits / n if check else float("nan"),
    }
    words = f"{100 * row['words']:.0f} %" if check else "  –  "
    print(
        f"{name:<14} {row['p50']:6.2f} {row['p95']:6.2f} {row['cpu']:6.2f} {row['bytes'] / 1000:9.0f}  {words:>7}",
        flush=True,
    )
    return row


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10, help="captures per path")
    args = parser.parse_args()
    page = render_page(200)
    png = png_bytes(page, 200)
    scans = [render_page(200, title=t) for t in ("GIẤY KHAI SINH", "GIẤY KHAI SINH", "GIẤY KHAI SINH")]
    buf = io.BytesIO()
    scans[0].save(buf, format="PDF", save_all=True, append_images=scans[1:], resolution=200)
    scanned_pdf = buf.getvalue()
    bitonal = CaptureLimits(page_mode="bitonal")

    def photo_job(i: int, limits: CaptureLimits | None = None) -> Callable[[], CapturedPaper]:
        frame = photograph(page, rotation_deg=(-15 + 3.3 * i) or 5.0, seed=100 + i).frame
        return lambda: process_photo(frame, limits=limits)

    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"capture per page, n={args.n}, {os.cpu_count()} cores, load average {load}")
    print("wall seconds per page p50 p95, CPU seconds per page p50 (incl. child processes), stored kB per page,")
    print("share of captures where OCR found all the known words")
    print(f"{'path':<14} {'p50':>6} {'p95':>6} {'cpu':>6} {'kB/page':>9}  {'words':>7}")
    run("photo", args.n, photo_job, True)
    run("photo-bitonal", args.n, lambda i: photo_job(i, bitonal), True)
    run("upload-png", args.n, lambda i: lambda: process_upload(png, "p.png", "image/png"), True)
    run("upload-pdf", args.n, lambda i: lambda: process_upload(scanned_pdf, "s.pdf", "application/pdf"), True)
    run("scan", args.n, lambda i: lambda: scan("test", 200, extra_args=["--test-picture=Grid"]), False)
    print("load average at the end " + "/".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
