"""Demand forecast error on held-out simulated weeks, against naive baselines.

Usage: python benchmarks/bench_forecast.py [--sites 135] [--weeks 8] [--held-out 2] [--seed 717]

Draws every site's hourly arrivals from the generator (the same citizens ``python -m monitor.generator``
would ingest), forecasts each day of the last ``--held-out`` weeks one day ahead from the days before
it, and prints WAPE (Σ|error| / Σ actual over site-hours), the WAPE of daily totals and MAE per
site-hour over opening hours (7:00–17:59, Monday–Saturday) for the weekday × hour profile and the
baselines, overall and per level.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.analytics import forecast as fc
from monitor.generator import hourly_arrivals, province_sites


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=135)
    parser.add_argument("--weeks", type=int, default=8, help="weeks of history in all (training + held out)")
    parser.add_argument("--held-out", type=int, default=2, help="last weeks forecast one day ahead")
    parser.add_argument("--seed", type=int, default=717)
    parser.add_argument("--start", default="2026-09-07", help="first day of the history (a Monday)")
    args = parser.parse_args()

    started = time.perf_counter()
    sites = province_sites(args.sites, seed=args.seed)
    first = date.fromisoformat(args.start)
    days = [first + timedelta(days=k) for k in range(7 * args.weeks)]
    histories = {p.info.site: {d: hourly_arrivals(p, d, args.seed) for d in days} for p in sites}
    held_out = days[-7 * args.held_out :]
    level_of = {p.info.site: p.info.level for p in sites}
    arrivals = sum(sum(sum(row) for row in h.values()) for h in histories.values())
    print(
        f"{len(sites)} sites, {args.weeks} weeks ({days[0]} .. {days[-1]}), {arrivals:,.0f} arrivals; "
        f"held out: {held_out[0]} .. {held_out[-1]} ({len(held_out)} days, forecast one day ahead)"
    )
    print(f"{'method':<22}{'level':<10}{'site-days':>10}{'WAPE %':>9}{'daily WAPE %':>14}{'MAE/open hour':>15}")
    for name, method in fc.BASELINES.items():
        for level in ("all", "province", "district", "commune"):
            chosen = {s: h for s, h in histories.items() if level in ("all", level_of[s])}
            report = fc.evaluate(chosen, held_out, method)
            print(
                f"{name:<22}{level:<10}{report.site_days:>10}{report.wape_pct!s:>9}"
                f"{report.daily_wape_pct!s:>14}{report.mae_open_hour!s:>15}"
            )
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
