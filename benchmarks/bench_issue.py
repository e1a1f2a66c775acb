"""Ticket issue latency (p50/p99) and throughput over HTTP against a real server, synchronous=FULL.

The load generator speaks HTTP/1.1 over raw keep-alive sockets (like wrk) so that, on a 2-core
machine, the clients take as little CPU from the server as possible; each response is checked
for a 201. Usage: python benchmarks/bench_issue.py [--requests N]
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
import uuid
from urllib.parse import urlparse

from _site import percentile, running_site


class RawClient:
    """One keep-alive HTTP/1.1 connection with pre-built requests."""

    def __init__(self, base: str) -> None:
        url = urlparse(base)
        self.host = url.hostname or "127.0.0.1"
        self.sock = socket.create_connection((self.host, url.port or 80))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        head = f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body)}\r\n\r\n"
        self.sock.sendall(head.encode() + body)
        status = int(self.reader.readline().split()[1])
        length = 0
        while (line := self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, self.reader.read(length)

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def run(base: str, token: str, clients: int, per_client: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        services = ["HT", "CT", "DD", "KD", "GT", "XH", "TK"]
        client = RawClient(base)
        mine = []
        for n in range(per_client):
            body = json.dumps({"service": services[(index + n) % len(services)], "priority": None, "lang": "vi"})
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
            t0 = time.perf_counter()
            status, reply = client.post("/api/v1/tickets", body.encode(), headers)
            mine.append(time.perf_counter() - t0)
            assert status == 201, reply
        client.close()
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
