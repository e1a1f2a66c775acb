"""``python -m monitor.generator --db URL --sites 135 --weeks 4``: fill a monitor store with a simulated province."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from monitor.generator.accounts import print_demo_accounts
from monitor.generator.build import generate


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, generate, print a summary."""
    parser = argparse.ArgumentParser(
        prog="python -m monitor.generator",
        description="Fill a monitor store with a simulated province (Bắc Ninh: 1 + 8 + 126 sites).",
    )
    parser.add_argument("--db", required=True, help="store URL: sqlite:////abs/path.db or postgresql://...")
    parser.add_argument("--sites", type=int, default=135, help="number of sites (province, districts, communes)")
    parser.add_argument("--weeks", type=int, default=4, help="weeks of history before today")
    parser.add_argument("--seed", type=int, default=717, help="random seed (same seed, same province)")
    parser.add_argument("--now", help="end of the history, ISO-8601 with offset (default: the current time)")
    parser.add_argument("--force", action="store_true", help="write even if the store already holds events")
    parser.add_argument("--no-accounts", action="store_true", help="do not create the demo accounts")
    parser.add_argument("--login-url", default="http://127.0.0.1:8100/login", help="where the monitor will be served")
    args = parser.parse_args(argv)

    from monitor.store import open_store

    store = open_store(args.db)
    try:
        if store.count_events() and not args.force:
            print("the store already holds events; use a new database (or --force)", file=sys.stderr)
            return 2
        now = datetime.fromisoformat(args.now) if args.now else None

        def progress(done: int, total: int, events: int) -> None:
            if done % 15 == 0 or done == total:
                print(f"  {done}/{total} sites, {events:,} events", file=sys.stderr)

        report = generate(
            store,
            sites=args.sites,
            weeks=args.weeks,
            seed=args.seed,
            now=now,
            progress=progress,
            accounts=not args.no_accounts,
        )
    finally:
        store.close()
    print(
        f"{report.sites} sites, {report.days} days, {report.events:,} events, {report.devices} devices "
        f"({report.devices_offline} offline), {report.alerts} alerts in {report.seconds} s"
    )
    print_demo_accounts(report.accounts, args.login_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
