"""kiosk_ui names its public surface (``__all__``) and loads it lazily: importing the package pulls in nothing heavy."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_package_names_its_public_surface_and_loads_it_lazily() -> None:
    code = (
        "import sys, kiosk_ui; heavy = sorted(m for m in ('httpx', 'kivy', 'pydantic_settings') if m in sys.modules); "
        "missing = [n for n in kiosk_ui.__all__ if getattr(kiosk_ui, n, None) is None]; "
        "print(heavy, missing); sys.exit(bool(heavy or missing))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr[-500:]
    import kiosk_ui

    assert {"QueueClient", "KioskSettings", "DisplaySettings"} <= set(kiosk_ui.__all__)
    with pytest.raises(AttributeError):
        _ = kiosk_ui.KioskController  # type: ignore[attr-defined]  # private: import it from its module
