"""Health readings of this device and its retained status on the site broker (with a last will)."""

from __future__ import annotations

import logging
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from edge_agent.core.health import parse_meminfo, parse_printer_status, parse_thermal, parse_uptime
from motcua.contract.mqtt import DeviceStatus, encode_payload, topic_device_status

logger = logging.getLogger(__name__)
_STARTED = time.monotonic()


def software_version() -> str:
    """The installed motcua version."""
    try:
        from importlib.metadata import version

        return version("motcua")
    except Exception:
        return "unknown"


class LastError(logging.Handler):
    """Remembers the last warning or error logged in the agent (never citizen data: we never log it)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.message: str | None = None
        self.at: datetime | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.message = f"{record.levelname}: {record.getMessage()}"[:300]
        except Exception:
            self.message = record.levelname
        self.at = datetime.now(UTC)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def read_health(
    *, data_dir: Path, thermal_dir: Path, printer_status_file: Path | None, role: str, last_error: LastError | None
) -> dict[str, Any]:
    """The details of a heartbeat: uptime, CPU temperature, disk, memory, printer (kiosks), last error."""
    details: dict[str, Any] = {"agent_uptime_s": round(time.monotonic() - _STARTED, 1)}
    uptime = _read(Path("/proc/uptime"))
    details["uptime_s"] = parse_uptime(uptime) if uptime else None
    zones = []
    for zone in sorted(thermal_dir.glob("thermal_zone*")) if thermal_dir.is_dir() else []:
        temp = _read(zone / "temp")
        if temp is not None:
            zones.append(((_read(zone / "type") or "").strip(), temp))
    details["cpu_temp_c"] = parse_thermal(zones)
    try:
        usage = shutil.disk_usage(data_dir if data_dir.exists() else Path("/"))
        details["disk_free_mb"] = round(usage.free / 1048576, 1)
        details["disk_free_pct"] = round(100.0 * usage.free / usage.total, 1) if usage.total else None
    except OSError:
        details["disk_free_mb"] = None
    meminfo = _read(Path("/proc/meminfo"))
    details.update(parse_meminfo(meminfo) if meminfo else {})
    if role == "kiosk" or printer_status_file is not None:
        details["printer"] = parse_printer_status(_read(printer_status_file) if printer_status_file else None)
    details["last_error"] = last_error.message if last_error else None
    return details


def status_payload(device_id: str, role: str, state: str, details: dict[str, Any]) -> DeviceStatus:
    """The retained status message."""
    return DeviceStatus(
        device_id=device_id,
        role=role,
        state=state,  # type: ignore[arg-type,unused-ignore]
        version=software_version(),
        at=datetime.now(UTC),
        details=details,
    )


def will(site: str, device_id: str, role: str) -> tuple[str, bytes, bool]:
    """The last will: the retained status says offline."""
    payload = status_payload(device_id, role, "offline", {"reason": "connection lost"})
    return topic_device_status(site, device_id), encode_payload(payload), True
