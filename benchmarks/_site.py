"""Start a real queue server (and optionally a broker) as subprocesses for the benchmarks.

The server is ``tests/support/site_process.py``'s, as in the tests; its names are re-exported here.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))  # as pytest's pythonpath
from site_process import UNLIMITED_TICKETS, SiteServer, create_token, seed_demo

from motcua.runtime.broker import start_broker

__all__ = ["UNLIMITED_TICKETS", "SiteServer", "create_token", "percentile", "running_site", "seed_demo"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@contextmanager
def running_site(broker_kind: str | None = None) -> Iterator[dict[str, str]]:
    """A demo site (site id ``bench``) with kiosk and counter-1 tokens; yields its base URL, broker URL,
    data folder and tokens."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        seed_demo(data)
        tokens = {"kiosk": create_token(data, "kiosk"), "counter": create_token(data, "counter", counter="1")}
        broker = start_broker(data / "broker", kind=broker_kind) if broker_kind else None
        args = ["--site", "bench", *(["--broker", broker.url] if broker else [])]
        try:
            # The load comes from one kiosk token, far faster than a citizen taps: lift the per-kiosk rate limit.
            with SiteServer(data, args=args, env=UNLIMITED_TICKETS) as server:
                yield {"base": server.base, "broker": broker.url if broker else "", "data": str(data), **tokens}
        finally:
            if broker:
                broker.stop()
