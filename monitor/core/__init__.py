"""Pure monitor logic (alert rules, device presence, role names; access rules in ``monitor.core.access``):
no I/O, the clock passed in."""

from __future__ import annotations

from monitor.core.alerts import (
    AlertCandidate,
    AlertRules,
    DeviceView,
    EventView,
    OpenAlert,
    Presence,
    devices_offline,
    long_wait,
    negative_burst,
    outbox_overflow,
    presence,
    reconcile,
)
from monitor.core.roles import ROLE_LABELS, role_labels

__all__ = [
    "ROLE_LABELS",
    "AlertCandidate",
    "AlertRules",
    "DeviceView",
    "EventView",
    "OpenAlert",
    "Presence",
    "devices_offline",
    "long_wait",
    "negative_burst",
    "outbox_overflow",
    "presence",
    "reconcile",
    "role_labels",
]
