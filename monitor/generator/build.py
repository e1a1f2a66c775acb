"""Fill a monitor store with a simulated province through ``store.ingest`` (the uplink's own path)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.analytics.model import VN_TZ, local_day
from monitor.generator.accounts import DemoAccount, create_demo_accounts
from monitor.generator.province import SiteProfile, province_sites
from monitor.generator.simulate import Counter, counters_of, simulate_day
from motcua.contract.uplink import Alert, UplinkBatch, UplinkEvent

BATCH = 5000  # UplinkBatch holds at most 5,000 events
OFFLINE_SHARE = 0.04


@dataclass(frozen=True, slots=True)
class GenerationReport:
    """What was generated and how long it took."""

    sites: int
    days: int
    events: int
    devices: int
    devices_offline: int
    alerts: int
    seconds: float
    accounts: tuple[DemoAccount, ...] = ()


def site_events(profile: SiteProfile, *, weeks: int, now: datetime, seed: int) -> Iterator[UplinkEvent]:
    """The site's events of the last ``weeks`` weeks up to ``now``, with growing sequence numbers."""
    today = local_day(now)
    seq = 0
    day = today - timedelta(days=7 * weeks)
    while day <= today:
        for at, type_, data in simulate_day(profile, day, seed, now if day == today else None):
            seq += 1
            yield UplinkEvent.model_construct(
                v=1, site=profile.info.site, seq=seq, kind="business", type=type_, at=at, source_seq=seq, data=data
            )
        day += timedelta(days=1)


# Roles as the devices report them: the agents of the server and the kiosks heartbeat (device.health); the
# waiting-room and counter display apps report only changes (retained status + last will).
HEARTBEAT_ROLES = frozenset({"server", "kiosk"})


def _devices(profile: SiteProfile, counters: list[Counter]) -> list[tuple[str, str]]:
    site = profile.info.site
    kiosks = {"province": 6, "district": 3, "commune": 1}[profile.info.level]
    out = [(f"{site}-server", "server"), (f"{site}-display-1", "display-waiting-room")]
    out += [(f"{site}-kiosk-{i + 1}", "kiosk") for i in range(kiosks)]
    out += [(f"{site}-counter-{c.counter_id}", "display-counter") for c in counters[:8]]
    return out


def _device_events(
    profile: SiteProfile, rng: random.Random, now: datetime, first_seq: int
) -> tuple[list[UplinkEvent], int, list[Alert]]:
    events: list[UplinkEvent] = []
    alerts: list[Alert] = []
    offline = 0
    for n, (device_id, role) in enumerate(_devices(profile, counters_of(profile))):
        down = role != "server" and rng.random() < OFFLINE_SHARE
        seen = now - timedelta(minutes=rng.uniform(40, 300) if down else rng.uniform(0, 1))
        details: dict[str, Any] = {
            "uptime_s": int(rng.uniform(3_600, 30 * 86_400)),
            "cpu_temp_c": round(rng.uniform(42, 68), 1),
            "disk_free_pct": round(rng.uniform(35, 90), 1),
            "printer": ("paper_out" if rng.random() < 0.2 else "ok") if role == "kiosk" else None,
        }
        state = "offline" if down else "online"
        beats = role in HEARTBEAT_ROLES and not down
        events.append(
            UplinkEvent.model_construct(
                v=1,
                site=profile.info.site,
                seq=first_seq + n,
                kind="health" if beats else "business",
                type="device.health" if beats else "device.status",
                at=seen,
                source_seq=None,
                data={"device_id": device_id, "role": role, "state": state, "version": "0.1.0", "details": details},
            )
        )
        if down:
            offline += 1
            alerts.append(
                Alert(
                    site=profile.info.site,
                    kind="device_offline",
                    severity="warning",
                    message_vi=f"Thiết bị {device_id} mất kết nối từ {seen.astimezone(VN_TZ):%H:%M}.",
                    message_en=f"Device {device_id} offline since {seen.astimezone(VN_TZ):%H:%M}.",
                    at=seen + timedelta(minutes=5),
                    data={"subject": device_id, "role": role},
                )
            )
    return events, offline, alerts


def _wait_alerts(profile: SiteProfile, events: list[UplinkEvent], now: datetime) -> list[Alert]:
    """A long-wait alert for each past day on which someone waited over 60 minutes (one per day)."""
    out: list[Alert] = []
    queued: dict[str, datetime] = {}
    flagged: set[str] = set()
    for e in events:
        if e.type == "ticket.issued":
            queued[e.data["ticket_id"]] = e.at
        elif e.type == "ticket.called" and e.data["day"] not in flagged:
            wait = (e.at - queued.get(e.data["ticket_id"], e.at)).total_seconds() / 60
            if wait > 60:
                flagged.add(e.data["day"])
                resolved = e.at if e.at < now - timedelta(hours=1) else None
                out.append(
                    Alert(
                        site=profile.info.site,
                        kind="long_wait",
                        severity="critical" if wait > 90 else "warning",
                        message_vi=f"Công dân số {e.data['number']} đã chờ {wait:.0f} phút (mục tiêu ≤ 15 phút).",
                        message_en=f"Citizen {e.data['number']} waited {wait:.0f} min (target ≤ 15 min).",
                        at=e.at,
                        data={
                            "subject": e.data["number"],
                            "wait_min": round(wait, 1),
                            "resolved": resolved is not None,
                        },
                    )
                )
    return out


def generate(
    store: Any,
    *,
    sites: int = 135,
    weeks: int = 4,
    seed: int = 717,
    now: datetime | None = None,
    progress: Any = None,
    profiles: list[SiteProfile] | None = None,
    accounts: bool = False,
) -> GenerationReport:
    """Declare ``sites`` sites (or ``profiles``) and ingest ``weeks`` weeks of their events up to ``now``;
    with ``accounts``, also the demo accounts (their passwords in the report)."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    profiles = profiles if profiles is not None else province_sites(sites, seed=seed)
    rng = random.Random(seed)
    total = offline = alert_count = 0
    device_count = 0
    for index, profile in enumerate(profiles):
        info = profile.info
        store.upsert_site(info.site, name=info.name, level=info.level, one_stop_staff=info.one_stop_staff)
        events = list(site_events(profile, weeks=weeks, now=now, seed=seed))
        devices, down, alerts = _device_events(profile, rng, now, len(events) + 1)
        events += devices
        device_count += len(devices)
        offline += down
        for start in range(0, len(events), BATCH):
            store.ingest(UplinkBatch.model_construct(v=1, site=info.site, events=events[start : start + BATCH]))
        for alert in [*alerts, *_wait_alerts(profile, events, now)]:
            alert_id = store.add_alert(alert)
            if alert.data.get("resolved"):
                store.resolve_alert(alert_id, alert.at + timedelta(minutes=30))
            alert_count += 1
        total += len(events)
        if progress is not None:
            progress(index + 1, len(profiles), total)
    made: tuple[DemoAccount, ...] = ()
    if accounts:
        managed = next((p.info.site for p in profiles if p.info.level == "district"), None)
        made = create_demo_accounts(store, [p.info.site for p in profiles], managed=managed)
    return GenerationReport(
        accounts=made,
        sites=len(profiles),
        days=7 * weeks + 1,
        events=total,
        devices=device_count,
        devices_offline=offline,
        alerts=alert_count,
        seconds=round(time.perf_counter() - started, 1),
    )
