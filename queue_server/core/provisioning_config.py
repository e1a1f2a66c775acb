"""Provisioning: device config versions: what an admin may change, and the next version after a change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

# Fields an admin changes at run time; identity fields (site, device, role, counter, URLs) change only by
# re-enrolment, because the device's credentials and broker ACL depend on them.
EDITABLE: Final[frozenset[str]] = frozenset({"language", "layout", "printer", "tts_voice", "timeouts"})


def role_defaults(role: str) -> dict[str, Any]:
    """The editable settings a new device of ``role`` starts with."""
    portrait = role in ("kiosk", "feedback")
    return {
        "language": "vi",
        "layout": {"orientation": "portrait" if portrait else "landscape", "rotation": 0, "rows": 6},
        "printer": {"enabled": role == "kiosk", "usb_vendor": "0416", "usb_product": "5011", "paper_width_mm": 80},
        "tts_voice": "vi" if role in ("display", "counter_display") else "",
        "timeouts": {"idle_reset_s": 90, "session_s": 600, "heartbeat_s": 15, "http_s": 5.0},
    }


def _merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def next_config(current: Mapping[str, Any], changes: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The config after ``changes`` (nested dicts merged), one version higher; ValueError on a forbidden field."""
    forbidden = sorted(set(changes) - EDITABLE)
    if forbidden:
        raise ValueError(f"these fields cannot be changed without re-enrolment: {', '.join(forbidden)}")
    merged = _merge(current, changes)
    merged["version"] = int(current.get("version", 0)) + 1
    merged["issued_at"] = now.isoformat()
    return merged
