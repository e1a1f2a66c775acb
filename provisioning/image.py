"""Render the firmware templates (``firmware_configs``) for one device and write its file set to a directory."""

from __future__ import annotations

from pathlib import Path

from firmware_configs import load_templates
from motcua.runtime.files import write_private
from provisioning.core.imageconfig import ImageParams, render

EXECUTABLE_PREFIX = "usr/local/bin/"


def render_image(params: ImageParams) -> dict[str, str]:
    """The rendered files of one device."""
    return render(load_templates(), params)


def write_image(params: ImageParams, out_dir: Path) -> list[Path]:
    """Write the rendered files under ``out_dir`` (scripts 0755, the rest 0644); returns their paths."""
    written = []
    for relative, text in sorted(render_image(params).items()):
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        write_private(target, text, mode=0o755 if relative.startswith(EXECUTABLE_PREFIX) else 0o644)
        written.append(target)
    return written
