"""A seeded simulation of one site's service day: arrivals, a queue at the counters, dossiers, ratings.

Arrivals are a Poisson count around the site's demand × weekday factor × a slow seasonal level (a
six-week cycle, different per site) with day-to-day noise, spread over opening hours with a morning
peak; Saturday only in the morning and only at sites open then. Each service has its own counters
(pooled at a commune desk), sized on its peak load × the site's staffing; a citizen is called by the
first free counter (first come, first served), not before 7:30, not over the lunch break
(11:40–13:30), and is sent home at 17:00. Service times are log-normal around the service's mean.
Ratings fall with waiting and rise with the site's courtesy; sentiment labels follow the ratings.

Arrival counts use their own random stream per (site, day), so the forecast benchmark can draw the
same arrivals without simulating the queue.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from monitor.analytics.model import VN_TZ
from monitor.generator.province import SiteProfile

WEEKDAY_FACTOR = (1.18, 1.06, 1.0, 0.97, 0.9, 0.55, 0.0)
# Arrival weight per local hour and the minutes of that hour during which citizens come in.
WEEKDAY_HOURS: Mapping[int, tuple[float, int, int]] = {
    7: (0.05, 15, 60),
    8: (0.17, 0, 60),
    9: (0.18, 0, 60),
    10: (0.15, 0, 60),
    11: (0.05, 0, 30),
    13: (0.04, 15, 60),
    14: (0.13, 0, 60),
    15: (0.12, 0, 60),
    16: (0.07, 0, 50),
}
SATURDAY_HOURS: Mapping[int, tuple[float, int, int]] = {h: WEEKDAY_HOURS[h] for h in (7, 8, 9, 10, 11)}
OPEN_AM, LUNCH_FROM, OPEN_PM, CLOSE = 7 * 60 + 30, 11 * 60 + 40, 13 * 60 + 30, 17 * 60

SERVICE_MIX: Mapping[str, Mapping[str, float]] = {
    "province": {"KD": 0.24, "GT": 0.22, "HT": 0.1, "XH": 0.1, "DD": 0.06, "TK": 0.28},
    "district": {"DD": 0.3, "KD": 0.14, "CT": 0.16, "HT": 0.1, "XH": 0.1, "TK": 0.2},
    "commune": {"HT": 0.38, "CT": 0.3, "XH": 0.1, "DD": 0.06, "TK": 0.16},
}
SERVICE_MIN = {"HT": 10.0, "CT": 5.0, "DD": 16.0, "KD": 14.0, "GT": 8.0, "XH": 11.0, "TK": 4.0}
LETTER = {"HT": "A", "CT": "B", "DD": "C", "KD": "D", "GT": "E", "XH": "F", "TK": "G"}
PROCEDURES = {
    "HT": ("HT-KS-01", "HT-KH-01", "HT-KT-01", "HT-TTHN-01", "LLTP-01"),
    "CT": ("CT-BS-01", "CT-CK-01", "CT-HD-01"),
    "DD": ("DD-GCN-01", "DD-BD-01", "DD-XD-01"),
    "KD": ("KD-HKD-01", "KD-DN-01", "KD-DN-02"),
    "GT": ("GT-GPLX-01", "GT-GPLX-02"),
    "XH": ("XH-BTXH-01", "XH-NCC-01", "XH-BHYT-01"),
}
COMMENTS = {
    "positive": ("Cán bộ nhiệt tình, hướng dẫn rõ ràng.", "Làm thủ tục nhanh, rất hài lòng.", "Phục vụ chu đáo."),
    "neutral": ("Bình thường.", "Thủ tục ổn.", "Cần thêm ghế chờ."),
    "negative": ("Chờ lâu quá.", "Cán bộ hướng dẫn chưa rõ, phải đi lại nhiều lần.", "Máy lấy số hay bị lỗi."),
}
SENTIMENT_BY_RATING = {
    "very_satisfied": (("positive", 0.9), ("neutral", 0.1)),
    "satisfied": (("positive", 0.6), ("neutral", 0.35), ("negative", 0.05)),
    "neutral": (("neutral", 0.6), ("negative", 0.3), ("positive", 0.1)),
    "dissatisfied": (("negative", 0.85), ("neutral", 0.15)),
}
FEEDBACK_SHARE = 0.35
NO_SHOW_SHARE = 0.03
PRIORITY_SHARE = 0.07

Raw = tuple[datetime, str, dict[str, Any]]


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def expected_arrivals(profile: SiteProfile, day: date, seed: int) -> float:
    """The mean arrivals of ``day``: demand × weekday factor × the site's slow seasonal level."""
    weekday = day.weekday()
    if weekday == 5 and not profile.saturday:
        return 0.0
    phase = _rng(seed, profile.info.site, "phase").uniform(0, 2 * math.pi)
    level = math.exp(0.12 * math.sin(2 * math.pi * day.toordinal() / 42.0 + phase))
    return profile.demand * WEEKDAY_FACTOR[weekday] * level


def arrival_minutes(profile: SiteProfile, day: date, seed: int) -> list[float]:
    """Sorted local minutes after midnight at which citizens arrive on ``day``."""
    rng = _rng(seed, profile.info.site, day.isoformat(), "arrivals")
    mean = expected_arrivals(profile, day, seed) * math.exp(rng.gauss(0.0, 0.1))
    hours = SATURDAY_HOURS if day.weekday() == 5 else WEEKDAY_HOURS
    keys = list(hours)
    weights = [hours[h][0] for h in keys]
    count = _poisson(rng, mean)
    out = []
    for hour in rng.choices(keys, weights=weights, k=count):
        _, start, end = hours[hour]
        out.append(hour * 60 + rng.uniform(start, end))
    return sorted(out)


def hourly_arrivals(profile: SiteProfile, day: date, seed: int) -> list[float]:
    """Arrivals per local hour of ``day`` (the same citizens as :func:`simulate_day`)."""
    row = [0.0] * 24
    for minute in arrival_minutes(profile, day, seed):
        row[int(minute // 60)] += 1
    return row


@dataclass(frozen=True, slots=True)
class Counter:
    """A counter of the simulated site."""

    counter_id: str
    staff_id: str
    services: tuple[str, ...]


def counters_of(profile: SiteProfile) -> list[Counter]:
    """The site's counters: one pool at a commune desk, per-service groups at district and province."""
    level = profile.info.level
    mix = SERVICE_MIX[level]
    peak = profile.demand * WEEKDAY_FACTOR[0] * 0.18  # arrivals in the busiest hour of a Monday
    site = profile.info.site
    if level == "commune":
        load = sum(peak * share * SERVICE_MIN[s] / 60.0 for s, share in mix.items())
        count = max(1, round((load * 1.1 + 0.6) * profile.staffing))
        return [Counter(f"Q{i + 1:02d}", f"{site}-cb{i + 1:02d}", tuple(mix)) for i in range(count)]
    out: list[Counter] = []
    for service, share in mix.items():
        load = peak * share * SERVICE_MIN[service] / 60.0
        count = max(1, round(load * profile.staffing * 1.1 + 0.3))
        for _ in range(count):
            n = len(out) + 1
            out.append(Counter(f"Q{n:02d}", f"{site}-cb{n:02d}", (service,)))
    return out


def _at(day: date, minute: float) -> datetime:
    return (datetime.combine(day, time(0), VN_TZ) + timedelta(minutes=minute)).astimezone(UTC)


def _open_start(minute: float, arrived: float) -> float | None:
    """When a counter free at ``minute`` can call a citizen who arrived at ``arrived``; None after closing."""
    start = max(minute, arrived, OPEN_AM)
    if LUNCH_FROM <= start < OPEN_PM:
        start = OPEN_PM
    return None if start >= CLOSE else start


def _rating(rng: random.Random, courtesy: float, wait: float) -> str:
    score = courtesy - 0.015 * max(0.0, wait - 10.0) + rng.gauss(0.0, 0.25)
    if score > 0.75:
        return "very_satisfied"
    if score > 0.45:
        return "satisfied"
    return "neutral" if score > 0.25 else "dissatisfied"


def _pick(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def simulate_day(profile: SiteProfile, day: date, seed: int, now: datetime | None = None) -> list[Raw]:
    """Every business event of the site on ``day`` (only those up to ``now`` when given), by time."""
    arrivals = arrival_minutes(profile, day, seed)
    if not arrivals:
        return []
    rng = _rng(seed, profile.info.site, day.isoformat(), "service")
    mix = SERVICE_MIX[profile.info.level]
    services = rng.choices(list(mix), weights=list(mix.values()), k=len(arrivals))
    counters = counters_of(profile)
    saturday = day.weekday() == 5
    close = LUNCH_FROM if saturday else CLOSE
    events: list[Raw] = []
    for counter in counters:
        data = {"counter_id": counter.counter_id, "staff_id": counter.staff_id}
        events.append((_at(day, OPEN_AM), "counter.opened", data))
        if not saturday:
            events.append((_at(day, LUNCH_FROM - 10), "counter.paused", data))
            events.append((_at(day, OPEN_PM), "counter.resumed", data))
        events.append((_at(day, close), "counter.closed", data))
    pools: dict[tuple[str, ...], list[tuple[float, int]]] = {}
    for index, counter in enumerate(counters):
        pools.setdefault(counter.services, []).append((0.0, index))
    pool_of = {s: key for key in pools for s in key}
    latency = 2.5 if profile.info.level == "commune" else 2.0
    numbers: dict[str, int] = {}
    for arrived, service in zip(arrivals, services, strict=True):
        numbers[service] = numbers.get(service, 0) + 1
        number = f"{LETTER[service]}{numbers[service]:03d}"
        ticket_id = f"{day:%Y%m%d}-{number}"
        queued = _at(day, arrived)
        heap = pools[pool_of[service]]
        ticket: dict[str, Any] = {
            "ticket_id": ticket_id,
            "number": number,
            "service": service,
            "priority": "elderly" if rng.random() < PRIORITY_SHARE else None,
            "day": day.isoformat(),
            "issued_at": queued.isoformat(),
            "queued_at": queued.isoformat(),
            "counter_id": None,
            "staff_id": None,
            "recall_count": 0,
        }
        events.append(
            (
                queued,
                "ticket.issued",
                {**ticket, "estimated_wait_min": round(rng.uniform(3, 20), 1), "position": len(heap)},
            )
        )
        if service != "TK" and rng.random() < profile.dossier_share:
            code = rng.choice(PROCEDURES[service])
            events.append(
                (
                    queued + timedelta(seconds=20),
                    "dossier.submitted",
                    {
                        "dossier_id": f"{ticket_id}-HS",
                        "procedure_code": code,
                        "ticket_id": ticket_id,
                        "number": number,
                        "service": service,
                    },
                )
            )
        free, index = heapq.heappop(heap)
        # Even at an idle counter a citizen waits a little: staff finish paperwork, then call the next number.
        start = _open_start(free, arrived + rng.lognormvariate(math.log(latency), 0.6))
        if start is None or (saturday and start >= LUNCH_FROM):
            heapq.heappush(heap, (free, index))
            events.append((_at(day, max(arrived, close)), "ticket.cancelled", ticket))
            continue
        counter = counters[index]
        served = {**ticket, "counter_id": counter.counter_id, "staff_id": counter.staff_id}
        events.append((_at(day, start), "ticket.called", {**served, "reason": "next"}))
        if rng.random() < NO_SHOW_SHARE:
            heapq.heappush(heap, (start + 2.0, index))
            events.append((_at(day, start + 2.0), "ticket.no_show", served))
            continue
        mean = SERVICE_MIN[service]
        minutes = rng.lognormvariate(math.log(mean) - 0.125, 0.5)
        # The counter is free again after the citizen leaves, the dossier is entered and the next number called.
        heapq.heappush(heap, (start + minutes + 0.5 + rng.expovariate(1 / 1.5), index))
        done_at = _at(day, start + minutes)
        events.append((done_at, "ticket.done", {**served, "service_min": round(minutes, 3)}))
        if rng.random() < FEEDBACK_SHARE:
            wait = start - arrived
            rating = _rating(rng, profile.courtesy, wait)
            label = _pick(rng, SENTIMENT_BY_RATING[rating])
            topics = ["waiting_time"] if label == "negative" and wait > 20 else []
            if label == "negative" and not topics:
                topics = [rng.choice(["staff_attitude", "procedure", "facilities"])]
            feedback: dict[str, Any] = {
                "ticket_id": ticket_id,
                "number": number,
                "service": service,
                "counter_id": counter.counter_id,
                "staff_id": counter.staff_id,
                "rating": rating,
                "sentiment": {"label": label, "score": round(rng.uniform(0.55, 0.99), 3), "topics": topics},
            }
            if rng.random() < 0.4:
                feedback["comment"] = rng.choice(COMMENTS[label])
            events.append((done_at + timedelta(minutes=1), "feedback.submitted", feedback))
    events.sort(key=lambda e: e[0])
    if now is not None:
        events = [e for e in events if e[0] <= now]
    return events
