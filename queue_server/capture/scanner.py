"""A flatbed scanner through SANE's ``scanimage`` (sane-utils): one page as PNG on stdout."""

from __future__ import annotations

import shutil
from collections.abc import Sequence

from ._proc import ToolTimeout, run_tool
from .errors import refuse

__all__ = ["list_scanners", "scan_png"]

_NOT_THERE = ("open of device", "no scanners", "invalid argument", "no such device", "error during device i/o")


def list_scanners(*, scanimage: str = "scanimage", timeout_s: float = 20.0) -> list[str]:
    """The SANE device names ``scanimage -L`` finds (empty when none, or no scanimage)."""
    exe = shutil.which(scanimage)
    if exe is None:
        return []
    try:
        out = run_tool([exe, "-f", "%d\n"], timeout_s=timeout_s)
    except ToolTimeout:
        return []
    return [line for line in out.stdout.decode("utf-8", "replace").splitlines() if line.strip()]


def scan_png(
    device: str,
    resolution: int,
    *,
    mode: str = "Gray",
    timeout_s: float = 120.0,
    scanimage: str = "scanimage",
    extra_args: Sequence[str] = (),
) -> bytes:
    """One page from ``device`` at ``resolution`` dpi as PNG bytes; 503/504/502 CaptureError on failure."""
    exe = shutil.which(scanimage)
    if exe is None:
        raise refuse("capture.no_scanner")
    argv = [exe, "-d", device, "--format=png", f"--resolution={int(resolution)}", f"--mode={mode}", *extra_args]
    try:
        out = run_tool(argv, timeout_s=timeout_s)
    except ToolTimeout:
        raise refuse("capture.scanner_timeout") from None
    if out.returncode != 0 or not out.stdout.startswith(b"\x89PNG"):
        err = out.stderr.decode("utf-8", "replace").lower()
        if any(marker in err for marker in _NOT_THERE):
            raise refuse("capture.no_scanner")
        raise refuse("capture.scan_failed")
    return out.stdout
