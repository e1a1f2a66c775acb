"""Faults under load, each followed by the same checks: no acknowledged ticket lost, no number issued twice,
every display shows the current state again, the server healthy.

The kill -9 approach is that of ``tests/queue_server/test_kill9.py`` (kiosks retrying with the same
Idempotency-Key across restarts), here with a broker and displays attached.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx

from motcua.contract.mqtt import topic_call, topic_counter_state, topic_queue_summary
from motcua.runtime.broker import BrokerProcess
from simulation.harness import DisplayProbe, ServerProcess, broker, displays_agree, seed_scenario
from simulation.scenario import Scenario


@dataclass
class FaultResult:
    """One fault: what was done and what the checks found."""

    name: str
    ok: bool
    checks: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    seconds: float = 0.0


@dataclass
class Rig:
    """A broker, a server process, a display and kiosk/counter traffic that survives restarts."""

    root: Path
    scenario: Scenario
    data_dir: Path
    mqtt: BrokerProcess
    server: ServerProcess
    probe: DisplayProbe
    tokens: dict[str, str]
    acknowledged: dict[str, tuple[str, str]] = field(default_factory=dict)
    replays_differ: int = 0
    status_codes: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def kiosk(self, seed: int, max_tickets: int) -> None:
        """Issue tickets; retry each with the same key until answered (as the kiosk does)."""
        rng = random.Random(seed)
        codes = [s.code for s in self.scenario.services]
        token = self.tokens.get(f"kiosk:{seed}", self.tokens["kiosk"])  # one token per kiosk, as on a site
        with httpx.Client(timeout=3.0) as client:
            for _ in range(max_tickets):
                if self.stop.is_set():
                    return
                key = uuid.uuid4().hex
                body = {"service": rng.choice(codes), "priority": rng.choice([None, None, "elderly"]), "lang": "vi"}
                first: str | None = None
                for _attempt in range(300):
                    if self.stop.is_set() and first is None:
                        return
                    try:
                        r = client.post(
                            f"{self.server.base}/api/v1/tickets",
                            json=body,
                            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
                        )
                    except httpx.HTTPError:
                        time.sleep(0.05)
                        continue
                    with self.lock:
                        self.status_codes[r.status_code] = self.status_codes.get(r.status_code, 0) + 1
                    if r.status_code != 201:
                        time.sleep(0.1)
                        continue
                    ticket = r.json()
                    with self.lock:
                        if first is None:
                            first = ticket["id"]
                            self.acknowledged[ticket["id"]] = (ticket["day"], ticket["number"])
                        elif first != ticket["id"]:
                            self.replays_differ += 1
                    if rng.random() < 0.2 and _attempt == 0:
                        continue  # retry a success on purpose: the same ticket must come back
                    break
                time.sleep(rng.uniform(0.02, 0.1))

    def desk(self, counter_id: str) -> None:
        """Sign in, call, start — again after every restart."""
        headers = {"Authorization": f"Bearer {self.tokens[f'counter:{counter_id}']}"}
        base = f"{self.server.base}/api/v1/counters/{counter_id}"
        with httpx.Client(timeout=3.0) as client:
            while not self.stop.is_set():
                try:
                    client.post(f"{base}/sign-in", json={"staff_id": f"NV-{counter_id}"}, headers=headers)
                    if client.post(f"{base}/next", headers=headers).status_code == 200:
                        client.post(f"{base}/start", headers=headers)
                    time.sleep(0.15)
                except httpx.HTTPError:
                    time.sleep(0.05)

    def start_traffic(self, kiosks: int = 3, max_tickets: int = 400) -> None:
        """Kiosks and two counters in threads."""
        self.stop.clear()
        self.threads = [threading.Thread(target=self.kiosk, args=(i, max_tickets)) for i in range(kiosks)]
        self.threads += [threading.Thread(target=self.desk, args=(c.id,)) for c in self.scenario.counters[:2]]
        for thread in self.threads:
            thread.start()

    def stop_traffic(self) -> None:
        """Stop and join the traffic threads."""
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def check(self) -> dict[str, Any]:
        """No acknowledged ticket lost, no number twice, displays current, server healthy."""
        healthy = False
        with contextlib.suppress(httpx.HTTPError):
            healthy = httpx.get(f"{self.server.base}/api/v1/healthz", timeout=5).status_code == 200
        db = sqlite3.connect(self.data_dir / "queue.db")
        try:
            rows = {
                r[0]: (r[1], r[2]) for r in db.execute("SELECT id, day, number FROM tickets WHERE parent_id IS NULL")
            }
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
        lost = [tid for tid, where in self.acknowledged.items() if rows.get(tid) != where]
        numbers = list(rows.values())
        return {
            "acknowledged": len(self.acknowledged),
            "lost": len(lost),
            "numbers_twice": len(numbers) - len(set(numbers)),
            "retry_returned_other_ticket": self.replays_differ,
            "integrity": integrity,
            "displays_agree": displays_agree(self.probe, self.server.base, self.tokens["admin"], timeout=20),
            "display_errors": len(self.probe.errors),
            "healthy": healthy,
            "status_codes": dict(sorted(self.status_codes.items())),
        }


def passed(checks: dict[str, Any]) -> bool:
    """The common verdict."""
    return (
        checks["lost"] == 0
        and checks["numbers_twice"] == 0
        and checks["retry_returned_other_ticket"] == 0
        and checks["integrity"] == "ok"
        and checks["displays_agree"]
        and checks["display_errors"] == 0
        and checks["healthy"]
        and 500 not in checks["status_codes"]
    )


@contextmanager
def rig(scenario: Scenario, root: Path | None = None, data_dir: Path | None = None) -> Iterator[Rig]:
    """Start broker, server process and display probe in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="motcua-faults-") as tmp:
        base = Path(root or tmp)
        data = data_dir or base / "site"
        data.mkdir(parents=True, exist_ok=True)
        mqtt = broker(base / "broker")
        tokens = seed_scenario(data, scenario)
        server = ServerProcess(data, scenario.site_id, mqtt.url).start()
        probe = DisplayProbe(mqtt.url, scenario.site_id).start()
        the_rig = Rig(base, scenario, data, mqtt, server, probe, tokens)
        try:
            yield the_rig
        finally:
            the_rig.stop_traffic()
            probe.stop()
            server.stop()
            mqtt.stop()


def _timed(name: str, body: Callable[[], FaultResult]) -> FaultResult:
    started = time.monotonic()
    try:
        result = body()
    except Exception as exc:  # a fault run that crashes is a failed fault, reported as such
        result = FaultResult(name, False, note=f"crashed: {exc!r}")
    result.seconds = round(time.monotonic() - started, 1)
    return result


def kill9(scenario: Scenario, rounds: int = 20, seed: int = 717) -> FaultResult:
    """``rounds`` × SIGKILL of the server at random moments under load, restarted each time."""

    def body() -> FaultResult:
        rng = random.Random(seed)
        with rig(scenario) as r:
            r.start_traffic()
            for _ in range(rounds):
                time.sleep(rng.uniform(0.1, 0.6))
                r.server.kill()
                r.server.start()
            time.sleep(0.5)
            r.stop_traffic()
            checks = r.check()
        checks["kills"] = rounds
        return FaultResult("kill -9 under load", passed(checks) and checks["acknowledged"] > 20, checks)

    return _timed("kill -9 under load", body)


def broker_restart(scenario: Scenario, down_s: float = 2.0) -> FaultResult:
    """Stop the broker for ``down_s`` under load and start it again (retained state from persistence)."""

    def body() -> FaultResult:
        with rig(scenario) as r:
            r.start_traffic()
            time.sleep(1.0)
            r.mqtt.restart(down_seconds=down_s)
            time.sleep(2.0)
            r.stop_traffic()
            checks = r.check()
        return FaultResult("broker restart", passed(checks), checks)

    return _timed("broker restart", body)


def uplink_cut() -> FaultResult:
    """The uplink cut is exercised by the edge agent's own outage tests (tests/edge_agent/agent), not by this suite."""
    note = "NOT RUN here: see the edge agent's outage and broker-restart tests in tests/edge_agent/agent"
    return FaultResult("uplink cut", False, note=note)


def disk_full(scenario: Scenario, size: str = "2m") -> FaultResult:
    """Data directory on a small tmpfs: fill it, expect a clear 503 JSON error, then recovery when space returns."""

    def body() -> FaultResult:
        if os.geteuid() != 0:
            return FaultResult("data disk full", False, note="needs root to mount a tmpfs")
        with tempfile.TemporaryDirectory(prefix="motcua-diskfull-") as tmp:
            mount = Path(tmp) / "data"
            mount.mkdir()
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=True)
            try:
                with rig(scenario, root=Path(tmp), data_dir=mount) as r:
                    filler = mount / "filler"
                    with contextlib.suppress(OSError), filler.open("wb") as fh:
                        while True:
                            fh.write(b"\0" * 65536)
                            fh.flush()
                    answers: dict[int, int] = {}
                    bodies: list[Any] = []
                    with httpx.Client(timeout=5.0) as client:
                        for _ in range(40):  # bounded: the WAL may absorb a few writes first
                            try:
                                resp = client.post(
                                    f"{r.server.base}/api/v1/tickets",
                                    json={"service": scenario.services[0].code, "lang": "vi"},
                                    headers={
                                        "Authorization": f"Bearer {r.tokens['kiosk']}",
                                        "Idempotency-Key": uuid.uuid4().hex,
                                    },
                                )
                            except httpx.HTTPError as exc:
                                answers[0] = answers.get(0, 0) + 1
                                bodies.append(repr(exc))
                                continue
                            answers[resp.status_code] = answers.get(resp.status_code, 0) + 1
                            if resp.status_code == 201:
                                r.acknowledged[resp.json()["id"]] = (resp.json()["day"], resp.json()["number"])
                            elif len(bodies) < 3:
                                try:
                                    bodies.append(resp.json())
                                except ValueError:
                                    bodies.append(resp.text[:200])
                    alive = r.server.process is not None and r.server.process.poll() is None
                    filler.unlink()
                    recovered = False
                    with httpx.Client(timeout=5.0) as client:
                        for _ in range(20):
                            resp = client.post(
                                f"{r.server.base}/api/v1/tickets",
                                json={"service": scenario.services[0].code, "lang": "vi"},
                                headers={
                                    "Authorization": f"Bearer {r.tokens['kiosk']}",
                                    "Idempotency-Key": uuid.uuid4().hex,
                                },
                            )
                            if resp.status_code == 201:
                                r.acknowledged[resp.json()["id"]] = (resp.json()["day"], resp.json()["number"])
                                recovered = True
                                break
                            time.sleep(0.25)
                    checks = r.check()
            finally:
                subprocess.run(["umount", "-l", str(mount)], check=False)
        checks.update(
            {"answers_when_full": answers, "bodies": bodies, "alive_when_full": alive, "recovered": recovered}
        )
        clear = any(isinstance(b, dict) and b.get("code") for b in bodies) and 500 not in answers and 503 in answers
        ok = alive and recovered and checks["lost"] == 0 and checks["healthy"] and clear
        note = (
            ""
            if clear
            else "a full disk must answer 503 storage_full, not a 500 or a reset"
        )
        return FaultResult("data disk full", ok, checks, note)

    return _timed("data disk full", body)


MALFORMED: tuple[bytes, ...] = (
    b"",
    b"not json",
    b"{",
    b"[]",
    b"null",
    b"{}",
    b'{"v": 2}',
    b'{"v": 1, "site": 5, "seq": "x"}',
    b"\xff\xfe\x00garbage",
    json.dumps({"v": 1, "site": "s", "seq": 1, "number": "A" * 100000}).encode(),
    b'{"v":1,"site":"s","seq":-1,"counter_id":"../../x","status":"open","updated_at":"not a date"}',
)


def malformed_mqtt(scenario: Scenario) -> FaultResult:
    """Garbage on every topic the displays subscribe to; the view-models survive and the state comes back."""

    def body() -> FaultResult:
        from motcua.runtime.mqtt import MqttConnection

        with rig(scenario) as r:
            r.start_traffic(kiosks=1, max_tickets=20)
            time.sleep(1.0)
            site = scenario.site_id
            publisher = MqttConnection(r.mqtt.url, client_id="sim-malformed")
            publisher.start()
            publisher.wait_connected(10)
            topics = [topic_call(site), topic_queue_summary(site), topic_counter_state(site, scenario.counters[0].id)]
            sent = 0
            for topic in topics:
                for payload in MALFORMED:
                    publisher.publish(topic, payload, qos=1).wait_for_publish(5)
                    sent += 1
            # A retained junk state for a counter that does not exist, then cleared (empty retained payload).
            junk = topic_counter_state(site, "zz-junk")
            publisher.publish(junk, b"garbage", qos=1, retain=True).wait_for_publish(5)
            publisher.publish(junk, b"", qos=1, retain=True).wait_for_publish(5)
            time.sleep(1.0)
            publisher.stop()
            r.stop_traffic()
            # The retained summary and states were overwritten by junk on the real topics: the server's next
            # change republishes them; a counter action produces one.
            counter = scenario.counters[0].id
            httpx.post(
                f"{r.server.base}/api/v1/counters/{counter}/sign-in",
                json={"staff_id": "NV-x"},
                headers={"Authorization": f"Bearer {r.tokens[f'counter:{counter}']}"},
                timeout=5,
            )
            checks = r.check()
            checks.update({"sent": sent, "rejected_by_display": r.probe.rejected})
        ok = passed(checks) and checks["rejected_by_display"] >= len(MALFORMED)
        return FaultResult("malformed MQTT payloads", ok, checks)

    return _timed("malformed MQTT payloads", body)


def _bad_requests(base: str, tokens: dict[str, str], counter_id: str) -> list[tuple[str, httpx.Request]]:
    kiosk = {"Authorization": f"Bearer {tokens['kiosk']}"}
    desk = {"Authorization": f"Bearer {tokens[f'counter:{counter_id}']}"}
    key = {"Idempotency-Key": "k-" + uuid.uuid4().hex}
    tickets = f"{base}/api/v1/tickets"
    build = httpx.Request
    return [
        ("no auth", build("POST", tickets, json={"service": "HT"}, headers=key)),
        ("bad bearer", build("POST", tickets, json={"service": "HT"}, headers={"Authorization": "Bearer x", **key})),
        (
            "basic auth",
            build("POST", tickets, json={"service": "HT"}, headers={"Authorization": "Basic Zm9vOmJhcg==", **key}),
        ),
        ("auth junk", build("POST", tickets, headers=cast(Any, {"Authorization": "Bearer \u00e9".encode(), **key}))),
        (
            "invalid json",
            build("POST", tickets, content=b"{", headers={**kiosk, **key, "Content-Type": "application/json"}),
        ),
        (
            "not json",
            build("POST", tickets, content=b"service=HT", headers={**kiosk, **key, "Content-Type": "text/plain"}),
        ),
        ("json list", build("POST", tickets, json=[1, 2], headers={**kiosk, **key})),
        ("wrong types", build("POST", tickets, json={"service": 5, "priority": [1]}, headers={**kiosk, **key})),
        ("unknown service", build("POST", tickets, json={"service": "ZZ"}, headers={**kiosk, **key})),
        (
            "unknown priority",
            build("POST", tickets, json={"service": "HT", "priority": "vip"}, headers={**kiosk, **key}),
        ),
        ("huge body", build("POST", tickets, json={"service": "HT" * 200000}, headers={**kiosk, **key})),
        (
            "key too long",
            build("POST", tickets, json={"service": "HT"}, headers={**kiosk, "Idempotency-Key": "k" * 1000}),
        ),
        (
            "key control chars",
            build("POST", tickets, json={"service": "HT"}, headers={**kiosk, "Idempotency-Key": "a\tb"}),
        ),
        ("missing key", build("POST", tickets, json={"service": "HT"}, headers=kiosk)),
        (
            "deep json",
            build(
                "POST",
                tickets,
                content=b"[" * 5000 + b"]" * 5000,
                headers={**kiosk, **key, "Content-Type": "application/json"},
            ),
        ),
        (
            "nul in body",
            build(
                "POST",
                tickets,
                content=b'{"service": "H\\u0000T"}',
                headers={**kiosk, **key, "Content-Type": "application/json"},
            ),
        ),
        ("bad ticket id", build("GET", f"{tickets}/..%2F..%2Fetc")),
        ("long ticket id", build("GET", f"{tickets}/{'a' * 5000}")),
        ("unknown counter", build("POST", f"{base}/api/v1/counters/nope/next", headers=desk)),
        ("other counter", build("POST", f"{base}/api/v1/counters/zz/next", headers=desk)),
        ("sign-in no body", build("POST", f"{base}/api/v1/counters/{counter_id}/sign-in", headers=desk)),
        (
            "sign-in bad body",
            build("POST", f"{base}/api/v1/counters/{counter_id}/sign-in", json={"staff_id": None}, headers=desk),
        ),
        (
            "appointment naive",
            build(
                "POST",
                f"{base}/api/v1/appointments",
                json={"service": "HT", "start": "2026-01-01T08:00", "end": "2026-01-01T09:00"},
                headers=kiosk,
            ),
        ),
        (
            "appointment junk",
            build(
                "POST", f"{base}/api/v1/appointments", json={"service": "HT", "start": "soon", "end": 3}, headers=kiosk
            ),
        ),
        (
            "kpis bad day",
            build(
                "GET", f"{base}/api/v1/kpis?date=yesterday'--", headers={"Authorization": f"Bearer {tokens['admin']}"}
            ),
        ),
        ("method", build("DELETE", tickets, headers=kiosk)),
    ]




def malformed_api(scenario: Scenario) -> FaultResult:
    """Malformed bodies and headers: every answer a JSON 4xx with a code, never a 500, the server healthy after."""

    def body() -> FaultResult:
        with rig(scenario) as r:
            outcomes: dict[str, Any] = {}
            bad: list[str] = []
            with httpx.Client(timeout=10.0) as client:
                for name, request in _bad_requests(r.server.base, r.tokens, scenario.counters[0].id):
                    try:
                        resp = client.send(request)
                    except httpx.HTTPError as exc:
                        outcomes[name] = repr(exc)
                        bad.append(name)
                        continue
                    try:
                        code = resp.json().get("code")
                    except ValueError:
                        code = None
                    outcomes[name] = f"{resp.status_code} {code}"
                    if not (400 <= resp.status_code < 500 and code):
                        bad.append(name)
            checks = r.check()
            checks.update({"requests": len(outcomes), "not_clean_4xx": bad, "answers": outcomes})
        return FaultResult("malformed API bodies and headers", passed(checks) and not bad, checks, "")

    return _timed("malformed API bodies and headers", body)


def run_all(scenario: Scenario, *, kill_rounds: int = 20, quick: bool = False) -> list[FaultResult]:
    """The fault suite; ``quick`` is the bounded CI form (fewer kills)."""
    rounds = min(kill_rounds, 4) if quick else kill_rounds
    return [
        kill9(scenario, rounds=rounds),
        broker_restart(scenario),
        uplink_cut(),
        disk_full(scenario),
        malformed_mqtt(scenario),
        malformed_api(scenario),
    ]
