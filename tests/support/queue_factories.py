"""Builders of domain objects (and catalogue entries) for the queue core's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from queue_server.core.model import Counter, CounterStatus, Ticket, TicketStatus

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 08:00 in Hanoi, a Monday


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ticket(n: int, minute: float = 0.0, *, service: str = "HT", priority: str | None = None, **kw: object) -> Ticket:
    return Ticket(
        id=f"t{n}",
        day="2026-11-30",
        service=service,
        number=f"A{n:03d}",
        priority=priority,
        status=kw.pop("status", TicketStatus.WAITING),  # type: ignore[arg-type]
        issued_at=at(minute),
        queued_at=at(minute),
        **kw,  # type: ignore[arg-type]
    )


def counter(cid: str = "1", services: tuple[str, ...] = ("HT",), **kw: object) -> Counter:
    return Counter(
        id=cid,
        name_vi=f"Quầy {cid}",
        name_en=f"Counter {cid}",
        services=services,
        status=kw.pop("status", CounterStatus.OPEN),
        staff_id="NV01",
        **kw,  # type: ignore[arg-type]
    )


def procedure_entry(code: str, name: str, **fields: Any) -> dict[str, Any]:
    """One procedure as a catalogue file writes it: field ``F``, service HT, commune level, same day, free,
    no documents, keywords or form; ``fields`` replace any of these."""
    return {
        "code": code, "name_vi": name, "name_en": name, "field": "F", "level": ["commune"],
        "authority_vi": "UBND xã", "authority_en": "Commune", "service": "HT",
        "processing_time_vi": "Trong ngày", "processing_time_en": "Same day", "processing_days": 0,
        "fee_vi": "Miễn phí", "fee_en": "Free", "documents": [], "on_the_spot": True, "keywords": [], "form": [],
        **fields,
    }  # fmt: skip
