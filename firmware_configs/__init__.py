"""Device image files: systemd units, kiosk session, udev rules, mosquitto config, watchdog, read-only root.

Templates and data only; ``provisioning.image`` renders them for one device.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

__all__ = ["load_templates"]


def load_templates() -> dict[str, str]:
    """Every template under ``firmware_configs/templates``: {relative path: text}."""
    root = resources.files(__name__) / "templates"
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
