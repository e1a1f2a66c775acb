"""Accuracy of the wait estimates: the estimate given at issue against the actual wait (call − queued)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent
from motcua.domain.kpis import percentile


@dataclass(frozen=True)
class Pair:
    """One ticket: the minutes promised at issue and the minutes it actually waited."""

    ticket_id: str
    service: str
    priority: bool
    issued_min: float  # minutes since the first issue of the day, for plots
    estimate: float
    actual: float

    @property
    def error(self) -> float:
        """Estimate minus actual: positive when the citizen was told to wait longer than they did."""
        return self.estimate - self.actual


def pairs_from_events(events: Iterable[DomainEvent]) -> list[Pair]:
    """Pairs for every ticket that was issued with an estimate and later called (first call counts)."""
    issued: dict[str, tuple[DomainEvent, float]] = {}
    called: dict[str, datetime] = {}
    for event in events:
        ticket_id = str(event.data.get("ticket_id"))
        if event.type == ev.TICKET_ISSUED and event.data.get("estimated_wait_min") is not None:
            issued[ticket_id] = (event, float(event.data["estimated_wait_min"]))
        elif event.type == ev.TICKET_CALLED and ticket_id not in called:
            called[ticket_id] = event.at
    if not issued:
        return []
    first = min(e.at for e, _ in issued.values())
    out = []
    for ticket_id, (event, estimate) in issued.items():
        at = called.get(ticket_id)
        if at is None:
            continue
        queued = datetime.fromisoformat(str(event.data.get("queued_at") or event.at.isoformat()))
        out.append(
            Pair(
                ticket_id=ticket_id,
                service=str(event.data.get("service", "")),
                priority=bool(event.data.get("priority")),
                issued_min=(event.at - first).total_seconds() / 60.0,
                estimate=estimate,
                actual=max((at - queued).total_seconds() / 60.0, 0.0),
            )
        )
    return out


def _summary(pairs: Sequence[Pair]) -> dict[str, Any]:
    errors = [abs(p.error) for p in pairs]
    if not pairs:
        return {"n": 0, "mae": None, "p90_abs": None, "bias": None}
    return {
        "n": len(pairs),
        "mae": round(sum(errors) / len(errors), 2),
        "p90_abs": round(percentile(errors, 90) or 0.0, 2),
        "bias": round(sum(p.error for p in pairs) / len(pairs), 2),
    }


def accuracy(pairs: Sequence[Pair], *, short_limit: float = 30.0) -> dict[str, Any]:
    """MAE, p90 absolute error and bias (estimate − actual, minutes): overall, waits under 30 min, by class."""
    return {
        "overall": _summary(pairs),
        "under_30": _summary([p for p in pairs if p.actual < short_limit]),
        "priority": _summary([p for p in pairs if p.priority]),
        "normal": _summary([p for p in pairs if not p.priority]),
    }
