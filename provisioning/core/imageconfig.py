"""Render the firmware file set of one device from templates: pure text in, text out.

Templates use ``string.Template`` placeholders (``${name}``); a template that names a placeholder
the renderer does not supply is an error, never a silently empty value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from string import Template
from typing import Final, Literal

from motcua.contract.site import DEFAULT_SITE_ID

Platform = Literal["rpi-bookworm", "debian-x86"]
PLATFORMS: Final[tuple[Platform, ...]] = ("rpi-bookworm", "debian-x86")
IMAGE_ROLES: Final[tuple[str, ...]] = ("kiosk", "display", "counter_display", "feedback", "server")
SCREEN_ROLES: Final[frozenset[str]] = frozenset({"kiosk", "display", "counter_display", "feedback"})
ROTATIONS: Final[tuple[int, ...]] = (0, 90, 180, 270)

# libinput calibration matrix per clockwise screen rotation (libinput docs, "Static device configuration").
CALIBRATION: Final[dict[int, str]] = {
    0: "1 0 0 0 1 0",
    90: "0 -1 1 1 0 0",
    180: "-1 0 1 0 -1 1",
    270: "0 1 0 -1 0 1",
}
WLR_TRANSFORM: Final[dict[int, str]] = {0: "normal", 90: "90", 180: "180", 270: "270"}
# The command each role's app runs (motcua sub-commands).
APP_COMMAND: Final[dict[str, str]] = {
    "kiosk": "kiosk",
    "display": "display --kind waiting-room",
    "counter_display": "display --kind counter",
    "feedback": "kiosk --mode feedback",
    "server": "server",
}
_SAFE = re.compile(r"^[A-Za-z0-9_.:/@%+=,-]*$")


@dataclass(frozen=True)
class ImageParams:
    """What varies between devices' images."""

    role: str
    platform: Platform = "rpi-bookworm"
    device_id: str = "unenrolled"
    site_id: str = DEFAULT_SITE_ID
    server_url: str = ""
    rotation: int = 0
    printer_vendor: str = "0416"
    printer_product: str = "5011"
    watchdog_sec: int = 30
    user: str = "motcua"
    install_dir: str = "/opt/motcua"
    data_dir: str = "/var/lib/motcua"
    data_device: str = ""
    mqtt_port: int = 8883
    mqtt_bind: str = ""

    def check(self) -> None:
        """ValueError when a parameter is out of range or unsafe to put in a unit file or shell line."""
        if self.role not in IMAGE_ROLES:
            raise ValueError(f"role must be one of {', '.join(IMAGE_ROLES)}")
        if self.platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}")
        if self.rotation not in ROTATIONS:
            raise ValueError("rotation must be 0, 90, 180 or 270")
        if not 5 <= self.watchdog_sec <= 600:
            raise ValueError("watchdog_sec must be within 5..600")
        for name in ("printer_vendor", "printer_product"):
            if not re.fullmatch(r"[0-9a-f]{4}", getattr(self, name)):
                raise ValueError(f"{name} must be 4 lowercase hex digits")
        for name in (
            "device_id",
            "site_id",
            "server_url",
            "user",
            "install_dir",
            "data_dir",
            "data_device",
            "mqtt_bind",
        ):
            value = getattr(self, name)
            if not _SAFE.match(value):
                raise ValueError(f"{name} contains characters not allowed in a unit file: {value!r}")


def variables(params: ImageParams) -> dict[str, str]:
    """The placeholder values of every template for ``params``."""
    params.check()
    default_device = "/dev/mmcblk0p3" if params.platform == "rpi-bookworm" else "/dev/sda3"
    return {
        "role": params.role,
        "platform": params.platform,
        "device_id": params.device_id,
        "site_id": params.site_id,
        "server_url": params.server_url,
        "app_command": APP_COMMAND[params.role],
        "rotation": str(params.rotation),
        "wlr_transform": WLR_TRANSFORM[params.rotation],
        "calibration_matrix": CALIBRATION[params.rotation],
        "printer_vendor": params.printer_vendor,
        "printer_product": params.printer_product,
        "watchdog_sec": str(params.watchdog_sec),
        "runtime_watchdog_sec": "15",
        "watchdog_module": "bcm2835_wdt" if params.platform == "rpi-bookworm" else "softdog",
        "user": params.user,
        "install_dir": params.install_dir,
        "data_dir": params.data_dir,
        "data_device": params.data_device or default_device,
        "mqtt_port": str(params.mqtt_port),
        "mqtt_bind": params.mqtt_bind,
    }


def files_for(role: str, platform: Platform, available: frozenset[str]) -> list[str]:
    """Which template paths make up the image of ``role`` on ``platform`` (paths relative to the template root)."""
    chosen = [
        "etc/motcua/device.env",
        "etc/systemd/system.conf.d/motcua-watchdog.conf",
        "etc/modules-load.d/motcua-watchdog.conf",
        "etc/sysctl.d/90-motcua.conf",
        "etc/fstab.motcua",
        "etc/tmpfiles.d/motcua.conf",
        "README-readonly-root.md",
    ]
    if role == "server":
        chosen += ["etc/systemd/system/motcua-server.service", "etc/mosquitto/conf.d/motcua.conf"]
    else:
        chosen += [
            "etc/systemd/system/motcua-app.service",
            "usr/local/bin/motcua-session",
            "etc/udev/rules.d/99-motcua-touch.rules",
        ]
    if role in ("kiosk", "feedback"):
        chosen.append("etc/udev/rules.d/99-motcua-escpos.rules")
    if platform == "rpi-bookworm":
        chosen.append("boot/firmware/config.txt.motcua")
    missing = [path for path in chosen if path not in available]
    if missing:
        raise ValueError(f"templates missing: {', '.join(missing)}")
    return chosen


def render(templates: Mapping[str, str], params: ImageParams) -> dict[str, str]:
    """Render the image of one device: {relative path: content}; KeyError names a missing placeholder."""
    values = variables(params)
    out = {}
    for path in files_for(params.role, params.platform, frozenset(templates)):
        out[path] = Template(templates[path]).substitute(values)
    return out
