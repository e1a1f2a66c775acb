"""The uplink end to end: outage drain, and ticket-issued → monitor-store latency.

    .venv/bin/python benchmarks/bench_uplink.py [--outage-events 6000] [--tickets 200]

1. Outage: a site mosquitto bridged to a province mosquitto; the monitor ingests from the province
   broker into SQLite. The province broker is down while a province-centre working day of events
   (default 6,000) is published on the site's events topic; the agent queues them in its outbox.
   Then the province broker comes back: drain time, lost and duplicated events at the monitor.
2. Latency: a real ``motcua server`` issues tickets over HTTP; time from the 201 answer to the
   ``ticket.issued`` row in the monitor's store (polled every 2 ms): p50 / p99.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from _site import UNLIMITED_TICKETS, SiteServer, create_token, percentile, seed_demo

from edge_agent.bridge import start_bridged_broker
from monitor.ingest.mqtt import MqttIngest
from monitor.ingest.service import IngestService
from monitor.store import open_store
from motcua.contract.mqtt import EventEnvelope, encode_payload, topic_events
from motcua.runtime.broker import start_broker
from motcua.runtime.mqtt import MqttConnection

MOTCUA = [sys.executable, "-m", "motcua.cli"]
OFFSET = 1_000_000


def wait(pred, timeout: float, interval: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(interval)
    return bool(pred())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage-events", type=int, default=6000)
    parser.add_argument("--tickets", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-uplink-") as tmp_s:
        tmp = Path(tmp_s)
        site = "bn-tinh"
        province = start_broker(tmp / "province", kind="mosquitto")
        site_broker = start_bridged_broker(tmp / "site", site, province.url)
        store = open_store(f"sqlite:///{tmp / 'monitor.db'}")
        ingest = MqttIngest(province.url, IngestService(store))
        ingest.start()
        agent = subprocess.Popen(
            [
                *MOTCUA,
                "agent",
                "--data-dir",
                str(tmp / "agent"),
                "--site",
                site,
                "--broker",
                site_broker.url,
                "--heartbeat",
                "5",
            ],
            stdout=open(os.environ.get("BENCH_AGENT_LOG", os.devnull), "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            env={**os.environ, "MOTCUA_AGENT_ACK_TIMEOUT_S": "5"},
        )
        server = None
        try:
            assert wait(lambda: bool(store.devices(site)), 30), "agent did not come up"
            # 1. latency from the real queue server
            data = tmp / "server"
            seed_demo(data)
            kiosk = create_token(data, "kiosk")
            server = SiteServer(data, args=["--broker", site_broker.url, "--site", site], env=UNLIMITED_TICKETS)
            base = server.start().base
            latencies = []
            with httpx.Client() as client:
                for _ in range(args.tickets):
                    expected = store.count_events(site, types=["ticket.issued"]) + 1
                    while True:
                        r = client.post(
                            f"{base}/api/v1/tickets",
                            json={"service": "HT", "priority": None, "lang": "vi"},
                            headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex},
                        )
                        t_issued = time.perf_counter()
                        if r.status_code != 429:
                            break
                        time.sleep(1.0)  # the kiosk rate limit of the queue server
                    assert r.status_code == 201, r.text
                    ticket_id = r.json()["id"]

                    def seen(expected: int = expected) -> bool:
                        return store.count_events(site, types=["ticket.issued"]) >= expected

                    assert wait(seen, 30, 0.002), f"ticket {ticket_id} never arrived"
                    latencies.append((time.perf_counter() - t_issued) * 1000)
            print(
                f"latency ticket issued (HTTP 201) -> monitor store, n={len(latencies)}: "
                f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
                f"max {max(latencies):.1f} ms"
            )
            server.stop()
            server = None
            # 2. outage (site events numbered after the server's)
            province.stop()
            pub = MqttConnection(site_broker.url)
            pub.start()
            pub.wait_connected(10)
            now = datetime.now(UTC)
            for seq in range(1, args.outage_events + 1):
                env = EventEnvelope(
                    site=site,
                    seq=OFFSET + seq,
                    type="ticket.issued",
                    at=now,
                    data={"ticket_id": f"t{seq}", "number": f"A{seq % 1000:03d}", "service": "HT"},
                )
                pub.publish(topic_events(site), encode_payload(env), qos=1).wait_for_publish(10)
            pub.stop()
            published = time.perf_counter()

            def in_outbox() -> int:  # the agent's own store (WAL: a read-only reader never blocks it)
                with sqlite3.connect(f"file:{tmp / 'agent' / 'agent-outbox.db'}?mode=ro", uri=True) as db:
                    row = db.execute("SELECT COUNT(*) FROM outbox WHERE source_seq > ?", (OFFSET,)).fetchone()
                return int(row[0])

            # Restore only once the agent holds every outage event, so the drain below measures the
            # uplink (bridge, monitor, acks), not the agent still taking in a burst it never sees live.
            assert wait(lambda: in_outbox() >= args.outage_events, 300, 0.1), "the agent did not store the outage"
            stored_s = time.perf_counter() - published
            print(
                f"agent: {args.outage_events} outage events in its outbox {stored_s:.1f} s after the last publish"
                f" ({args.outage_events / max(stored_s, 1e-6):.0f} events/s taken in)"
            )
            time.sleep(1.0)

            def outage_rows() -> int:
                return sum(1 for e in store.events(site, types=["ticket.issued"]) if (e.source_seq or 0) > OFFSET)

            before = outage_rows()
            province.start()
            t0 = time.perf_counter()
            wait(lambda: outage_rows() > 0, 120, 0.02)
            first = time.perf_counter() - t0
            wait(lambda: outage_rows() >= args.outage_events, 300, 0.02)
            drain = time.perf_counter() - t0
            events = store.events(site, types=["ticket.issued"])
            sources = [e.source_seq for e in events if (e.source_seq or 0) > OFFSET]
            lost = args.outage_events - len(set(sources))
            dup = len(sources) - len(set(sources))
            print(
                f"outage: {args.outage_events} events during the outage (at monitor before restore: {before}); "
                f"drain {drain:.2f} s after the province broker returned "
                f"(first event after {first:.2f} s: bridge + monitor reconnect; then "
                f"{args.outage_events / max(drain - first, 1e-6):.0f} events/s); lost {lost}, duplicated {dup}"
            )
        finally:
            if server is not None:
                server.stop()
            agent.terminate()
            agent.wait(10)
            ingest.stop()
            store.close()
            site_broker.stop()
            province.stop()


if __name__ == "__main__":
    main()
