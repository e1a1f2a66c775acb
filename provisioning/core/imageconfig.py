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
IMAGE_ROLES: Final[tuple[str, ...]] = ("kiosk", "display", "counter_display", "feedback", "server", "province")
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
    "province": "monitor",
}
# The edge agent's --role on each device (the province runs the monitor, no agent).
AGENT_ROLE: Final[dict[str, str]] = {
    "kiosk": "kiosk",
    "display": "display",
    "counter_display": "counter",
    "feedback": "feedback",
    "server": "server",
}
# Extras of the motcua wheel each role installs (scripts/build-wheelhouse.sh, the installer).
PIP_EXTRAS: Final[dict[str, str]] = {
    "kiosk": "kiosk,agent",
    "feedback": "kiosk,agent",
    "display": "display,agent",
    "counter_display": "display,agent",
    "server": "server,agent",
    "province": "monitor",
}
# Debian packages each role needs on top of python3, python3-venv and systemd (the installer).
DEBIAN_PACKAGES: Final[dict[str, tuple[str, ...]]] = {
    "kiosk": ("cage", "wlr-randr", "fonts-dejavu-core", "espeak-ng", "libmtdev1", "libgl1", "libegl1", "libgles2"),
    "feedback": ("cage", "wlr-randr", "fonts-dejavu-core", "libmtdev1", "libgl1", "libegl1", "libgles2"),
    "display": ("cage", "wlr-randr", "fonts-dejavu-core", "espeak-ng", "libmtdev1", "libgl1", "libegl1", "libgles2"),
    "counter_display": ("cage", "wlr-randr", "fonts-dejavu-core", "libmtdev1", "libgl1", "libegl1", "libgles2"),
    "server": ("mosquitto", "mosquitto-clients", "procps"),
    "province": ("postgresql", "mosquitto", "procps"),
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
    local_mqtt_port: int = 1883
    server_port: int = 8000
    monitor_port: int = 8100
    heartbeat_sec: int = 30

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
        if not 1 <= self.heartbeat_sec < self.watchdog_sec * 10:
            raise ValueError("heartbeat_sec must be at least 1")
        for name in ("mqtt_port", "local_mqtt_port", "server_port", "monitor_port"):
            if not 1 <= getattr(self, name) <= 65535:
                raise ValueError(f"{name} must be a TCP port (1..65535)")
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
        "agent_device_id": "site-server" if params.role == "server" else params.device_id,
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
        "local_mqtt_port": str(params.local_mqtt_port),
        "server_port": str(params.server_port),
        "monitor_port": str(params.monitor_port),
        "heartbeat_sec": str(params.heartbeat_sec),
        "agent_role": AGENT_ROLE.get(params.role, ""),
        "agent_settings": agent_settings(params),
        **_agent_unit(params),
    }


def _agent_unit(params: ImageParams) -> dict[str, str]:
    """Ordering, start condition and launcher of the agent unit: the server's after its broker and queue
    server; a device's only once enrolled (the identity gives it its site, id and broker account)."""
    if params.role == "server":
        return {
            "agent_after": "mosquitto.service motcua-server.service",
            "agent_condition": "",
            "agent_exec": "/usr/local/bin/motcua-server-agent",
        }
    return {
        "agent_after": "",
        "agent_condition": f"ConditionPathExists={params.data_dir}/identity/app.env",
        "agent_exec": "/usr/local/bin/motcua-device-agent",
    }


def agent_settings(params: ImageParams) -> str:
    """The role-specific MOTCUA_AGENT_* lines of ``/etc/motcua/agent.env`` (no empty values)."""
    lines = []
    if params.role == "server":
        # Collects the site's events from the loopback listener, uplinks them over the mosquitto bridge and
        # replays the queue server's event log (the token is created once by motcua-server-agent).
        lines += [
            "MOTCUA_AGENT_UPLINK=mqtt",
            f"MOTCUA_AGENT_SERVER_URL=https://127.0.0.1:{params.server_port}",
            "MOTCUA_AGENT_REPLAY=true",
            f"SSL_CERT_FILE={params.data_dir}/provisioning/ca.pem",
        ]
    else:
        lines.append("MOTCUA_AGENT_UPLINK=none")
    if params.role in ("kiosk", "feedback"):
        lines.append("MOTCUA_AGENT_PRINTER_STATUS_FILE=/run/motcua/printer.json")
    return "\n".join(lines)


def files_for(role: str, platform: Platform, available: frozenset[str]) -> list[str]:
    """Which template paths make up the image of ``role`` on ``platform`` (paths relative to the template root)."""
    chosen = [
        "etc/motcua/device.env",
        "etc/systemd/system.conf.d/motcua-watchdog.conf",
        "etc/modules-load.d/motcua-watchdog.conf",
        "etc/sysctl.d/90-motcua.conf",
        "etc/fstab.motcua",
        "etc/tmpfiles.d/motcua.conf",
        "etc/systemd/system/motcua-update-recover.service",
        "README-readonly-root.md",
    ]
    if role == "server":
        chosen += [
            "etc/systemd/system/motcua-server.service",
            "etc/mosquitto/conf.d/motcua.conf",
            "etc/systemd/system/mosquitto.service.d/motcua.conf",
            "etc/systemd/system/motcua-agent.service",
            "etc/motcua/agent.env",
            "usr/local/bin/motcua-server-agent",
            "etc/systemd/system/motcua-backup.service",
            "etc/systemd/system/motcua-backup.timer",
        ]
    elif role == "province":
        chosen += [
            "etc/systemd/system/motcua-monitor.service",
            "etc/motcua/monitor.env",
            "etc/mosquitto/conf.d/motcua-province.conf",
            "usr/local/bin/motcua-monitor-db",
        ]
    else:
        chosen += [
            "etc/systemd/system/motcua-app.service",
            "etc/systemd/system/motcua-agent.service",
            "etc/systemd/system/motcua-enrolled.path",
            "etc/systemd/system/motcua-device.target",
            "etc/motcua/agent.env",
            "usr/local/bin/motcua-session",
            "usr/local/bin/motcua-device-agent",
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


def units(rendered: Mapping[str, str]) -> list[str]:
    """The systemd unit files of a rendered image (paths), the ones the installer enables first."""
    suffixes = (".service", ".path", ".target")
    return sorted(
        p for p in rendered if p.startswith("etc/systemd/system/") and p.endswith(suffixes) and p.count("/") == 3
    )


def render(templates: Mapping[str, str], params: ImageParams) -> dict[str, str]:
    """Render the image of one device: {relative path: content}; KeyError names a missing placeholder."""
    values = variables(params)
    out = {}
    for path in files_for(params.role, params.platform, frozenset(templates)):
        out[path] = Template(templates[path]).substitute(values)
    return out
