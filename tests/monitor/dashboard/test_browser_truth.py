"""The monitor shows what is true (issue 19), in headless Chromium on the demo province:
device presence, the number of sites, role names, tomorrow's forecast, a site without declared staff."""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime, timedelta
from typing import Any

from monitor_dashboard_helpers import NOW, SITES

from monitor.alerts import AlertEngine
from monitor.core.roles import ROLE_LABELS
from monitor.ingest.service import IngestService
from motcua.contract.uplink import UplinkBatch, UplinkEvent


def device_event(site: str, seq: int, device_id: str, role: str, at: datetime, *, heartbeat: bool) -> UplinkEvent:
    """A device's status as the site agent uplinks it: a periodic sample, or a change."""
    return UplinkEvent(
        site=site,
        seq=seq,
        kind="health" if heartbeat else "business",
        type="device.health" if heartbeat else "device.status",
        at=at,
        data={"device_id": device_id, "role": role, "state": "online", "version": "0.1.0", "details": {}},
    )


def next_seq(store: Any, site: str) -> int:
    seqs = store.seqs(site)
    return (seqs[-1] if seqs else 0) + 1


def devices_row(page: Any, device_id: str) -> Any:
    row = page.locator(f"#devices tr[data-device='{device_id}']")
    row.wait_for()
    return row


def test_a_connected_display_is_online_and_a_hung_agent_is_silent(server: str, page: Any, store: Any, clock: Any):
    # The waiting-room display app publishes its retained "online" status once, when it connects (30 min ago),
    # with a last will "offline"; the site server's agent heartbeats; a kiosk's agent stopped 10 min ago.
    site = "bn-yenphong"
    engine = AlertEngine(store, clock=clock)
    ingest = IngestService(store, engine)
    first = next_seq(store, site)
    ingest.handle(
        UplinkBatch(
            site=site,
            events=[
                device_event(
                    site, first, "bn-yenphong-tv", "display-waiting-room", NOW - timedelta(minutes=30), heartbeat=False
                ),
                device_event(
                    site, first + 1, "bn-yenphong-kiosk-9", "kiosk", NOW - timedelta(minutes=14), heartbeat=True
                ),
                device_event(
                    site, first + 2, "bn-yenphong-kiosk-9", "kiosk", NOW - timedelta(minutes=10), heartbeat=True
                ),
                device_event(site, first + 3, "bn-yenphong-server", "server", clock(), heartbeat=True),
            ],
        )
    )
    engine.tick()
    silent = {a.data["subject"] for a in store.alerts(site, open_only=True) if a.kind == "device_offline"}
    assert "bn-yenphong-kiosk-9" in silent
    assert "bn-yenphong-tv" not in silent

    page.goto(server + f"/sites/{site}")
    tv = devices_row(page, "bn-yenphong-tv")
    assert tv.locator(".pill").inner_text() == "Trực tuyến"
    assert "Màn hình phòng chờ" in tv.inner_text()
    kiosk = devices_row(page, "bn-yenphong-kiosk-9")
    assert kiosk.locator(".pill").inner_text() == "Không gửi tín hiệu"
    alerts = page.locator("#alerts").inner_text()
    assert "bn-yenphong-kiosk-9 (Ki-ốt) không gửi tín hiệu 10 phút" in alerts
    assert "bn-yenphong-tv" not in alerts


def test_the_subtitle_counts_the_sites_the_province_has(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.wait_for_selector("#sites tbody tr[data-site]")
    subtitle = page.locator("header p.sub")
    assert subtitle.inner_text() == f"Trung tâm điều hành — theo dõi trực tiếp {len(SITES)} điểm phục vụ"
    page.click("#lang")
    assert subtitle.inner_text() == f"Operations centre — live view of {len(SITES)} service sites"
    assert "135" not in page.locator("header").inner_text()


def produced_roles() -> set[str]:
    """Every ``DeviceStatus.role`` a deployable sends, read from where each is defined."""
    from edge_agent.settings import AgentSettings
    from kiosk_ui.settings import DisplaySettings
    from motcua.contract.provisioning import DEVICE_ROLES

    kinds = typing.get_args(DisplaySettings.model_fields["kind"].annotation)
    agent = {AgentSettings.model_fields["role"].default, "kiosk", "display", "counter"}  # `motcua agent --role`
    return {*DEVICE_ROLES, *agent, *(f"display-{kind}" for kind in kinds)}


def test_every_role_the_system_produces_is_named_in_both_languages(server: str, page: Any, store: Any) -> None:
    roles = sorted(produced_roles())
    assert {"display-waiting-room", "display-counter", "server", "counter_display"} <= set(roles)
    assert set(roles) <= set(ROLE_LABELS)
    site = "bn-luongtai"
    first = next_seq(store, site)
    store.ingest(
        UplinkBatch(
            site=site,
            events=[
                device_event(site, first + i, f"role-{role}", role, NOW, heartbeat=False)
                for i, role in enumerate(roles)
            ],
        )
    )
    page.goto(server + f"/sites/{site}")
    catalogue = page.evaluate("window.MOTCUA_I18N")
    for lang, index in (("vi", 0), ("en", 1)):
        shown = {k.removeprefix("role."): v for k, v in catalogue[lang].items() if k.startswith("role.")}
        assert shown == {role: labels[index] for role, labels in ROLE_LABELS.items()}
    for lang, index in (("vi", 0), ("en", 1)):
        for role in roles:
            assert devices_row(page, f"role-{role}").locator("td").nth(1).inner_text() == ROLE_LABELS[role][index]
        assert "role." not in page.locator("body").inner_text()
        page.click("#lang")
        page.wait_for_function("lang => document.documentElement.lang === lang", arg="en" if lang == "vi" else "vi")


def test_the_forecast_starts_tomorrow_also_for_a_site_that_joined_today(server: str, page: Any, store: Any) -> None:
    from monitor.generator import province_sites, site_events

    # A commune desk that started uplinking this morning: its only history is today.
    base = next(p for p in province_sites() if p.info.level == "commune" and p.info.site not in SITES)
    profile = dataclasses.replace(base, info=dataclasses.replace(base.info, site="bn-moi", name="UBND xã Mới"))
    store.upsert_site("bn-moi", name="UBND xã Mới", level="commune", one_stop_staff=7)
    store.ingest(UplinkBatch(site="bn-moi", events=list(site_events(profile, weeks=0, now=NOW, seed=717))))
    for site in ("bn-moi", "bn-yenphong"):
        page.goto(server + f"/sites/{site}")
        page.wait_for_selector("#services tbody tr[data-service]")
        title = page.locator("#next-title").inner_text()
        assert "27/11/2026" in title, title  # NOW is Thursday 26/11/2026 in Việt Nam
        forecast = page.evaluate("Chart.getChart(document.getElementById('chart-next')).data.datasets[0].data")
        assert sum(forecast) > 0


def test_a_site_that_declares_no_staff_reads_no_staff_declared(server: str, page: Any, store: Any) -> None:
    site = "bn-yenpho-cho"
    store.upsert_site(site, one_stop_staff=0)
    page.goto(server + f"/sites/{site}")
    page.wait_for_function(
        "() => document.getElementById('productivity').innerText.includes('chưa khai báo cán bộ')", timeout=15_000
    )
    assert "chưa khai báo cán bộ một cửa" in page.locator("#site-meta").inner_text()
    assert page.locator("#productivity .pill").inner_text() == "Chưa khai báo cán bộ"
    for text in (page.locator("#productivity").inner_text(), page.locator("#productivity-note").inner_text()):
        assert "÷ 0" not in text and "Infinity" not in text and "NaN" not in text and "∞" not in text
    page.click("#lang")
    assert page.locator("#productivity .pill").inner_text() == "No staff declared"
    page.click("#lang")
    page.goto(server + "/")
    cell = page.locator(f"tr[data-site='{site}'] td[data-key='productivity_per_person_year']")
    cell.wait_for()
    assert cell.inner_text() == "chưa khai báo cán bộ"
    assert "NaN" not in page.locator("#sites").inner_text() and "Infinity" not in page.locator("#sites").inner_text()
