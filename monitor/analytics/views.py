"""The dashboard's views as plain JSON-ready dicts: the province overview and one site's page.

Pure: the ledger, the site list, device and alert counts and ``now`` are passed in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from monitor.analytics import forecast as fc
from monitor.analytics import productivity as prod
from monitor.analytics.figures import PeriodTotals, live_status, pct, rounded, totals
from monitor.analytics.ledger import Ledger, SiteLedger, Visit
from monitor.analytics.model import (
    DESK_TARGET,
    PRODUCTIVITY_TARGET,
    SATISFACTION_TARGET_PCT,
    SATISFIED_RATINGS,
    WAIT_TARGET_MIN,
    SiteInfo,
    local,
    local_day,
)
from monitor.analytics.ranking import WEIGHTS, Ranked, ScoreInput, rank_sites
from motcua.domain.dossier_kpis import LEVEL_TARGETS, DossierTally
from motcua.domain.kpis import percentile

FORECAST_WEEKS = 4


@dataclass(frozen=True, slots=True)
class DeviceCount:
    """How many devices a site has and how many are offline."""

    total: int = 0
    offline: int = 0


@dataclass(frozen=True, slots=True)
class Context:
    """Everything outside the ledger that a view needs."""

    sites: Mapping[str, SiteInfo]
    devices: Mapping[str, DeviceCount] = field(default_factory=dict)
    open_alerts: Mapping[str, int] = field(default_factory=dict)
    period_days: int = 28


def site_info(ctx: Context, site: str) -> SiteInfo:
    """The declared site, or a placeholder for a site only seen on the uplink."""
    return ctx.sites.get(site) or SiteInfo(site=site, name=site, level="commune", one_stop_staff=0)


def period(now: datetime, days: int) -> list[date]:
    """The ``days`` calendar days ending with today (local)."""
    today = local_day(now)
    return [today - timedelta(days=k) for k in range(days - 1, -1, -1)]


def site_totals(ledger: Ledger, site: str, days: Sequence[date], now: datetime) -> PeriodTotals:
    """The site's totals over ``days`` (today live)."""
    return totals(ledger.figures(site, d, now) for d in days)


def working_days(ledger: Ledger, days: Sequence[date]) -> float:
    """Weighted working days among ``days`` on which the province received citizens."""
    open_days = ledger.working_days()
    return prod.working_days(d for d in days if d in open_days)


def site_productivity(info: SiteInfo, tot: PeriodTotals, days: float) -> prod.Productivity:
    """Productivity of a site over the period."""
    return prod.site_productivity(
        level=info.level,
        staff=info.one_stop_staff,
        dossiers=tot.dossiers,
        tickets_done=tot.done,
        days=days,
        received=tot.dossier.received,
    )


def dossier_kpis(tally: DossierTally, level: str, days: float) -> dict[str, Any]:
    """The plan's dossier KPIs of a period (``motcua.domain.dossier_kpis``); per-staff projections only with
    working days to project from."""
    known = level if level in LEVEL_TARGETS else "commune"
    out = tally.kpis(level=known, working_days=days if days > 0 else 1.0, desk_target_min=DESK_TARGET)
    if days <= 0:
        out["by_staff"] = {}
        out["working_days"] = 0.0
    return out


def late_dossiers(ledger: Ledger, site: str, now: datetime, limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
    """How many dossiers of ``site`` are late at ``now``, and the first ``limit`` (codes and times only)."""
    site_ledger = ledger.sites.get(site)
    if site_ledger is None:
        return 0, []
    late = site_ledger.late_dossiers(now)
    rows = []
    for case in late[:limit]:
        due = case.due_at or case.overdue_at
        rows.append(
            {
                "dossier_id": case.dossier_id,
                "code": case.code,
                "procedure_code": case.procedure_code,
                "service": case.service,
                "status": case.status,
                "due_at": None if case.due_at is None else case.due_at.isoformat(),
                "late_days": None if due is None else round(max((now - due).total_seconds(), 0.0) / 86400.0, 1),
            }
        )
    return len(late), rows


def hourly_history(ledger: Ledger, site: str, end: date, weeks: int = FORECAST_WEEKS) -> dict[date, list[float]]:
    """Arrivals per hour of every day in the ``weeks`` weeks before ``end`` (closed days as zeros)."""
    start = end - timedelta(days=7 * weeks)
    days = [start + timedelta(days=k) for k in range((end - start).days)]
    site_ledger = ledger.sites.get(site)
    first = min(site_ledger.days) if site_ledger and site_ledger.days else end
    return {d: [float(v) for v in ledger.figures(site, d).arrivals_by_hour] for d in days if d >= first}


def forecasts(ledger: Ledger, site: str, now: datetime) -> tuple[list[float], date, list[float], str]:
    """Today's forecast, and tomorrow's: (today's row, tomorrow, its row, basis).

    Tomorrow is always the day after ``now``'s local day. ``basis``: ``weekday`` (the weekday × hour
    profile of the same weekday in the last weeks), ``recent`` (no such weekday yet: the mean of the recent
    open weekdays), ``closed`` (the same weekday had no arrivals) or ``no_history``. For tomorrow, today's row
    is "actual so far, forecast for the remaining hours".
    """
    today = local_day(now)
    history = hourly_history(ledger, site, today)
    today_fc = fc.forecast_day(history, today)
    actual = ledger.figures(site, today, now).arrivals_by_hour
    hour = local(now).hour
    nowcast = [float(actual[h]) if h < hour else max(float(actual[h]), today_fc[h]) for h in range(24)]
    extended = {**history, today: nowcast}
    tomorrow = today + timedelta(days=1)
    row = fc.forecast_day(extended, tomorrow)
    if sum(row) > 0:
        return today_fc, tomorrow, row, "weekday"
    if fc.has_same_weekday(extended, tomorrow, FORECAST_WEEKS):
        return today_fc, tomorrow, [0.0] * 24, "closed"
    row = fc.recent_open_days(extended, tomorrow, FORECAST_WEEKS)
    return today_fc, tomorrow, row, "recent" if sum(row) > 0 else "no_history"


def _rank_inputs(ledger: Ledger, ctx: Context, now: datetime) -> tuple[dict[str, PeriodTotals], list[Ranked], float]:
    days = period(now, ctx.period_days)
    work = working_days(ledger, days)
    tots: dict[str, PeriodTotals] = {}
    inputs = []
    for site in sorted(set(ctx.sites) | set(ledger.sites)):
        info = site_info(ctx, site)
        tot = tots[site] = site_totals(ledger, site, days, now)
        productivity = site_productivity(info, tot, work)
        kpis = dossier_kpis(tot.dossier, info.level, work)
        inputs.append(
            ScoreInput(
                site=site,
                level=info.level,
                visits=tot.arrivals,
                within_target_pct=tot.within_target_pct,
                satisfaction_pct=tot.satisfaction_pct,
                negative_pct=tot.negative_pct,
                feedback=tot.feedback,
                productivity_attainment_pct=productivity.attainment_pct,
                desk_within_target_pct=kpis["desk_time_min"]["within_target_share"],
                on_time_pct=kpis["results"]["on_time_rate"],
                digitised_pct=kpis["digitisation"]["dossiers_rate"],
            )
        )
    return tots, rank_sites(inputs), work


def targets() -> dict[str, Any]:
    """The province's targets, for the pages' legends."""
    return {
        "wait_min": WAIT_TARGET_MIN,
        "desk_min": DESK_TARGET,
        "satisfaction_pct": SATISFACTION_TARGET_PCT,
        "productivity": {level: {"low": low, "high": high} for level, (low, high) in PRODUCTIVITY_TARGET.items()},
        "ranking_weights": dict(WEIGHTS),
        "working_days_per_year": prod.WORKING_DAYS_PER_YEAR,
    }


def overview(ledger: Ledger, ctx: Context, now: datetime, *, only: Collection[str] | None = None) -> dict[str, Any]:
    """Every site's live status, period ranking and productivity, and the province's totals.

    ``only``: the rows and totals of these sites alone (what a site manager may see); they are still ranked
    among all the sites of their level.
    """
    today = local_day(now)
    tots, ranked, work = _rank_inputs(ledger, ctx, now)
    if only is not None:
        ranked = [r for r in ranked if r.site in only]
    rows: list[dict[str, Any]] = []
    all_waits: list[float] = []
    province = {"waiting_now": 0, "waiting_over_target": 0, "arrivals_today": 0, "served_today": 0}
    within = late = called = feedback = satisfied = scored = negative = late_dossier_count = 0
    province_dossiers = DossierTally()
    for r in ranked:
        info = site_info(ctx, r.site)
        fig = ledger.figures(r.site, today, now)
        live = live_status(fig)
        all_waits += fig.waits
        within += fig.within_target
        late += fig.late_open
        called += len(fig.waits)
        feedback += fig.feedback
        satisfied += fig.satisfied
        scored += fig.with_sentiment
        negative += fig.negative
        for key in province:
            province[key] += getattr(live, key)
        productivity = site_productivity(info, tots[r.site], work)
        kpis = dossier_kpis(tots[r.site].dossier, info.level, work)
        province_dossiers.merge(tots[r.site].dossier)
        late_count, _ = late_dossiers(ledger, r.site, now, limit=0)
        late_dossier_count += late_count
        devices = ctx.devices.get(r.site, DeviceCount())
        site_ledger = ledger.sites.get(r.site)
        last = site_ledger.last_event_at if site_ledger else None
        rows.append(
            {
                "site": r.site,
                "name": info.name,
                "level": info.level,
                **asdict(live),
                "devices": devices.total,
                "devices_offline": devices.offline,
                "open_alerts": ctx.open_alerts.get(r.site, 0),
                "last_event_at": None if last is None else last.isoformat(),
                "score": r.score,
                "rank": r.rank,
                "rank_of": r.of,
                "components": dict(r.components),
                "period_within_target_pct": tots[r.site].within_target_pct,
                "period_satisfaction_pct": tots[r.site].satisfaction_pct,
                "period_negative_pct": tots[r.site].negative_pct,
                "period_visits": tots[r.site].arrivals,
                "productivity_per_person_year": productivity.per_person_year,
                "productivity_status": productivity.status,
                "productivity_basis": productivity.basis,
                "period_dossiers_received": kpis["received"],
                "desk_time_p50_min": kpis["desk_time_min"]["p50"],
                "desk_within_target_pct": kpis["desk_time_min"]["within_target_share"],
                "on_time_pct": kpis["results"]["on_time_rate"],
                "digitised_pct": kpis["digitisation"]["dossiers_rate"],
                "late_dossiers": late_count,
            }
        )
    province_kpis = dossier_kpis(province_dossiers, "province", work)
    return {
        "generated_at": now.isoformat(),
        "day": today.isoformat(),
        "period": {"days": ctx.period_days, "from": period(now, ctx.period_days)[0].isoformat(), "working_days": work},
        "province": {
            **province,
            "sites": len(rows),
            "sites_active_today": sum(1 for row in rows if row["arrivals_today"]),
            "median_wait_min": rounded(percentile(all_waits, 50)),
            "within_target_pct": pct(within, called + late),
            "satisfaction_pct": pct(satisfied, feedback),
            "negative_pct": pct(negative, scored),
            "devices": sum(d.total for s, d in ctx.devices.items() if only is None or s in only),
            "devices_offline": sum(d.offline for s, d in ctx.devices.items() if only is None or s in only),
            "open_alerts": sum(n for s, n in ctx.open_alerts.items() if only is None or s in only),
            "dossiers_received": province_kpis["received"],
            "desk_within_target_pct": province_kpis["desk_time_min"]["within_target_share"],
            "desk_time_p50_min": province_kpis["desk_time_min"]["p50"],
            "on_time_pct": province_kpis["results"]["on_time_rate"],
            "results": province_kpis["results"]["count"],
            "digitised_pct": province_kpis["digitisation"]["dossiers_rate"],
            "late_dossiers": late_dossier_count,
        },
        "targets": targets(),
        "sites": rows,
    }


def _distribution(values: Sequence[float]) -> dict[str, float | None]:
    return {
        "median": rounded(percentile(values, 50)),
        "p90": rounded(percentile(values, 90)),
    }


def _groups(site_ledger: SiteLedger, days: Sequence[date]) -> tuple[dict[str, list[Visit]], dict[str, list[Visit]]]:
    by_service: dict[str, list[Visit]] = defaultdict(list)
    by_counter: dict[str, list[Visit]] = defaultdict(list)
    for day in days:
        for visit in site_ledger.days.get(day, {}).values():
            by_service[visit.service].append(visit)
            if visit.counter_id:
                by_counter[visit.counter_id].append(visit)
    return by_service, by_counter


def _visit_stats(group: Sequence[Visit], today: date) -> dict[str, Any]:
    waits = [w for v in group if (w := v.wait_min()) is not None]
    served = [v for v in group if v.outcome == "done"]
    minutes = [v.service_min for v in served if v.service_min is not None]
    return {
        "visits": sum(1 for v in group if v.arrival),
        "served": len(served),
        "served_today": sum(1 for v in served if v.day == today),
        "wait_min": _distribution(waits),
        "within_target_pct": pct(sum(1 for w in waits if w <= WAIT_TARGET_MIN), len(waits)),
        "service_min": _distribution(minutes),
    }


def site_page(
    ledger: Ledger,
    ctx: Context,
    site: str,
    now: datetime,
    *,
    devices: Sequence[Mapping[str, Any]] = (),
    alerts: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """One site's page: live status, hourly arrivals and waits, forecast, services, counters, staff, alerts."""
    info = site_info(ctx, site)
    today = local_day(now)
    days = period(now, ctx.period_days)
    work = working_days(ledger, days)
    fig = ledger.figures(site, today, now)
    tot = site_totals(ledger, site, days, now)
    productivity = site_productivity(info, tot, work)
    kpis = dossier_kpis(tot.dossier, info.level, work)
    late_count, late_rows = late_dossiers(ledger, site, now)
    site_ledger = ledger.sites.get(site) or SiteLedger(site)
    today_fc, next_day, next_fc, next_basis = forecasts(ledger, site, now)
    by_service, by_counter = _groups(site_ledger, days)
    feedback_by: dict[str, list[bool]] = defaultdict(list)
    for day in days:
        for item in site_ledger.feedback.get(day, ()):
            satisfied = item.rating in SATISFIED_RATINGS
            feedback_by[f"s:{item.service}"].append(satisfied)
            feedback_by[f"c:{item.counter_id}"].append(satisfied)
    dossiers_by: dict[str, int] = defaultdict(int)
    for day in days:
        for dossier in site_ledger.dossiers.get(day, ()):
            dossiers_by[dossier.service or ""] += 1

    def satisfaction(key: str) -> float | None:
        votes = feedback_by.get(key, [])
        return pct(sum(votes), len(votes))

    services = [
        {
            "service": code,
            **_visit_stats(group, today),
            "dossiers": dossiers_by.get(code, 0),
            "satisfaction_pct": satisfaction(f"s:{code}"),
        }
        for code, group in sorted(by_service.items())
    ]
    counters = []
    for counter_id in sorted(set(by_counter) | set(site_ledger.counters)):
        state = site_ledger.counters.get(counter_id)
        live_state = state.state if state is not None and local_day(state.at) == today else "closed"
        counters.append(
            {
                "counter_id": counter_id,
                "state": live_state,
                "staff_id": state.staff_id if state else None,
                **_visit_stats(by_counter.get(counter_id, []), today),
                "satisfaction_pct": satisfaction(f"c:{counter_id}"),
            }
        )
    ranked = {r.site: r for r in _rank_inputs(ledger, ctx, now)[1]}.get(site)
    daily = []
    for day in days:
        day_fig = ledger.figures(site, day, now)
        daily.append(
            {
                "day": day.isoformat(),
                "arrivals": day_fig.arrivals,
                "within_target_pct": pct(day_fig.within_target, len(day_fig.waits) + day_fig.late_open),
                "satisfaction_pct": pct(day_fig.satisfied, day_fig.feedback),
            }
        )
    history = hourly_history(ledger, site, today)
    same_weekday = [row for d, row in history.items() if d.weekday() == today.weekday()]
    typical = [
        round(sum(r[h] for r in same_weekday) / len(same_weekday), 2) if same_weekday else 0.0 for h in range(24)
    ]
    return {
        "site": site,
        "name": info.name,
        "level": info.level,
        "one_stop_staff": info.one_stop_staff,
        "generated_at": now.isoformat(),
        "day": today.isoformat(),
        "now_hour": local(now).hour,
        "live": asdict(live_status(fig)),
        "hourly": {
            "arrivals": fig.arrivals_by_hour,
            "forecast": [round(v, 2) for v in today_fc],
            "typical": typical,
            "median_wait_min": [rounded(percentile(w, 50)) for w in fig.waits_by_hour],
            "p90_wait_min": [rounded(percentile(w, 90)) for w in fig.waits_by_hour],
        },
        "forecast_next": {
            "day": next_day.isoformat(),
            "hourly": [round(v, 2) for v in next_fc],
            "total": round(sum(next_fc), 1),
            "basis": next_basis,
        },
        "daily": daily,
        "period": {"days": ctx.period_days, "from": days[0].isoformat(), "working_days": work},
        "period_totals": {
            "visits": tot.arrivals,
            "served": tot.done,
            "dossiers": tot.dossiers,
            "within_target_pct": tot.within_target_pct,
            "mean_wait_min": tot.mean_wait_min,
            "satisfaction_pct": tot.satisfaction_pct,
            "negative_pct": tot.negative_pct,
            "feedback": tot.feedback,
            "no_shows": tot.no_shows,
        },
        "rank": None
        if ranked is None
        else {"score": ranked.score, "rank": ranked.rank, "of": ranked.of, "components": dict(ranked.components)},
        "productivity": asdict(productivity),
        "staff": [
            asdict(s)
            for s in prod.staff_productivity(
                level=info.level,
                served_by_staff=tot.served_by_staff,
                dossiers_by_staff=tot.dossiers_by_staff,
                received_by_staff=tot.dossier.by_staff,
                days=work,
            )
        ],
        "dossiers": {**kpis, "late_open": late_count, "late": late_rows},
        "services": services,
        "counters": counters,
        "devices": list(devices),
        "alerts": list(alerts),
        "targets": targets(),
    }
