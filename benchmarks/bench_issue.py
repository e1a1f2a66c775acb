"""Ticket issue latency (p50/p99) and throughput over HTTP against a real server, synchronous=FULL.

Usage: python benchmarks/bench_issue.py [--requests N]
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid

import httpx
from _site import percentile, running_site


def run(base: str, token: str, clients: int, per_client: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        services = ["HT", "CT", "DD", "KD", "GT", "XH", "TK"]
        with httpx.Client(timeout=10) as client:
            mine = []
            for n in range(per_client):
                body = {"service": services[(index + n) % len(services)], "priority": None, "lang": "vi"}
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
                t0 = time.perf_counter()
                r = client.post(f"{base}/api/v1/tickets", json=body, headers=headers)
                mine.append(time.perf_counter() - t0)
                assert r.status_code == 201, r.text
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=800, help="tickets per run")
    args = parser.parse_args()
    with running_site() as site:
        run(site["base"], site["kiosk"], 1, 20)  # warm-up
        for clients in (1, 8):
            lat, elapsed = run(site["base"], site["kiosk"], clients, args.requests // clients)
            print(
                f"ticket issue, {clients} client(s): n={len(lat)} p50={percentile(lat, 50) * 1000:.1f} ms "
                f"p99={percentile(lat, 99) * 1000:.1f} ms throughput={len(lat) / elapsed:.0f} tickets/s"
            )


if __name__ == "__main__":
    main()
