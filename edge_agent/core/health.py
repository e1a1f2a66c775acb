"""Parsing of the health readings of a device (text of /proc and /sys files, the printer status file)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final

__all__ = ["PRINTER_STATES", "parse_meminfo", "parse_printer_status", "parse_thermal", "parse_uptime"]

PRINTER_STATES: Final = ("ok", "paper_low", "paper_out", "cover_open", "error", "offline", "unknown")


def parse_uptime(text: str) -> float | None:
    """Seconds since boot from /proc/uptime."""
    try:
        return float(text.split(maxsplit=1)[0])
    except (IndexError, ValueError):
        return None


def parse_meminfo(text: str) -> dict[str, float]:
    """``mem_total_mb`` and ``mem_available_mb`` from /proc/meminfo."""
    values: dict[str, float] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if key in ("MemTotal", "MemAvailable") and parts:
            try:
                kib = float(parts[0])
            except ValueError:
                continue
            values["mem_total_mb" if key == "MemTotal" else "mem_available_mb"] = round(kib / 1024.0, 1)
    return values


def parse_thermal(zones: Iterable[tuple[str, str]]) -> float | None:
    """CPU temperature in °C from (zone type, temp in millidegrees) pairs; a CPU zone first, else the hottest."""
    readings: list[tuple[bool, float]] = []
    for zone_type, raw in zones:
        try:
            milli = float(raw.strip())
        except ValueError:
            continue
        celsius = milli / 1000.0 if abs(milli) > 200 else milli
        if -40.0 <= celsius <= 150.0:
            cpu = any(word in zone_type.lower() for word in ("cpu", "x86_pkg", "soc", "core"))
            readings.append((cpu, celsius))
    if not readings:
        return None
    cpu_readings = [c for is_cpu, c in readings if is_cpu]
    return round(max(cpu_readings or [c for _, c in readings]), 1)


def parse_printer_status(text: str | None) -> dict[str, Any]:
    """The kiosk's printer status file: JSON ``{"state": ..., ...}`` or a bare state word; else unknown."""
    if text is None or not text.strip():
        return {"state": "unknown"}
    stripped = text.strip()
    try:
        loaded = json.loads(stripped)
    except ValueError:
        loaded = stripped.split()[0].lower()
    if isinstance(loaded, str):
        return {"state": loaded if loaded in PRINTER_STATES else "unknown"}
    if isinstance(loaded, dict):
        state = str(loaded.get("state", "unknown")).lower()
        result: dict[str, Any] = {"state": state if state in PRINTER_STATES else "unknown"}
        for key in ("paper", "error", "updated_at"):
            if key in loaded and isinstance(loaded[key], str | int | float | bool):
                result[key] = loaded[key]
        return result
    return {"state": "unknown"}
