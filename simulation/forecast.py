"""What a centre knows in advance, as the estimator's ``WaitOutlook``: the staffing plan and the forecast."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from queue_server.core.estimate import WaitOutlook
from queue_server.core.model import Counter, CounterStatus
from simulation.scenario import Scenario


def jump_ahead_rates(scenario: Scenario, minute: float) -> dict[str, float]:
    """Per service, the expected arrivals per minute (at this minute of the day) that go before normal tickets."""
    rates = scenario.hourly_rates()
    hour = int(minute // 60)
    span = sum(high - low for low, high in scenario.open_minutes_in_hour(hour))
    if span <= 0:
        return {}
    per_min = rates.get(hour, 0.0) / span
    jumping = scenario.priority_share + (1.0 - scenario.priority_share) * scenario.appointment_share
    return {s.code: per_min * s.share * jumping for s in scenario.services}


def plan_outlook(
    scenario: Scenario,
    counters: Mapping[str, Counter],
    breaks_taken: Mapping[str, int],
    paused_at: Mapping[str, datetime],
    now: datetime,
    *,
    correction: float = 1.0,
) -> WaitOutlook:
    """The outlook at ``now``: breaks still to come, when paused counters resume, late openings, forecast."""
    minute = (now - scenario.midnight()).total_seconds() / 60.0
    breaks: dict[str, tuple[tuple[datetime, float], ...]] = {}
    paused_until: dict[str, datetime] = {}
    opens_at: dict[str, datetime] = {}
    for spec in scenario.counters:
        taken = breaks_taken.get(spec.id, 0)
        ordered = sorted(spec.breaks)
        counter = counters.get(spec.id)
        if counter is not None and counter.status == CounterStatus.PAUSED and spec.id in paused_at and taken:
            paused_until[spec.id] = paused_at[spec.id] + timedelta(minutes=ordered[taken - 1][1])
        breaks[spec.id] = tuple((scenario.at(start), minutes) for start, minutes in ordered[taken:])
        if counter is not None and counter.status == CounterStatus.CLOSED:
            later = [start for start, _ in spec.shifts if start > minute]
            if later:
                opens_at[spec.id] = scenario.at(min(later))
    return WaitOutlook(
        breaks=breaks,
        paused_until=paused_until,
        opens_at=opens_at,
        jump_ahead_per_min=jump_ahead_rates(scenario, minute),
        correction=correction,
    )
