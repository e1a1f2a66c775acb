"""Layering rules: pure cores import no I/O frameworks; displays do not load FastAPI."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = (
    "fastapi",
    "starlette",
    "kivy",
    "paho",
    "sqlite3",
    "sqlite_utils",
    "onnxruntime",
    "cv2",
    "escpos",
    "httpx",
    "uvicorn",
)
CORES = ("queue_server.core", "kiosk_ui.core", "edge_agent.core", "motcua.contract")


def _core_modules() -> list[str]:
    modules = []
    for package in CORES:
        path = ROOT / package.replace(".", "/")
        modules.append(package)
        modules += [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]
    return modules


@pytest.mark.parametrize("module", _core_modules())
def test_core_module_imports_no_io_framework(module):
    code = (
        f"import importlib, sys; importlib.import_module({module!r}); "
        f"bad = sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r})); print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def test_motcua_help_does_not_load_server_or_kivy():
    code = (
        "import sys; from motcua.cli import build_parser; build_parser(['--help']); "
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'kivy', 'uvicorn'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""
