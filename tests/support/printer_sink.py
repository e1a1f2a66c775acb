"""A network ESC/POS printer on 127.0.0.1 for the tests: accepts jobs on TCP, keeps each job's bytes.

``raster_image(job)`` decodes the ``GS v 0`` raster blocks of a job back into one 1-bit image (the parts
printed as images: every line with Vietnamese diacritics); ``qr_payloads(job)`` the native QR texts.
"""

from __future__ import annotations

import socket
import threading
import time

from PIL import Image

GS_RASTER = b"\x1dv0"
GS_QR = b"\x1d(k"


class PrinterSink:
    """A TCP listener acting as the counter's printer (never answers status queries: 'unknown, go on')."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="printer-sink", daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            data = bytearray()
            with conn:
                conn.settimeout(10)
                while True:
                    try:
                        chunk = conn.recv(65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    data += chunk
            with self._lock:
                self.jobs.append(bytes(data))
                self._lock.notify_all()

    def wait_job(self, index: int, timeout: float = 15.0) -> bytes:
        """The ``index``-th job (0-based), waiting for it to be complete (the connection closed)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.jobs) <= index:
                left = deadline - time.monotonic()
                assert left > 0, f"the printer got {len(self.jobs)} job(s), expected job #{index}"
                self._lock.wait(left)
            return self.jobs[index]

    def close(self) -> None:
        self._stop.set()
        self.sock.close()
        self.thread.join(timeout=5)


def raster_image(job: bytes) -> Image.Image:
    """Every ``GS v 0 m xL xH yL yH d…`` block of a job, stacked top to bottom, as a 1-bit image."""
    blocks: list[Image.Image] = []
    at = job.find(GS_RASTER)
    while at >= 0:
        head = at + len(GS_RASTER) + 1  # skip m (density)
        width_bytes = job[head] | job[head + 1] << 8
        height = job[head + 2] | job[head + 3] << 8
        start = head + 4
        data = job[start : start + width_bytes * height]
        # ESC/POS raster: 1 = print (black); PIL mode "1" raw: 1 = white, so invert.
        inverted = bytes(b ^ 0xFF for b in data)
        blocks.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        at = job.find(GS_RASTER, start + len(data))
    assert blocks, "no raster image in the job"
    width = max(b.width for b in blocks)
    out = Image.new("1", (width, sum(b.height for b in blocks)), 1)
    y = 0
    for block in blocks:
        out.paste(block, (0, y))
        y += block.height
    return out


def qr_payloads(job: bytes) -> list[str]:
    """The texts stored in native QR symbols (GS ( k pL pH 49 80 48 d…, ESC/POS function 180)."""
    found: list[str] = []
    at = job.find(GS_QR)
    while at >= 0:
        p_l, p_h, cn, fn = job[at + 3], job[at + 4], job[at + 5], job[at + 6]
        if cn == 0x31 and fn == 0x50:
            size = p_l + (p_h << 8) - 3
            found.append(job[at + 8 : at + 8 + size].decode("utf-8"))
        at = job.find(GS_QR, at + 3)
    return found
