"""Call → MQTT subscriber latency: staff press 'next' → a display client receives the call event.

Usage: python benchmarks/bench_call_latency.py [--calls N]
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid

import httpx
from _site import percentile, running_site

from motcua.contract import CallEvent, decode_payload, topic_call
from motcua.runtime.mqtt import MqttConnection


def measure(kind: str, calls: int) -> list[float]:
    with running_site(kind) as site:
        received: dict[str, float] = {}
        arrived = threading.Event()

        def on_call(topic: str, payload: bytes, retained: bool) -> None:
            received[decode_payload(CallEvent, payload).ticket_id] = time.perf_counter()
            arrived.set()

        display = MqttConnection(site["broker"])
        display.subscribe(topic_call("bench"), on_call)
        display.start()
        assert display.wait_connected(10)
        time.sleep(0.5)
        kiosk = {"Authorization": f"Bearer {site['kiosk']}"}
        counter = {"Authorization": f"Bearer {site['counter']}"}
        latencies = []
        with httpx.Client(base_url=site["base"], timeout=10) as client:
            client.post("/api/v1/counters/1/sign-in", json={"staff_id": "NV01"}, headers=counter)
            for _ in range(calls + 5):
                client.post(
                    "/api/v1/tickets", json={"service": "HT"}, headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex}
                )
            for n in range(calls + 5):
                arrived.clear()
                t0 = time.perf_counter()
                r = client.post("/api/v1/counters/1/next", headers=counter)
                assert r.status_code == 200, r.text
                ticket_id = r.json()["id"]
                deadline = time.perf_counter() + 5
                while ticket_id not in received and time.perf_counter() < deadline:
                    arrived.wait(0.5)
                    arrived.clear()
                if n >= 5:  # the first calls warm up connections
                    latencies.append(received[ticket_id] - t0)
                client.post("/api/v1/counters/1/start", headers=counter)
                time.sleep(0.02)
        display.stop()
        return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    for kind in ("mosquitto", "amqtt"):
        lat = measure(kind, args.calls)
        print(
            f"call → subscriber on {kind}: n={len(lat)} p50={percentile(lat, 50) * 1000:.1f} ms "
            f"p99={percentile(lat, 99) * 1000:.1f} ms max={max(lat) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
