"""``motcua simulate report``: one markdown report with plots — accuracy, staffing, replay, load, faults."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from simulation.engine import DayResult, per_hour, simulate
from simulation.scenario import BUILTIN, format_clock, load_scenario


def _plot_accuracy(result: DayResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.scatter([p.actual for p in result.pairs], [p.estimate for p in result.pairs], s=4, alpha=0.4)
    top = max([p.actual for p in result.pairs] + [p.estimate for p in result.pairs] + [1.0])
    ax.plot([0, top], [0, top], color="grey", linewidth=1)
    ax.set_xlabel("actual wait (min)")
    ax.set_ylabel("estimate at issue (min)")
    ax.set_title(f"{result.scenario.name}: estimate vs actual")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_hours(result: DayResult, advised: DayResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    today = per_hour(result.events, result.scenario)
    plan = per_hour(advised.events, advised.scenario)
    hours = sorted(today)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar([h - 0.2 for h in hours], [today[h]["p90_wait"] for h in hours], width=0.4, label="scenario staffing")
    ax.bar(
        [h + 0.2 for h in hours], [plan.get(h, {"p90_wait": 0})["p90_wait"] for h in hours], width=0.4, label="advised"
    )
    ax.axhline(15, color="red", linewidth=1, label="15 min target")
    ax.set_xlabel("hour of issue")
    ax.set_ylabel("p90 wait (min)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _plot_load(samples: list[tuple[float, float, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([s[0] for s in samples], [s[1] for s in samples], label="CPU %")
    ax2 = ax.twinx()
    ax2.plot([s[0] for s in samples], [s[2] for s in samples], color="orange", label="RSS MB")
    ax.set_xlabel("s")
    ax.set_ylabel("CPU %")
    ax2.set_ylabel("RSS MB")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _row(values: list[Any]) -> str:
    return "| " + " | ".join(str(v) for v in values) + " |"


def write_report(
    out: Path,
    *,
    seeds: tuple[int, ...] = (1, 2, 3),
    replay_speed: float = 120.0,
    replay_scenario: str = "district",
    load_seconds: float = 60.0,
    kill_rounds: int = 20,
    quick: bool = False,
    command: str = "",
) -> dict[str, Any]:
    """Run everything and write ``out/report.md`` (+ plots and ``figures.json``); returns the figures."""
    from simulation import faults
    from simulation.load import run_load
    from simulation.replay import replay
    from simulation.staffing import verify

    out.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"command": command, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    lines = ["# motcua — a simulated day: estimates, staffing, load and faults", "", f"Command: `{command}`", ""]

    lines += ["## Wait-estimate accuracy (pure simulation)", ""]
    lines += [
        "Error = estimate at issue − actual wait (call − queued), minutes. Seeds: " + ", ".join(map(str, seeds)),
        "",
    ]
    lines += [
        _row(
            [
                "scenario",
                "estimator",
                "tickets",
                "p90 wait",
                "MAE",
                "p90 |err|",
                "bias",
                "MAE <30",
                "p90 |err| <30",
                "bias <30",
                "n <30",
            ]
        )
    ]
    lines += [_row(["---"] * 11)]
    accuracy: dict[str, Any] = {}
    for name in BUILTIN:
        scenario = load_scenario(name)
        for knowledge in ("baseline", "none", "plan"):
            days = [simulate(scenario, seed=seed, knowledge=knowledge) for seed in seeds]
            pairs = [p for d in days for p in d.pairs]
            from simulation.accuracy import accuracy as acc

            a = acc(pairs)
            from motcua.domain.kpis import percentile

            p90 = round(percentile([p.actual for p in pairs], 90) or 0.0, 1)
            accuracy[f"{name}/{knowledge}"] = {**a, "p90_wait": p90}
            o, s = a["overall"], a["under_30"]
            lines.append(
                _row(
                    [
                        name,
                        knowledge,
                        o["n"],
                        p90,
                        o["mae"],
                        o["p90_abs"],
                        o["bias"],
                        s["mae"],
                        s["p90_abs"],
                        s["bias"],
                        s["n"],
                    ]
                )
            )
            if knowledge == "plan":
                _plot_accuracy(days[0], out / f"accuracy-{name}.png")
    figures["accuracy"] = accuracy
    lines += [
        "",
        "`baseline`: the estimator before this work; `none`: the improved estimator with what the server knows today "
        "(queue, counters, EWMA); `plan`: plus the staffing plan (breaks, late openings) and the forecast of "
        "priority/appointment arrivals (`WaitOutlook`).",
        "",
    ]
    lines += [f"![{n}](accuracy-{n}.png)" for n in BUILTIN] + [""]

    lines += ["## Staffing advice (Erlang C per hour and service, verified by simulation)", ""]
    staffing: dict[str, Any] = {}
    for name in BUILTIN:
        scenario = load_scenario(name)
        verified = verify(scenario, seeds=seeds)
        advised_day = simulate(scenario.with_counters(verified.counters, "-advised"), seed=seeds[0], knowledge="none")
        today_day = simulate(scenario, seed=seeds[0], knowledge="none")
        _plot_hours(today_day, advised_day, out / f"staffing-{name}.png")
        staffing[name] = {
            "holds": verified.holds,
            "rounds": verified.rounds,
            "p90_overall": verified.p90_overall,
            "p90_by_service": verified.p90_by_service,
            "counters_per_hour": verified.totals(),
            "scenario_counters": len(scenario.counters),
            "scenario_p90": today_day.kpis["wait_min"]["p90"],
            "added_by_simulation": {f"{h}:00 {s}": n for (h, s), n in verified.extra.items()},
        }
        lines += [f"### {scenario.title}", ""]
        lines += [
            f"Simulated p90 wait with the advice: **{verified.p90_overall} min** overall "
            f"({'holds' if verified.holds else 'DOES NOT hold'}; per service {verified.p90_by_service}); "
            f"with the scenario's own {len(scenario.counters)} counters: {today_day.kpis['wait_min']['p90']} min. "
            f"Search rounds: {verified.rounds}; counters added by simulation: "
            f"{staffing[name]['added_by_simulation'] or 'none'}.",
            "",
        ]
        services = [s.code for s in scenario.services]
        lines += [_row(["hour", *services, "total"]), _row(["---"] * (len(services) + 2))]
        table: dict[int, dict[str, int]] = {}
        for advice in verified.advice:
            table.setdefault(advice.hour, {})[advice.service] = advice.counters
        for hour, row in sorted(table.items()):
            lines.append(_row([format_clock(hour * 60), *(row.get(s, 0) for s in services), sum(row.values())]))
        lines += ["", f"![staffing {name}](staffing-{name}.png)", ""]
    figures["staffing"] = staffing

    lines += ["## Replay against a real server (HTTP + MQTT, accelerated clock)", ""]
    scenario = load_scenario(replay_scenario)
    replayed = replay(scenario, seed=seeds[0], speed=replay_speed)
    core = simulate(scenario, seed=seeds[0], knowledge="none")
    keys = ("tickets_issued", "tickets_done", "no_shows", "served_within_15_min_pct")
    same = all(replayed.kpis[k] == core.kpis[k] for k in keys) and replayed.kpis["wait_min"] == core.kpis["wait_min"]
    figures["replay"] = {
        "scenario": replay_scenario,
        "wall_s": round(replayed.wall_seconds, 1),
        "kpis_equal_to_pure_simulation": same,
        "accuracy_replay": replayed.accuracy,
        "accuracy_core": core.accuracy,
        **{k: v for k, v in replayed.extra.items() if k != "kpis_http"},
    }
    lines += [
        f"{scenario.title}, speed {replay_speed:g}× ({replayed.wall_seconds:.0f} s wall for the day). "
        f"KPIs identical to the pure simulation: **{same}**; displays agree with the server at the end: "
        f"**{replayed.extra['displays_agree']}**; calls made {replayed.extra['calls_made']}, received by the display "
        f"{replayed.extra['display_calls_received']}; HTTP requests {replayed.extra['http_requests']}, p99 "
        f"{replayed.extra['http_p99_ms']} ms.",
        "",
        _row(["KPI", "replay (server)", "pure simulation"]),
        _row(["---"] * 3),
        *[_row([k, replayed.kpis[k], core.kpis[k]]) for k in (*keys, "wait_min")],
        _row(
            [
                "estimate MAE <30 (server's estimator)",
                replayed.accuracy["under_30"]["mae"],
                core.accuracy["under_30"]["mae"],
            ]
        ),
        "",
    ]

    lines += ["## Load: 10× the province centre's peak hour", ""]
    province = load_scenario("province")
    load = run_load(province, duration_s=load_seconds)
    _plot_load(load.samples, out / "load.png")
    figures["load"] = load.as_dict()
    lines += [
        f"Offered {load.offered_tickets_per_s} tickets/s (10× the peak hour's arrivals, time-compressed 10×) from "
        f"{load.kiosks} kiosks, {load.counters} counters calling, {load.displays} displays on MQTT, "
        f"for {load.duration_s} s.",
        "",
        _row(
            [
                "requests",
                "errors",
                "throughput req/s",
                "tickets",
                "p50 ms",
                "p99 ms",
                "issue p99 ms",
                "CPU mean %",
                "CPU max %",
                "RSS max MB",
                "displays agree",
            ]
        ),
        _row(["---"] * 11),
        _row(
            [
                load.requests,
                load.errors,
                load.throughput_rps,
                load.tickets_issued,
                load.latency_ms["all"]["p50"],
                load.latency_ms["all"]["p99"],
                load.latency_ms["issue"]["p99"],
                load.cpu_pct["mean"],
                load.cpu_pct["max"],
                load.rss_mb["max"],
                load.displays_agree,
            ]
        ),
        "",
        "![load](load.png)",
        "",
    ]

    lines += ["## Faults", ""]
    results = faults.run_all(load_scenario("commune"), kill_rounds=kill_rounds, quick=quick)
    figures["faults"] = [r.__dict__ for r in results]
    lines += [_row(["fault", "passed", "seconds", "checks", "note"]), _row(["---"] * 5)]
    for r in results:
        shown = {k: v for k, v in r.checks.items() if k not in ("answers", "bodies")}
        lines.append(
            _row([r.name, "yes" if r.ok else "**NO**", r.seconds, f"`{json.dumps(shown, default=str)}`", r.note])
        )
    lines.append("")
    (out / "report.md").write_text("\n".join(lines), encoding="utf-8")
    (out / "figures.json").write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
    return figures
