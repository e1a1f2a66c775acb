"""Load: many kiosks, counters and displays against one real server process; throughput, p99, CPU, RSS."""

from __future__ import annotations

import random
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from motcua.domain.kpis import percentile
from simulation.harness import DisplayProbe, ServerProcess, broker, displays_agree, seed_scenario
from simulation.scenario import Scenario


def peak_hour_arrivals(scenario: Scenario) -> float:
    """Expected arrivals in the busiest hour (as an hourly rate)."""
    best = 0.0
    for hour, expected in scenario.hourly_rates().items():
        span = sum(high - low for low, high in scenario.open_minutes_in_hour(hour))
        if span > 0:
            best = max(best, expected * 60.0 / span)
    return best


@dataclass
class LoadResult:
    """Figures of one load run."""

    offered_tickets_per_s: float
    duration_s: float
    kiosks: int
    counters: int
    displays: int
    requests: int
    errors: int
    throughput_rps: float
    tickets_issued: int
    latency_ms: dict[str, dict[str, float]]
    cpu_pct: dict[str, float]
    rss_mb: dict[str, float]
    displays_agree: bool
    samples: list[tuple[float, float, float]] = field(default_factory=list)  # (t, cpu %, rss MB)

    def as_dict(self) -> dict[str, Any]:
        """Plain figures for the report (without the samples)."""
        return {k: v for k, v in self.__dict__.items() if k != "samples"}


def run_load(
    scenario: Scenario,
    *,
    multiplier: float = 10.0,
    compress: float = 10.0,
    duration_s: float = 60.0,
    kiosks: int = 20,
    displays: int = 10,
    max_requests: int = 200_000,
) -> LoadResult:
    """Offer ``multiplier`` × the scenario's peak hour, time-compressed ``compress`` ×, for ``duration_s`` seconds."""
    rate = peak_hour_arrivals(scenario) * multiplier * compress / 3600.0
    with tempfile.TemporaryDirectory(prefix="motcua-load-") as tmp:
        root = Path(tmp)
        mqtt = broker(root / "broker")
        tokens = seed_scenario(root / "site", scenario, kiosks=kiosks)
        server = ServerProcess(root / "site", scenario.site_id, mqtt.url).start()
        probes = [DisplayProbe(mqtt.url, scenario.site_id).start() for _ in range(displays)]
        latencies: dict[str, list[float]] = {"issue": [], "counter": [], "read": []}
        errors = [0]
        issued: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()
        deadline = time.monotonic() + duration_s
        budget = [max_requests]

        def record(kind: str, started: float, ok: bool) -> None:
            with lock:
                latencies[kind].append(time.perf_counter() - started)
                budget[0] -= 1
                if not ok:
                    errors[0] += 1
                if budget[0] <= 0:
                    stop.set()

        def kiosk(index: int) -> None:
            rng = random.Random(index)
            codes = [s.code for s in scenario.services]
            shares = [s.share for s in scenario.services]
            next_at = time.monotonic() + rng.expovariate(rate / kiosks)
            with httpx.Client(timeout=10.0) as client:
                while not stop.is_set() and time.monotonic() < deadline:
                    time.sleep(max(0.0, next_at - time.monotonic()))
                    next_at += rng.expovariate(rate / kiosks)
                    body = {"service": rng.choices(codes, shares)[0], "priority": None, "lang": "vi"}
                    token = tokens[f"kiosk:{index}"]  # each simulated kiosk has its own token, as on a site
                    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
                    started = time.perf_counter()
                    try:
                        r = client.post(f"{server.base}/api/v1/tickets", json=body, headers=headers)
                        ok = r.status_code == 201
                    except httpx.HTTPError:
                        ok = False
                    record("issue", started, ok)
                    if ok:
                        ticket_id = r.json()["id"]
                        with lock:
                            issued.append(ticket_id)
                        started = time.perf_counter()  # the citizen's phone follows the ticket
                        try:
                            ok = client.get(f"{server.base}/api/v1/tickets/{ticket_id}").status_code == 200
                        except httpx.HTTPError:
                            ok = False
                        record("read", started, ok)

        def desk(counter_id: str) -> None:
            token = tokens[f"counter:{counter_id}"]
            headers = {"Authorization": f"Bearer {token}"}
            base = f"{server.base}/api/v1/counters/{counter_id}"
            with httpx.Client(timeout=10.0) as client:

                def post(action: str, body: Any = None) -> int:
                    started = time.perf_counter()
                    try:
                        status = client.post(f"{base}/{action}", json=body, headers=headers).status_code
                    except httpx.HTTPError:
                        status = 0
                    record("counter", started, status in (200, 204))
                    return status

                post("sign-in", {"staff_id": f"NV-{counter_id}"})
                while not stop.is_set() and time.monotonic() < deadline:
                    if post("next") == 200:
                        post("start")
                        time.sleep(0.2)
                    else:
                        time.sleep(0.5)

        sampler_samples: list[tuple[float, float, float]] = []

        def sampler() -> None:
            proc = psutil.Process(server.pid)
            proc.cpu_percent(None)
            t0 = time.monotonic()
            while not stop.is_set() and time.monotonic() < deadline:
                time.sleep(0.5)
                try:
                    sampler_samples.append(
                        (time.monotonic() - t0, proc.cpu_percent(None), proc.memory_info().rss / 2**20)
                    )
                except psutil.Error:
                    break

        threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(kiosks)]
        threads += [threading.Thread(target=desk, args=(c.id,)) for c in scenario.counters]
        threads.append(threading.Thread(target=sampler))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(duration_s + 60)
        stop.set()
        elapsed = min(time.monotonic() - started, duration_s)
        try:
            agree = all(displays_agree(p, server.base, tokens["admin"], timeout=15) for p in probes)
        finally:
            for probe in probes:
                probe.stop()
            server.stop()
            mqtt.stop()
        every = [v for values in latencies.values() for v in values]

        def dist(values: list[float]) -> dict[str, float]:
            return {
                "n": len(values),
                "p50": round(1000 * (percentile(values, 50) or 0), 1),
                "p99": round(1000 * (percentile(values, 99) or 0), 1),
                "max": round(1000 * max(values, default=0), 1),
            }

        cpu = [c for _, c, _ in sampler_samples]
        rss = [m for _, _, m in sampler_samples]
        return LoadResult(
            offered_tickets_per_s=round(rate, 2),
            duration_s=round(elapsed, 1),
            kiosks=kiosks,
            counters=len(scenario.counters),
            displays=displays,
            requests=len(every),
            errors=errors[0],
            throughput_rps=round(len(every) / elapsed, 1),
            tickets_issued=len(issued),
            latency_ms={"all": dist(every), **{k: dist(v) for k, v in latencies.items()}},
            cpu_pct={"mean": round(sum(cpu) / len(cpu), 1) if cpu else 0.0, "max": round(max(cpu, default=0.0), 1)},
            rss_mb={"max": round(max(rss, default=0.0), 1), "end": round(rss[-1], 1) if rss else 0.0},
            displays_agree=agree,
            samples=sampler_samples,
        )
