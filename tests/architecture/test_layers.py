"""Layering rules: pure cores import no I/O frameworks; displays do not load FastAPI."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# I/O frameworks, UI, hardware, network and storage libraries: none may be loaded by a pure module.
FORBIDDEN = (
    "fastapi",
    "starlette",
    "uvicorn",
    "kivy",
    "paho",
    "sqlite3",
    "sqlite_utils",
    "psycopg",
    "onnxruntime",
    "numpy",
    "cv2",
    "escpos",
    "PIL",
    "qrcode",
    "httpx",
    "zeroconf",
)
DEPLOYABLES = ("queue_server", "kiosk_ui", "edge_agent", "monitor", "provisioning")
# Pure packages: every deployable's core/, and the ground floor's domain and contract.
PURE_PACKAGES = (
    *sorted(f"{d}.core" for d in DEPLOYABLES if (ROOT / d / "core" / "__init__.py").exists()),
    "motcua.domain",
    "motcua.contract",
)
# Pure modules outside a core/ folder.
PURE_MODULES = ("kiosk_ui.identity",)


def _modules_of(package: str) -> list[str]:
    path = ROOT / package.replace(".", "/")
    return [package] + [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]


def test_every_deployable_has_a_pure_core():
    assert {p.split(".")[0] for p in PURE_PACKAGES} >= set(DEPLOYABLES)


def _loaded_forbidden(module: str) -> str:
    """The forbidden libraries a fresh interpreter holds after importing ``module`` (comma-separated)."""
    code = (
        f"import importlib, sys; importlib.import_module({module!r}); "
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({FORBIDDEN!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    if out.returncode != 0:
        return f"import failed: {out.stderr.strip().splitlines()[-1:]}"
    return out.stdout.strip()


@pytest.mark.parametrize("package", [*PURE_PACKAGES, *PURE_MODULES])
def test_pure_modules_import_no_io_framework(package):
    """Each module is imported in a fresh interpreter; what it loads must hold no forbidden library."""
    modules = _modules_of(package) if (ROOT / package.replace(".", "/")).is_dir() else [package]
    bad = {module: found for module in modules if (found := _loaded_forbidden(module))}
    assert bad == {}


def test_motcua_help_does_not_load_server_or_kivy():
    code = (
        "import sys; from motcua.cli import build_parser; build_parser(['--help']); "
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'kivy', 'uvicorn'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


# What a display device must never load: the server, the model runtime and training stack, the store.
_NOT_ON_A_DISPLAY = (
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlite_utils",
    "sqlite3",
    "sklearn",
    "onnxruntime",
    "cv2",
    "escpos",
    "queue_server",
    "edge_agent",
    "monitor",
    "provisioning",
    "simulation",
    "models",
)


def test_a_display_loads_no_server_store_model_or_other_deployable(tmp_path):
    """Import everything ``motcua display`` runs (settings, window, the Kivy app) and check sys.modules."""
    code = (
        "import sys; from motcua.cli import build_parser; build_parser(['display', '--help']); "
        "import kiosk_ui.cli_display, kiosk_ui.settings, kiosk_ui.display.app, kiosk_ui.display.window; "
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({_NOT_ON_A_DISPLAY!r}))))"
    )
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "offscreen",
        "SDL_AUDIODRIVER": "dummy",
        "KIVY_NO_ARGS": "1",
        "KIVY_HOME": str(tmp_path),
        "KIVY_NO_CONSOLELOG": "1",
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1:] in ([""], []), f"a display loads {out.stdout.strip()}"
