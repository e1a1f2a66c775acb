"""The citizen's track page (/t/{id}): position, wait, and the call, refreshed every 10 s."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect


def test_track_page_follows_the_ticket(page: Any, desk: Any) -> None:
    first, mine = desk.issue(), desk.issue(priority=None)
    page.set_viewport_size({"width": 390, "height": 844})
    page.clock.install()  # the page polls every 10 s: the test moves its clock instead of waiting
    page.goto(f"{desk.server.base_url}/t/{mine['id']}")
    expect(page.locator("#number")).to_have_text(mine["number"])
    expect(page.locator("#service")).to_have_text(desk.name_vi)
    headline = page.locator("#headline")
    expect(headline).to_have_text(re.compile(r"^Đang chờ – còn 1 người phía trước, khoảng \d+ phút$"))
    expect(page.locator("#where")).to_contain_text(f"Quầy {desk.counter_id} – Tầng 3")

    desk.sign_in()
    assert desk.act("next").json()["number"] == first["number"]
    page.clock.fast_forward(10_500)
    expect(headline).to_have_text("Đang chờ – bạn là người tiếp theo")

    desk.act("start")
    assert desk.act("next").json()["number"] == mine["number"]
    page.clock.fast_forward(10_500)
    expect(headline).to_have_text(f"Mời đến Quầy {desk.counter_id}")
    expect(page.locator("#status")).to_have_class("status called")
    expect(page.locator("#where")).to_be_hidden()

    page.click("#lang")
    expect(headline).to_have_text(f"Please go to Counter {desk.counter_id}")
    desk.act("done")
    page.clock.fast_forward(10_500)
    expect(headline).to_have_text("Done. Thank you!")


def test_track_page_shows_a_transfer_and_an_unknown_ticket(page: Any, desk: Any) -> None:
    ticket = desk.issue(priority="disability")
    desk.sign_in()
    desk.act("next")
    assert desk.act("transfer", json={"service": "CT"}).status_code == 200
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{desk.server.base_url}/t/{ticket['id']}")
    expect(page.locator("#number")).to_have_text(ticket["number"])
    expect(page.locator("#service")).to_have_text("Chứng thực")
    expect(page.locator("#note")).to_have_text("Đã chuyển sang dịch vụ Chứng thực")
    expect(page.locator("#priority")).to_have_text("Ưu tiên – Người khuyết tật")
    expect(page.locator("#headline")).to_have_text(re.compile(r"^Đang chờ"))
    page.goto(f"{desk.server.base_url}/t/nonexistent-ticket")
    expect(page.locator("#headline")).to_have_text("Không tìm thấy số thứ tự này.")
