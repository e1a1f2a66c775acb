"""Read the packaged templates and write one device's rendered file set to a directory."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from provisioning.core.imageconfig import ImageParams, render
from provisioning.files import write_private

EXECUTABLE_PREFIX = "usr/local/bin/"


def load_templates() -> dict[str, str]:
    """Every template under ``firmware_configs/templates``: {relative path: text}."""
    root = resources.files("firmware_configs") / "templates"
    found: dict[str, str] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            path = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, f"{path}/")
            elif not child.name.startswith("."):
                found[path] = child.read_text(encoding="utf-8")

    walk(root, "")
    return found


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
