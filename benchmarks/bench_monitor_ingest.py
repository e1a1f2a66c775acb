"""Monitor ingest throughput with dedup, on SQLite and on a real PostgreSQL server.

    .venv/bin/python benchmarks/bench_monitor_ingest.py [--events 60000] [--batch 500] [--dup-share 0.2]

Each batch is stored with one multi-row ``INSERT ... ON CONFLICT (site, seq, epoch) DO NOTHING RETURNING``;
a share of the batches is sent again (resends), which must not count twice.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.store import open_store
from monitor.store.postgres_server import TempPostgres
from motcua.contract.uplink import UplinkBatch, UplinkEvent


def batches(n: int, size: int, sites: int) -> list[UplinkBatch]:
    t0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    out = []
    per_site = n // sites
    for s in range(sites):
        site = f"bn-{s:03d}"
        for start in range(1, per_site + 1, size):
            events = [
                UplinkEvent(
                    site=site,
                    seq=seq,
                    kind="business",
                    type="ticket.issued",
                    at=t0 + timedelta(seconds=seq),
                    source_seq=seq,
                    data={
                        "ticket_id": f"t{seq}",
                        "number": f"A{seq % 1000:03d}",
                        "service": "HT",
                        "priority": None,
                        "counter_id": "1",
                        "staff_id": "cb01",
                        "estimated_wait_min": 7.5,
                        "position": 3,
                    },
                )
                for seq in range(start, min(start + size, per_site + 1))
            ]
            out.append(UplinkBatch(site=site, events=events))
    return out


def run(url: str, work: list[UplinkBatch], dup_share: float) -> tuple[float, int, int]:
    store = open_store(url)
    rng = random.Random(717)
    resends = [b for b in work if rng.random() < dup_share]
    sequence = work + resends
    rng.shuffle(resends)
    sent = sum(len(b.events) for b in sequence)
    start = time.perf_counter()
    for batch in sequence:
        store.ingest(batch)
    elapsed = time.perf_counter() - start
    stored = store.count_events()
    store.close()
    return sent / elapsed, sent, stored


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=60000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--dup-share", type=float, default=0.2)
    args = parser.parse_args()
    work = batches(args.events, args.batch, args.sites)
    unique = sum(len(b.events) for b in work)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        rate, sent, stored = run(f"sqlite:///{Path(tmp) / 'm.db'}", work, args.dup_share)
        print(f"sqlite     : {rate:8.0f} events/s sent {sent} stored {stored} unique {unique} ok={stored == unique}")
        pg = TempPostgres(Path(tmp) / "pg").start()
        try:
            rate, sent, stored = run(pg.url, work, args.dup_share)
            print(
                f"postgresql : {rate:8.0f} events/s sent {sent} stored {stored} unique {unique} ok={stored == unique}"
            )
        finally:
            pg.stop()


if __name__ == "__main__":
    main()
