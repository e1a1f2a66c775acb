"""``motcua simulate``: a simulated day, its replay against a real server, staffing advice, load, faults, report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from simulation.engine import KNOWLEDGE


def configure(parser: argparse.ArgumentParser) -> None:
    """Sub-commands of ``motcua simulate``."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def scenario_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--scenario", default="province", help="province, district, commune or a YAML/JSON file")
        p.add_argument("--seed", type=int, default=717, help="random seed of the day (default: 717)")

    day = sub.add_parser("day", help="simulate a day of the pure queue core (seconds)")
    scenario_arg(day)
    day.add_argument(
        "--estimator", choices=KNOWLEDGE, default="plan", help="what the estimator is told (default: plan)"
    )
    day.add_argument("--json", action="store_true", help="print the full KPIs and accuracy as JSON")

    rp = sub.add_parser("replay", help="replay the day against a real server over HTTP and MQTT (minutes)")
    scenario_arg(rp)
    rp.add_argument("--speed", type=float, default=120.0, help="simulated minutes per wall minute (default: 120)")

    st = sub.add_parser("staffing", help="counters per hour and service for a p90 wait within the target, verified")
    scenario_arg(st)
    st.add_argument("--target", type=float, default=15.0, help="p90 wait target in minutes (default: 15)")

    ld = sub.add_parser("load", help="load test: 10x the province centre's peak hour against one server")
    ld.add_argument("--seconds", type=float, default=60.0, help="duration (default: 60)")
    ld.add_argument("--multiplier", type=float, default=10.0, help="times the peak hour (default: 10)")

    ft = sub.add_parser("faults", help="the fault suite (kill -9, broker restart, disk full, malformed input)")
    ft.add_argument("--kills", type=int, default=20, help="kill -9 rounds (default: 20)")
    ft.add_argument("--quick", action="store_true", help="the bounded CI form")

    rep = sub.add_parser("report", help="run everything and write a markdown report with plots")
    rep.add_argument("--out", type=Path, required=True, help="output directory, e.g. docs/reports/simulation")
    rep.add_argument("--quick", action="store_true", help="bounded form: one seed, short load, 4 kills")
    rep.add_argument("--replay-speed", type=float, default=120.0, help="replay speed (default: 120)")


def _print(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def run(args: argparse.Namespace) -> int:
    """Dispatch the action; 0 on success, 1 when a target or check fails."""
    from simulation.scenario import load_scenario

    if args.action == "day":
        from simulation.engine import simulate

        result = simulate(load_scenario(args.scenario), seed=args.seed, knowledge=args.estimator)
        if args.json:
            _print({"kpis": result.kpis, "accuracy": result.accuracy})
        else:
            k, a = result.kpis, result.accuracy
            print(f"{result.scenario.title}: {result.citizens} citizens, simulated in {result.wall_seconds:.1f} s")
            print(
                f"wait p50 {k['wait_min']['p50']} p90 {k['wait_min']['p90']} max {k['wait_min']['max']} min; "
                f"within 15 min {k['served_within_15_min_pct']} %; no-shows {k['no_shows']}"
            )
            for part in ("overall", "under_30"):
                print(f"estimate {part}: {a[part]}")
        return 0
    if args.action == "replay":
        from simulation.replay import replay

        result = replay(load_scenario(args.scenario), seed=args.seed, speed=args.speed)
        _print(
            {
                "kpis": result.kpis,
                "accuracy": result.accuracy,
                **{k: v for k, v in result.extra.items() if k != "kpis_http"},
            }
        )
        return 0 if result.extra["displays_agree"] else 1
    if args.action == "staffing":
        from simulation.staffing import verify

        verified = verify(load_scenario(args.scenario), target_min=args.target, seeds=(1, 2, 3))
        _print(
            {
                "holds": verified.holds,
                "p90_overall": verified.p90_overall,
                "p90_by_service": verified.p90_by_service,
                "counters_per_hour": verified.totals(),
                "advice": [a.__dict__ for a in verified.advice],
            }
        )
        return 0 if verified.holds else 1
    if args.action == "load":
        from simulation.load import run_load

        load = run_load(load_scenario("province"), multiplier=args.multiplier, duration_s=args.seconds)
        _print(load.as_dict())
        return 0 if load.errors == 0 and load.displays_agree else 1
    if args.action == "faults":
        from simulation import faults

        results = faults.run_all(load_scenario("commune"), kill_rounds=args.kills, quick=args.quick)
        _print([r.__dict__ for r in results])
        return 0 if all(r.ok for r in results) else 1
    if args.action == "report":
        from simulation.report import write_report

        quick = bool(args.quick)
        figures = write_report(
            args.out,
            seeds=(1,) if quick else (1, 2, 3),
            replay_speed=args.replay_speed,
            load_seconds=20.0 if quick else 60.0,
            kill_rounds=4 if quick else 20,
            quick=quick,
            command="motcua simulate " + " ".join(sys.argv[2:]) if len(sys.argv) > 2 else "motcua simulate report",
        )
        print(f"report written to {args.out / 'report.md'}")
        return 0 if all(f["ok"] for f in figures["faults"]) else 1
    return 2
