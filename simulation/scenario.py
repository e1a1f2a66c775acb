"""A centre's day as data: opening hours, arrivals per hour, services and their time distributions, counters.

Times of day are local ``HH:MM`` strings in files and minutes since local midnight in memory.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from queue_server.core.model import Counter, QueueConfig, Service

BUILTIN = ("province", "district", "commune")


def parse_clock(value: str | int | float) -> float:
    """``"07:30"`` → 450.0 minutes since midnight (numbers pass through)."""
    if isinstance(value, int | float):
        return float(value)
    hours, _, minutes = str(value).partition(":")
    return int(hours) * 60.0 + float(minutes or 0)


def format_clock(minute: float) -> str:
    """450.0 → ``"07:30"``."""
    whole = round(minute)
    return f"{whole // 60:02d}:{whole % 60:02d}"


@dataclass(frozen=True)
class ServiceSpec:
    """A queue with its share of arrivals and its service-time distribution (minutes)."""

    code: str
    letter: str
    name_vi: str
    name_en: str
    share: float
    mean_min: float
    cv: float = 0.5
    dist: str = "lognormal"  # or "gamma"

    def sample(self, rng: random.Random) -> float:
        """One service time drawn from the distribution (mean ``mean_min``, coefficient of variation ``cv``)."""
        if self.cv <= 0:
            return self.mean_min
        if self.dist == "gamma":
            shape = 1.0 / (self.cv * self.cv)
            return rng.gammavariate(shape, self.mean_min / shape)
        sigma2 = math.log(1.0 + self.cv * self.cv)
        return rng.lognormvariate(math.log(self.mean_min) - sigma2 / 2.0, math.sqrt(sigma2))

    def service(self) -> Service:
        """The core's view: the default minutes are the scenario's mean (what a site would configure)."""
        return Service(self.code, self.letter, self.name_vi, self.name_en, self.mean_min)


@dataclass(frozen=True)
class CounterSpec:
    """A desk: the services it serves in order, its shifts and its breaks (start minute, duration)."""

    id: str
    services: tuple[str, ...]
    shifts: tuple[tuple[float, float], ...]
    breaks: tuple[tuple[float, float], ...] = ()

    def counter(self) -> Counter:
        """The core's view of the desk (closed until staff sign in)."""
        return Counter(self.id, f"Quầy {self.id}", f"Counter {self.id}", self.services)


@dataclass(frozen=True)
class Citizen:
    """One visitor of the day, all random draws made up front so both modes see the same day."""

    index: int
    arrive_min: float
    service: str
    priority: str | None
    appointment_min: float | None
    no_show: bool
    service_min: float


@dataclass(frozen=True)
class Scenario:
    """A day at a centre."""

    name: str
    title: str
    day: date
    citizens_per_day: float
    sessions: tuple[tuple[float, float], ...]
    hourly_profile: tuple[tuple[int, float], ...]
    services: tuple[ServiceSpec, ...]
    counters: tuple[CounterSpec, ...]
    site_id: str = "sim-site"
    timezone: str = "Asia/Ho_Chi_Minh"
    priority_share: float = 0.08
    appointment_share: float = 0.04
    no_show_share: float = 0.03
    walk_min: float = 0.5
    no_show_after_min: float = 2.0
    finish_queue: bool = True
    config: QueueConfig = field(default_factory=QueueConfig)

    # -- time
    def midnight(self) -> datetime:
        """Local midnight of the day, as an aware UTC datetime."""
        local = datetime(self.day.year, self.day.month, self.day.day, tzinfo=ZoneInfo(self.timezone))
        return local.astimezone(UTC)

    def at(self, minute: float) -> datetime:
        """The aware datetime of a minute of the day."""
        return self.midnight() + timedelta(minutes=minute)

    @property
    def opens(self) -> float:
        """First minute of the first session."""
        return min(start for start, _ in self.sessions)

    @property
    def closes(self) -> float:
        """Last minute of the last session."""
        return max(end for _, end in self.sessions)

    def service_specs(self) -> dict[str, ServiceSpec]:
        """Services by code."""
        return {s.code: s for s in self.services}

    # -- arrivals
    def hourly_rates(self) -> dict[int, float]:
        """Expected arrivals in each hour of the day."""
        total = sum(w for _, w in self.hourly_profile) or 1.0
        return {hour: self.citizens_per_day * w / total for hour, w in self.hourly_profile}

    def open_minutes_in_hour(self, hour: int) -> list[tuple[float, float]]:
        """The parts of an hour during which the centre takes tickets."""
        parts = []
        for start, end in self.sessions:
            low, high = max(start, hour * 60.0), min(end, hour * 60.0 + 60.0)
            if high > low:
                parts.append((low, high))
        return parts

    def citizens(self, seed: int) -> list[Citizen]:
        """The day's visitors: a Poisson process per hour (piecewise constant rate), attributes drawn once."""
        rng = random.Random(seed)
        specs = list(self.services)
        weights = [s.share for s in specs]
        priorities = self.config.priority_codes()
        out: list[Citizen] = []
        for hour, expected in sorted(self.hourly_rates().items()):
            parts = self.open_minutes_in_hour(hour)
            span = sum(high - low for low, high in parts)
            if span <= 0 or expected <= 0:
                continue
            rate = expected / span
            for low, high in parts:
                t = low + rng.expovariate(rate)
                while t < high:
                    spec = rng.choices(specs, weights)[0]
                    priority = rng.choice(priorities) if rng.random() < self.priority_share else None
                    appointment = None
                    if priority is None and rng.random() < self.appointment_share:
                        appointment = float(math.ceil((t + rng.uniform(0.0, 10.0)) / 5.0) * 5)
                    out.append(
                        Citizen(
                            index=len(out),
                            arrive_min=t,
                            service=spec.code,
                            priority=priority,
                            appointment_min=appointment,
                            no_show=rng.random() < self.no_show_share,
                            service_min=spec.sample(rng),
                        )
                    )
                    t += rng.expovariate(rate)
        return out

    def with_counters(self, counters: tuple[CounterSpec, ...], suffix: str = "") -> Scenario:
        """The same day with another staffing plan."""
        return replace(self, counters=counters, name=self.name + suffix)


# -- loading
def _pairs(value: Any) -> tuple[tuple[float, float], ...]:
    return tuple((parse_clock(a), parse_clock(b)) for a, b in value or ())


def _breaks(value: Any) -> tuple[tuple[float, float], ...]:
    return tuple((parse_clock(start), float(minutes)) for start, minutes in value or ())


def scenario_from_dict(data: dict[str, Any]) -> Scenario:
    """Build and check a scenario from parsed YAML/JSON."""
    sessions = _pairs(data["sessions"])
    services = tuple(
        ServiceSpec(
            code=s["code"],
            letter=s["letter"],
            name_vi=s.get("name_vi", s["code"]),
            name_en=s.get("name_en", s["code"]),
            share=float(s["share"]),
            mean_min=float(s["mean_min"]),
            cv=float(s.get("cv", 0.5)),
            dist=s.get("dist", "lognormal"),
        )
        for s in data["services"]
    )
    default_shifts = data.get("shifts", data["sessions"])
    counters: list[CounterSpec] = []
    for c in data["counters"]:
        for index in range(int(c.get("count", 1))):
            cid = str(c["id"]) if int(c.get("count", 1)) == 1 else f"{c['id']}{index + 1}"
            breaks = _breaks(c.get("breaks"))
            stagger = float(c.get("break_stagger_min", 0)) * index
            counters.append(
                CounterSpec(
                    id=cid,
                    services=tuple(c["services"]),
                    shifts=_pairs(c.get("shifts", default_shifts)),
                    breaks=tuple((start + stagger, minutes) for start, minutes in breaks),
                )
            )
    config_data = data.get("queue", {})
    scenario = Scenario(
        name=data["name"],
        title=data.get("title", data["name"]),
        day=date.fromisoformat(str(data.get("day", "2026-11-30"))),
        citizens_per_day=float(data["citizens_per_day"]),
        sessions=sessions,
        hourly_profile=tuple((int(h), float(w)) for h, w in data["hourly_profile"].items()),
        services=services,
        counters=tuple(counters),
        site_id=data.get("site_id", f"sim-{data['name']}"),
        priority_share=float(data.get("priority_share", 0.08)),
        appointment_share=float(data.get("appointment_share", 0.04)),
        no_show_share=float(data.get("no_show_share", 0.03)),
        walk_min=float(data.get("walk_min", 0.5)),
        no_show_after_min=float(data.get("no_show_after_min", 2.0)),
        finish_queue=bool(data.get("finish_queue", True)),
        config=QueueConfig(**config_data),
    )
    _check(scenario)
    return scenario


def _check(scenario: Scenario) -> None:
    codes = {s.code for s in scenario.services}
    if len(codes) != len(scenario.services):
        raise ValueError("two services share a code")
    ids = [c.id for c in scenario.counters]
    if len(ids) != len(set(ids)):
        raise ValueError(f"two counters share an id: {ids}")
    for counter in scenario.counters:
        unknown = set(counter.services) - codes
        if unknown:
            raise ValueError(f"counter {counter.id} serves unknown services {sorted(unknown)}")
    if not all(s.mean_min > 0 and s.share >= 0 for s in scenario.services):
        raise ValueError("service times must be positive and shares non-negative")


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name (province, district, commune) or a YAML/JSON file."""
    path = Path(name_or_path)
    if not path.exists() and str(name_or_path) in BUILTIN:
        text = (resources.files("simulation") / "scenarios" / f"{name_or_path}.yaml").read_text("utf-8")
        suffix = ".yaml"
    else:
        text = path.read_text("utf-8")
        suffix = path.suffix
    if suffix == ".json":
        data = json.loads(text)
    else:
        import yaml

        data = yaml.safe_load(text)
    return scenario_from_dict(data)
