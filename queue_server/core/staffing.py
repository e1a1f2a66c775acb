"""Staffing advice: how many counters to open per hour and service so the p90 wait stays within a target.

Each hour and service is an M/G/c queue: Poisson arrivals at the forecast rate, service times with a mean
and a coefficient of variation. Erlang C gives the probability of waiting; the wait of those who wait is
close to exponential with rate ``c/mean − λ``, stretched by ``(1 + cv²)/2`` for non-exponential service
(the Allen–Cunneen approximation). The advice is the fewest counters whose p90 wait is within the target,
then checked (and, if needed, raised) by simulating the day with it (``simulation.staffing``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_COUNTERS = 60


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival waits in an M/M/c queue with ``servers`` and offered ``load`` (λ·mean)."""
    if servers <= 0:
        return 1.0
    if load <= 0:
        return 0.0
    if load >= servers:
        return 1.0
    # Erlang B by its stable recurrence, then C from B (Cooper §4.4).
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    rho = load / servers
    return b / (1.0 - rho + rho * b)


def wait_exceeds(servers: int, per_min: float, mean_min: float, limit_min: float, cv: float = 1.0) -> float:
    """Approximate probability that the wait exceeds ``limit_min`` minutes."""
    load = per_min * mean_min
    if servers <= load:
        return 1.0
    decay = (servers / mean_min - per_min) * 2.0 / (1.0 + cv * cv)
    return erlang_c(servers, load) * math.exp(-decay * limit_min)


def wait_quantile(servers: int, per_min: float, mean_min: float, q: float = 0.9, cv: float = 1.0) -> float:
    """Approximate ``q`` quantile of the wait in minutes (inf when the counters cannot keep up)."""
    load = per_min * mean_min
    if servers <= load:
        return math.inf
    waiting = erlang_c(servers, load)
    if waiting <= 1.0 - q:
        return 0.0
    decay = (servers / mean_min - per_min) * 2.0 / (1.0 + cv * cv)
    return math.log(waiting / (1.0 - q)) / decay


def counters_needed(
    per_hour: float,
    mean_min: float,
    *,
    cv: float = 1.0,
    target_min: float = 15.0,
    q: float = 0.9,
    availability: float = 1.0,
) -> int:
    """Fewest counters whose ``q`` wait quantile is within ``target_min`` (0 when nobody comes).

    ``availability`` is the share of the hour a counter actually calls (breaks, errands): 0.95 for a
    15-minute break in a 5-hour shift.
    """
    if per_hour <= 0:
        return 0
    per_min = per_hour / 60.0
    effective_mean = mean_min / max(min(availability, 1.0), 0.1)
    for servers in range(1, MAX_COUNTERS + 1):
        if wait_quantile(servers, per_min, effective_mean, q, cv) <= target_min:
            return servers
    return MAX_COUNTERS


@dataclass(frozen=True)
class ServiceDemand:
    """The forecast of one service: arrivals per hour of the day, service-time mean and spread."""

    code: str
    arrivals_per_hour: Mapping[int, float]
    mean_min: float
    cv: float = 1.0


@dataclass(frozen=True)
class Advice:
    """Counters to open for one service in one hour, with the expected load and p90 wait."""

    hour: int
    service: str
    arrivals: float
    counters: int
    utilisation: float
    p90_wait_min: float


def recommend(
    demands: Sequence[ServiceDemand],
    *,
    target_min: float = 15.0,
    q: float = 0.9,
    availability: float = 1.0,
    extra: Mapping[tuple[int, str], int] | None = None,
) -> list[Advice]:
    """Advice per hour and service; ``extra`` adds counters found necessary by simulation."""
    out: list[Advice] = []
    for demand in demands:
        for hour, arrivals in sorted(demand.arrivals_per_hour.items()):
            needed = counters_needed(
                arrivals, demand.mean_min, cv=demand.cv, target_min=target_min, q=q, availability=availability
            )
            needed += (extra or {}).get((hour, demand.code), 0)
            per_min = arrivals / 60.0
            utilisation = per_min * demand.mean_min / needed if needed else 0.0
            p90 = wait_quantile(needed, per_min, demand.mean_min, q, demand.cv) if needed else 0.0
            out.append(
                Advice(hour, demand.code, round(arrivals, 1), needed, round(utilisation, 2), round(min(p90, 999.0), 1))
            )
    return out


def totals_per_hour(advice: Sequence[Advice]) -> dict[int, int]:
    """Counters open in each hour over all services."""
    totals: dict[int, int] = {}
    for item in advice:
        totals[item.hour] = totals.get(item.hour, 0) + item.counters
    return dict(sorted(totals.items()))
