"""The admin page: KPIs against the 15-minute target, counters, live queue, tokens."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import expect


def test_admin_shows_kpis_counters_and_queue_live(page: Any, desk: Any, server: Any) -> None:
    desk.issue()
    desk.sign_in("NV05")
    desk.act("next")
    page.goto(f"{server.base_url}/console/admin#token={server.admin_token}")
    assert "#" not in page.url
    expect(page.locator("#admin")).to_be_visible()
    expect(page.locator("#live")).to_have_text("Trực tuyến")
    expect(page.locator("#target-note")).to_have_text("Mục tiêu của tỉnh: chờ không quá 15 phút")
    kpis = desk.api("GET", "/kpis").json()
    expect(page.locator("#kpi-issued .v")).to_have_text(str(kpis["tickets_issued"]))
    expect(page.locator("#kpi-done .v")).to_have_text(str(kpis["tickets_done"]))
    # Every wait in this test is well within 15 minutes: shown green, "on target".
    expect(page.locator("#kpi-within15")).to_have_class(re.compile(r"\bgood\b"))
    expect(page.locator("#kpi-within15 .v")).to_have_text("100 %")
    expect(page.locator("#kpi-wait-p90 .s")).to_have_text("Đạt mục tiêu")
    for key in ("wait-p50", "wait-max", "within30", "no-show"):
        expect(page.locator(f"#kpi-{key}")).to_be_visible()

    row = page.locator(f"#counters-table tr[data-counter='{desk.counter_id}']")
    expect(row).to_contain_text("Đang mở")
    expect(row).to_contain_text("NV05")
    expect(row).to_contain_text(f"{desk.letter}001")
    expect(page.locator("#counters-table tbody tr")).to_have_count(len(desk.api("GET", "/counters").json()))
    expect(page.locator("#services-table tr[data-service='HT']")).to_contain_text("Hộ tịch – Tư pháp")
    expect(page.locator(f"#by-service-table tr[data-service='{desk.service}']")).to_be_visible()

    # Live: a ticket issued and a call made elsewhere show up without reload.
    page.evaluate("window.__sameDocument = true")
    queue_row = page.locator(f"#queue-table tr[data-service='{desk.service}']")
    expect(queue_row.locator("td").nth(1)).to_have_text("0")
    ticket = desk.issue(priority="pregnant")
    expect(queue_row.locator("td").nth(1)).to_have_text("1")
    expect(queue_row.locator("td").nth(2)).to_have_text("1")
    expect(queue_row.locator(".chip.prio")).to_have_text(ticket["number"])
    desk.act("done")
    expect(row).to_contain_text("—")
    expect(page.locator(f"#by-counter-table tr[data-counter='{desk.counter_id}']")).to_contain_text("1")
    assert page.evaluate("window.__sameDocument") is True

    page.click("#lang")
    expect(page.locator("#kpi-within15 .k")).to_have_text("Waited ≤ 15 min")
    expect(row).to_contain_text("Open")


def test_admin_creates_a_token_shown_once(page: Any, desk: Any, server: Any) -> None:
    page.goto(f"{server.base_url}/console/admin")
    page.fill("#f-token", server.admin_token)
    page.click("#signin-submit")
    expect(page.locator("#admin")).to_be_visible()
    page.select_option("#t-role", "counter")
    page.select_option("#t-counter", desk.counter_id)
    page.fill("#t-label", "Máy quầy thử")
    page.click("#t-submit")
    secret = page.locator("#token-value")
    expect(secret).to_have_text(re.compile(r"^mc_"))
    token = secret.text_content()
    expect(page.locator("#token-link")).to_contain_text(f"/console/counter#counter={desk.counter_id}&token=")
    expect(page.locator("#tokens-table")).to_contain_text("Máy quầy thử")
    assert token not in page.locator("#tokens-table").text_content()
    r = httpx.post(
        f"{server.base_url}/api/v1/counters/{desk.counter_id}/sign-in",
        json={"staff_id": "NV03"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200
    page.reload()  # shown once: gone after a reload
    expect(page.locator("#admin")).to_be_visible()
    expect(page.locator("#token-secret")).to_be_hidden()


def test_admin_creates_a_department_token_for_one_department(page: Any, desk: Any, server: Any) -> None:
    page.goto(f"{server.base_url}/console/admin")
    page.fill("#f-token", server.admin_token)
    page.click("#signin-submit")
    expect(page.locator("#admin")).to_be_visible()
    expect(page.locator("#t-department-field")).to_be_hidden()
    page.select_option("#t-role", "department")
    expect(page.locator("#t-department-field")).to_be_visible()
    expect(page.locator("#t-counter-field")).to_be_hidden()
    page.select_option("#t-department", "HT")
    page.fill("#t-label", "Phòng Tư pháp")
    page.click("#t-submit")
    secret = page.locator("#token-value")
    expect(secret).to_have_text(re.compile(r"^mc_"))
    r = httpx.get(
        f"{server.base_url}/api/v1/departments/dossiers",
        headers={"Authorization": f"Bearer {secret.text_content()}"},
    )
    assert r.status_code == 200, r.text


def test_admin_refuses_a_counter_token(page: Any, desk: Any, server: Any) -> None:
    page.goto(f"{server.base_url}/console/admin#token={desk.token}")
    expect(page.locator("#signin-error")).to_contain_text("Mã này không phải mã quản trị.")
    expect(page.locator("#admin")).to_be_hidden()


def test_index_links_both_pages(page: Any, server: Any) -> None:
    page.goto(f"{server.base_url}/console/")
    expect(page.locator("h1")).to_have_text("Bảng điều khiển cán bộ")
    expect(page.locator("#link-counter")).to_have_attribute("href", "/console/counter")
    expect(page.locator("#link-admin")).to_have_attribute("href", "/console/admin")
    expect(page.locator("#link-counter .en")).to_have_text("Service counter")
    page.click("#link-counter")
    expect(page.locator("#signin h1")).to_have_text("Đăng nhập quầy")
