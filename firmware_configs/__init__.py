"""Device image files: systemd units, kiosk session, udev rules, mosquitto config, watchdog, read-only root."""

from __future__ import annotations

from firmware_configs.render import load_templates, render_image, write_image

__all__ = ["load_templates", "render_image", "write_image"]
