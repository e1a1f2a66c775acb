"""Run an external tool with a time limit and an address-space limit; never hang, never leak a child."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ToolResult", "ToolTimeout", "run_tool"]

# OpenMP in Tesseract spins threads that fight each other on a shared 2-core server: one page took 5.2 s with
# OMP_THREAD_LIMIT=2 against 0.8 s with 1 (measured here). Parallelism, if any, is one process per page.
_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}


@dataclass(frozen=True)
class ToolResult:
    returncode: int
    stdout: bytes
    stderr: bytes


class ToolTimeout(Exception):
    """The tool ran past its time limit and was killed."""


def run_tool(
    argv: Sequence[str], *, timeout_s: float, memory_bytes: int | None = None, stdin: bytes | None = None
) -> ToolResult:
    """Run ``argv``; kill it after ``timeout_s``; cap its address space with util-linux ``prlimit``."""
    cmd = list(argv)
    # prlimit(1) sets the limit in the child itself: thread-safe, unlike subprocess's preexec_fn.
    if memory_bytes is not None and shutil.which("prlimit"):
        cmd = ["prlimit", f"--as={int(memory_bytes)}", "--", *cmd]
    try:
        if stdin is None:
            out = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout_s, check=False, env=_ENV
            )
        else:
            out = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout_s, check=False, env=_ENV)
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed and reaped the child
        raise ToolTimeout(argv[0]) from exc
    return ToolResult(out.returncode, out.stdout, out.stderr)
