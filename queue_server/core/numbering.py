"""Ticket numbers: per-service daily sequences that reset at a configurable local hour."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def service_day(now: datetime, *, reset_hour: int = 0, timezone: str = "Asia/Ho_Chi_Minh") -> str:
    """The ISO date of the service day ``now`` belongs to; the day starts at ``reset_hour`` local time."""
    if now.tzinfo is None:
        raise ValueError("service_day needs an aware datetime")
    if not 0 <= reset_hour <= 23:
        raise ValueError("reset_hour must be between 0 and 23")
    local = now.astimezone(ZoneInfo(timezone)) - timedelta(hours=reset_hour)
    return local.date().isoformat()


def format_number(letter: str, sequence: int) -> str:
    """``B`` and 12 → ``B012``; four digits from 1000 on."""
    if sequence < 1:
        raise ValueError("ticket sequence starts at 1")
    return f"{letter}{sequence:03d}"
