"""Replay a simulated day against a real server over HTTP, with displays on MQTT, on an accelerated clock.

The SimPy processes are those of the pure simulation, on a real-time environment: ``speed`` simulated
minutes pass per wall minute. The server runs in-process (uvicorn in a thread) with its clock set to the
simulated time, so its event log, KPIs and wait estimates are what a real day would have produced.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import simpy.rt

from motcua.contract.events import DomainEvent
from simulation.engine import Day, DayResult, summarise
from simulation.harness import DisplayProbe, InProcessServer, broker, displays_agree, seed_scenario
from simulation.scenario import Citizen, Scenario


class ReplayError(RuntimeError):
    """The server answered something the replay did not expect."""


@dataclass
class HttpBackend:
    """The day's use cases as HTTP calls to a real server."""

    base: str
    tokens: dict[str, str]
    scenario: Scenario
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10.0))
    latencies: list[float] = field(default_factory=list)
    server: InProcessServer | None = None

    def _post(self, path: str, token: str, body: Any = None, key: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if key:
            headers["Idempotency-Key"] = key
        started = time.perf_counter()
        r = self.client.post(f"{self.base}{path}", json=body, headers=headers)
        self.latencies.append(time.perf_counter() - started)
        if r.status_code >= 300:
            raise ReplayError(f"POST {path} → {r.status_code} {r.text[:200]}")
        return r

    def _counter(self, counter_id: str, action: str, body: Any = None) -> httpx.Response:
        return self._post(f"/api/v1/counters/{counter_id}/{action}", self.tokens[f"counter:{counter_id}"], body)

    def issue(self, citizen: Citizen, now: datetime) -> str:
        """Take a ticket at a kiosk (booking and checking in first for an appointment)."""
        kiosk = self.tokens["kiosk"]
        if citizen.appointment_min is not None:
            start = self.scenario.at(citizen.appointment_min)
            end = self.scenario.at(citizen.appointment_min + 30)
            booked = self._post(
                "/api/v1/appointments",
                kiosk,
                {"service": citizen.service, "start": start.isoformat(), "end": end.isoformat()},
            ).json()
            r = self._post(f"/api/v1/appointments/{booked['code']}/check-in", kiosk, key=uuid.uuid4().hex)
        else:
            body = {"service": citizen.service, "priority": citizen.priority, "lang": "vi"}
            r = self._post("/api/v1/tickets", kiosk, body, key=uuid.uuid4().hex)
        return str(r.json()["id"])

    def sign_in(self, counter_id: str, now: datetime) -> None:
        """Staff sign in."""
        self._counter(counter_id, "sign-in", {"staff_id": f"NV-{counter_id}"})

    def sign_out(self, counter_id: str, now: datetime) -> None:
        """Staff sign out."""
        self._counter(counter_id, "sign-out")

    def pause(self, counter_id: str, now: datetime) -> None:
        """A break starts."""
        self._counter(counter_id, "pause")

    def resume(self, counter_id: str, now: datetime) -> None:
        """The break ends."""
        self._counter(counter_id, "resume")

    def call_next(self, counter_id: str, now: datetime) -> str | None:
        """Call the next ticket (204: nobody)."""
        r = self._counter(counter_id, "next")
        return None if r.status_code == 204 else str(r.json()["id"])

    def start(self, counter_id: str, now: datetime) -> None:
        """Service starts."""
        self._counter(counter_id, "start")

    def done(self, counter_id: str, now: datetime) -> None:
        """Service done."""
        self._counter(counter_id, "done")

    def no_show(self, counter_id: str, now: datetime) -> None:
        """The citizen did not come."""
        self._counter(counter_id, "no-show")

    def events(self) -> list[DomainEvent]:
        """The server's event log of the day (read from its database after the run)."""
        from queue_server.store import repo

        assert self.server is not None
        assert self.server.service is not None
        service = self.server.service
        with service.db.transaction() as conn:
            return repo.load_events_of_day(conn, service.today(self.scenario.at(self.scenario.opens)))


def replay(scenario: Scenario, *, seed: int = 717, speed: float = 120.0, data_dir: Path | None = None) -> DayResult:
    """Run the day against a real server and broker; ``speed`` simulated minutes per wall minute."""
    with tempfile.TemporaryDirectory(prefix="motcua-replay-") as tmp:
        root = Path(data_dir or tmp)
        mqtt = broker(root / "broker")
        tokens = seed_scenario(root / "site", scenario)
        env = simpy.rt.RealtimeEnvironment(initial_time=scenario.opens - 1, factor=60.0 / speed, strict=False)
        server = InProcessServer(
            root / "site",
            scenario.site_id,
            scenario.config,
            clock=lambda: scenario.at(env.now),
            broker_url=mqtt.url,
            time_factor=speed,
        ).start()
        probe = DisplayProbe(mqtt.url, scenario.site_id).start()
        backend = HttpBackend(server.base, tokens, scenario, server=server)
        try:
            citizens = scenario.citizens(seed)
            started = time.perf_counter()
            Day(scenario, backend, citizens, env).run()
            wall = time.perf_counter() - started
            agree = displays_agree(probe, server.base, tokens["admin"])
            kpis_http = backend.client.get(
                f"{server.base}/api/v1/kpis", headers={"Authorization": f"Bearer {tokens['admin']}"}
            ).json()
            result = summarise(scenario, backend.events(), len(citizens), wall)
            called = sum(1 for e in result.events if e.type == "ticket.called")
            result.extra = {
                "speed": speed,
                "http_requests": len(backend.latencies),
                "http_p99_ms": round(1000 * sorted(backend.latencies)[int(0.99 * (len(backend.latencies) - 1))], 1)
                if backend.latencies
                else None,
                "displays_agree": agree,
                "display_calls_received": len({c.seq for c in probe.calls}),
                "calls_made": called,
                "display_rejected": probe.rejected,
                "display_errors": probe.errors,
                "kpis_http": kpis_http,
            }
            return result
        finally:
            backend.client.close()
            probe.stop()
            server.stop()
            mqtt.stop()
