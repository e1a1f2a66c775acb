"""The pages in headless Chromium against a real uvicorn server: render, live update, language switch."""

from __future__ import annotations

from typing import Any

from monitor_dashboard_helpers import NOW, issue_tickets


def test_overview_renders_every_site_and_the_ranking_chart(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.wait_for_selector("#sites tbody tr[data-site]")
    assert page.locator("#sites tbody tr[data-site]").count() == 6
    assert page.locator("h1").inner_text() == "Giám sát bộ phận một cửa tỉnh Bắc Ninh"
    assert "Bộ phận một cửa huyện Yên Phong" in page.locator("#sites").inner_text()
    assert page.evaluate("Chart.getChart(document.getElementById('rank-chart')) !== undefined")
    assert page.locator("#card-waiting .card-value").inner_text().strip().isdigit()


def test_a_new_ingested_event_updates_the_page_without_reload(server: str, page: Any, store: Any) -> None:
    page.goto(server + "/")
    cell = page.locator("tr[data-site='bn-yenpho-dungliet'] td[data-key='waiting_now']")
    cell.wait_for()
    before = int(cell.inner_text())
    page.evaluate("window.__sameDocument = true")
    issue_tickets(store, "bn-yenpho-dungliet", 3, NOW)
    page.wait_for_function(
        "n => Number(document.querySelector(\"tr[data-site='bn-yenpho-dungliet'] td[data-key='waiting_now']\").textContent) === n",
        arg=before + 3,
        timeout=15_000,
    )
    assert page.evaluate("window.__sameDocument === true")


def test_language_switch_translates_the_page_and_is_remembered(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.wait_for_selector("#sites tbody tr[data-site]")
    assert page.locator("#lang").inner_text() == "English"
    assert "Đang chờ" in page.locator("#sites thead").inner_text()
    page.click("#lang")
    assert page.locator("h1").inner_text() == "Bắc Ninh one-stop service monitor"
    assert "Waiting" in page.locator("#sites thead").inner_text()
    assert page.locator("#lang").inner_text() == "Tiếng Việt"
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto(server + "/sites/bn-yenphong")
    page.wait_for_selector("#services tbody tr[data-service]")
    assert "By service" in page.locator("#services-title").inner_text()
    assert "Land and construction" in page.locator("#services").inner_text()
    page.click("#lang")
    assert "Đất đai – Xây dựng" in page.locator("#services").inner_text()


def test_site_page_draws_hourly_charts_and_tables(server: str, page: Any) -> None:
    page.goto(server + "/sites/bn-yenphong")
    page.wait_for_selector("#services tbody tr[data-service]")
    assert page.locator("#site-name").inner_text() == "Bộ phận một cửa huyện Yên Phong"
    for chart in ("chart-arrivals", "chart-waits", "chart-next", "chart-daily"):
        assert page.evaluate(f"Chart.getChart(document.getElementById('{chart}')).data.datasets[0].data.length") > 0
    arrivals = page.evaluate("Chart.getChart(document.getElementById('chart-arrivals')).data.datasets[0].data")
    assert sum(v or 0 for v in arrivals) > 0
    assert page.locator("#counters tbody tr[data-counter]").count() > 0
    assert page.locator("#staff tbody tr").count() > 0
    assert "hồ sơ/người/năm" in page.locator("#productivity").inner_text()


def test_unknown_site_page_says_so(server: str, page: Any) -> None:
    page.goto(server + "/sites/khong-co")
    page.wait_for_selector("#error:not([hidden])")
    assert "Không có điểm phục vụ" in page.locator("#error").inner_text()
