"""Start a real queue server (and optionally a broker) as subprocesses for the benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from motcua.broker import free_port, start_broker

MOTCUA = [sys.executable, "-m", "motcua.cli"]


def cli(*args: str) -> str:
    return subprocess.run([*MOTCUA, *args], check=True, capture_output=True, text=True).stdout.strip()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


@contextmanager
def running_site(broker_kind: str | None = None) -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        cli("admin", "seed-demo", "--data-dir", str(data))
        tokens = {
            "kiosk": cli("admin", "create-token", "--data-dir", str(data), "--role", "kiosk"),
            "counter": cli("admin", "create-token", "--data-dir", str(data), "--role", "counter", "--counter", "1"),
        }
        broker = start_broker(data / "broker", kind=broker_kind) if broker_kind else None
        port = free_port()
        cmd = [*MOTCUA, "server", "--data-dir", str(data), "--port", str(port), "--site", "bench"]
        if broker:
            cmd += ["--broker", broker.url]
        # The load comes from one kiosk token, far faster than a citizen taps: lift the per-kiosk rate limit.
        env = {**os.environ, "MOTCUA_TICKET_RATE_PER_MIN": "1000000", "MOTCUA_TICKET_BURST": "1000000"}
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(400):
                try:
                    if httpx.get(f"{base}/api/v1/healthz", timeout=0.5).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.05)
            yield {"base": base, "broker": broker.url if broker else "", "data": str(data), **tokens}
        finally:
            proc.terminate()
            proc.wait(10)
            if broker:
                broker.stop()
