"""Kiosk benchmark: cold start to welcome, tap-to-next-screen latency, RSS, "take ticket" tap to printed bytes.

Runs a real queue server and the real kiosk app offscreen (1920x1080) in subprocesses, through the
test harness. Usage: ``.venv/bin/python benchmarks/bench_kiosk.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]  # as pytest's pythonpath has it

from site_process import SiteServer, create_token, seed_demo  # noqa: E402

from tests.kiosk_ui.kiosk.conftest import Kiosk  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30, help="screen-change rounds (8 taps each)")
    parser.add_argument("--tickets", type=int, default=10, help="visits that print a ticket, after the rounds")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-kiosk-"))
    seed_demo(work / "server")
    token = create_token(work / "server", "kiosk")
    server = SiteServer(work / "server").start()
    url = server.base
    settings = {
        "environment": "development", "server_url": url, "token": token, "voice": "off", "printer": "dummy:",
        "catalogue_cache": str(work / "cache.json"), "state_dir": str(work / "state"), "windowed": True,
    }  # fmt: skip
    try:
        kiosk = Kiosk(settings, work / "kiosk")
        cold = kiosk.request("startup")["welcome_s"]
        kiosk.wait_for(lambda s: s["procedures"] > 0, 60)
        rss_start = rss_mb(kiosk.process.pid)
        latencies: list[float] = []
        rss_rounds: list[float] = []
        for _ in range(args.rounds):
            for tap in ("start", "find", "field:HOTICH", "procedure:HT-KS-01", "back", "back", "back", "home"):
                latencies.append(kiosk.request("frame_tap", id=tap)["ms"])
            rss_rounds.append(rss_mb(kiosk.process.pid))
        printed: list[float] = []
        for _ in range(args.tickets):
            kiosk.request("tap", id="start")
            kiosk.request("tap", id="take_ticket")
            printed.append(kiosk.request("tap_to_print", id="service:CT")["ms"])
            kiosk.request("tap", id="home")
        rss_end = rss_mb(kiosk.process.pid)
        kiosk.stop()
    finally:
        server.stop()
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    half = rss_rounds[len(rss_rounds) // 2]
    print(f"cold start to welcome screen : {cold:.2f} s   (target < 4 s)")
    print(f"tap -> next screen drawn     : p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms"
          f"   (n={len(latencies)}, target p95 < 100 ms)")  # fmt: skip
    print(f"RSS at the welcome screen    : {rss_start:.0f} MB")
    print(f"RSS after {len(latencies)} screen changes : {rss_rounds[-1]:.0f} MB"
          f" ({rss_rounds[-1] - half:+.1f} MB over the second half)")  # fmt: skip
    print(f"RSS after {args.tickets} printed tickets  : {rss_end:.0f} MB   (target < 250 MB)")
    print(f"'take ticket' tap -> printed : median {statistics.median(printed):.0f} ms, max {max(printed):.0f} ms"
          f" (n={args.tickets})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
