"""The kiosk's pure core modules import no UI, hardware, network or storage library."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "kiosk_ui.core.cccd",
    "kiosk_ui.core.telex",
    "kiosk_ui.core.forms",
    "kiosk_ui.core.slip",
    "kiosk_ui.identity",
]
FORBIDDEN = ["kivy", "cv2", "escpos", "paho", "sqlite3", "httpx", "fastapi", "onnxruntime", "PIL", "numpy", "qrcode"]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_nothing_heavy(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        f"bad = sorted(m for m in {FORBIDDEN!r} if m in sys.modules); print(','.join(bad)); sys.exit(bool(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{module} imports {result.stdout.strip()} {result.stderr[-500:]}"
