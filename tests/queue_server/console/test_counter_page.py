"""The counter page: sign in, call, serve, transfer, pause, live updates, shortcuts, language, errors."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

ACTIONS_NEEDING_A_TICKET = ("#btn-recall", "#btn-start", "#btn-done", "#btn-no-show", "#btn-transfer")


def test_sign_in_with_the_form_and_call_next(page: Any, desk: Any) -> None:
    ticket = desk.issue()
    page.goto(f"{desk.server.base_url}/console/counter")
    expect(page.locator("#signin")).to_be_visible()
    page.fill("#f-counter", desk.counter_id)
    page.fill("#f-staff", "NV01")
    page.fill("#f-token", desk.token)
    page.click("#signin-submit")
    expect(page.locator("#status")).to_have_text("Đang mở")
    expect(page.locator("#staff")).to_have_text("Cán bộ NV01")
    expect(page.locator("#counter-name")).to_have_text(f"Quầy {desk.counter_id}")
    expect(page.locator("#waiting-list li[data-number]")).to_have_count(1)
    for selector in ACTIONS_NEEDING_A_TICKET:
        expect(page.locator(selector)).to_be_disabled()

    page.click("#btn-next")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    expect(page.locator("#current-service")).to_have_text(desk.name_vi)
    expect(page.locator("#current-status")).to_have_text("Đang gọi")
    expect(page.locator("#current-clock")).to_contain_text("Đã gọi 0:0")
    expect(page.locator("#btn-next")).to_be_disabled()  # the called citizen must be started, recalled or absent
    expect(page.locator("#waiting-list li[data-number]")).to_have_count(0)
    assert desk.api("GET", f"/counters/{desk.counter_id}").json()["staff_id"] == "NV01"


def test_link_signs_in_strips_the_token_and_survives_reload(page: Any, desk: Any, open_counter: Any) -> None:
    open_counter(desk, staff="NV02")
    assert "#" not in page.url and desk.token not in page.url
    assert page.evaluate("sessionStorage.getItem('motcua.counter.token')") == desk.token
    assert page.evaluate("sessionStorage.getItem('motcua.counter.staff')") == "NV02"
    assert desk.token not in page.evaluate("localStorage.getItem('motcua.counter.token') || ''")
    page.reload()
    expect(page.locator("#status")).to_have_text("Đang mở")
    expect(page.locator("#staff")).to_have_text("Cán bộ NV02")


def test_ticket_issued_elsewhere_appears_without_reload(page: Any, desk: Any, open_counter: Any) -> None:
    open_counter(desk)
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("#live")).to_have_text("Trực tuyến")
    first = desk.issue()
    expect(page.locator(f"#waiting-list li[data-number='{first['number']}']")).to_be_visible()
    second = desk.issue(priority="elderly")
    row = page.locator(f"#waiting-list li[data-number='{second['number']}']")
    expect(row).to_be_visible()
    expect(row.locator(".badge.prio")).to_have_text("Ưu tiên – Người cao tuổi (từ 60 tuổi)")
    expect(page.locator("#waiting-count")).to_have_text("2")
    # The priority ticket is called first, so it leads the list.
    expect(page.locator("#waiting-list li[data-number]").first).to_have_attribute("data-number", second["number"])
    assert page.evaluate("window.__sameDocument") is True


def test_call_made_by_another_client_updates_the_page(page: Any, desk: Any, open_counter: Any) -> None:
    ticket = desk.issue()
    open_counter(desk)
    expect(page.locator("#current-empty")).to_be_visible()
    r = desk.act("next")  # the admin token, from another client
    assert r.status_code == 200
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    desk.act("start")
    expect(page.locator("#current-status")).to_have_text("Đang phục vụ")


def test_keyboard_shortcuts_call_and_finish(page: Any, desk: Any, open_counter: Any) -> None:
    first, second = desk.issue(), desk.issue()
    open_counter(desk)
    expect(page.locator("#btn-next kbd")).to_have_text("N")
    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(first["number"])
    page.keyboard.press("s")
    expect(page.locator("#current-status")).to_have_text("Đang phục vụ")
    page.keyboard.press("Space")  # next also finishes the one being served
    expect(page.locator("#current-number")).to_have_text(second["number"])
    assert desk.ticket(first["id"])["status"] == "done"
    # Typing in a field is not a shortcut.
    page.evaluate("""() => { const i = document.createElement('input'); i.id = 'scratch';
                            document.body.appendChild(i); }""")
    page.focus("#scratch")
    page.keyboard.press("v")
    expect(page.locator("#scratch")).to_have_value("v")  # the key went to the field
    # the sentinel: the next shortcut, outside the field, acts on the ticket "v" would have marked no-show
    page.locator("#scratch").blur()
    page.keyboard.press("s")
    expect(page.locator("#current-status")).to_have_text("Đang phục vụ")
    expect(page.locator("#current-number")).to_have_text(second["number"])
    assert desk.ticket(second["id"])["status"] == "serving"


def test_recall_start_done(page: Any, desk: Any, open_counter: Any) -> None:
    ticket = desk.issue()
    open_counter(desk)
    page.click("#btn-next")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    page.click("#btn-recall")
    expect(page.locator("#current .badge.svc")).to_have_text("Đã gọi lại 1 lần")
    expect(page.locator("#banner-text")).to_have_text(f"Đã gọi lại số {ticket['number']}.")
    page.click("#btn-start")
    expect(page.locator("#current-status")).to_have_text("Đang phục vụ")
    expect(page.locator("#current-clock")).to_contain_text("Đang phục vụ 0:0")
    expect(page.locator("#btn-start")).to_be_disabled()
    expect(page.locator("#btn-recall")).to_be_disabled()
    page.click("#btn-done")
    expect(page.locator("#current-empty")).to_have_text("Chưa gọi số nào")
    expect(page.locator("#today-served")).to_have_text("1")
    expect(page.locator("#today-mean")).to_contain_text("phút")
    assert desk.ticket(ticket["id"])["status"] == "done"


def test_no_show(page: Any, desk: Any, open_counter: Any) -> None:
    ticket = desk.issue()
    open_counter(desk)
    page.keyboard.press("n")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    page.keyboard.press("v")
    expect(page.locator("#current-empty")).to_be_visible()
    expect(page.locator("#banner-text")).to_have_text(f"Đã đánh dấu vắng mặt số {ticket['number']}.")
    assert desk.ticket(ticket["id"])["status"] == "no_show"


def test_transfer_to_another_service(page: Any, desk: Any, open_counter: Any) -> None:
    ticket = desk.issue()
    open_counter(desk)
    page.click("#btn-next")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    page.click("#btn-transfer")
    dialog = page.locator("#transfer-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#transfer-title")).to_have_text(f"Chuyển số {ticket['number']} sang dịch vụ")
    expect(dialog.locator(f"[data-service='{desk.service}']")).to_have_count(0)  # not to its own service
    dialog.locator("[data-service='CT']").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#current-empty")).to_be_visible()
    expect(page.locator("#banner-text")).to_have_text(f"Đã chuyển số {ticket['number']} sang Chứng thực.")
    public = desk.ticket(ticket["id"])
    assert public["status"] == "transferred"
    assert public["transferred_to"]["service"] == "CT"


def test_pause_and_resume(page: Any, desk: Any, open_counter: Any) -> None:
    open_counter(desk)
    page.click("#btn-pause")
    expect(page.locator("#status")).to_have_text("Tạm dừng")
    expect(page.locator("#pause-label")).to_have_text("Tiếp tục")
    expect(page.locator("#btn-next")).to_be_disabled()
    expect(page.locator("#banner-text")).to_have_text("Quầy đã tạm dừng.")
    page.click("#banner-close")
    expect(page.locator("#banner-text")).to_contain_text("Quầy đang tạm dừng")
    assert desk.api("GET", f"/counters/{desk.counter_id}").json()["status"] == "paused"
    page.keyboard.press("p")
    expect(page.locator("#status")).to_have_text("Đang mở")
    expect(page.locator("#pause-label")).to_have_text("Tạm dừng")
    expect(page.locator("#btn-next")).to_be_enabled()


def test_nobody_waiting_is_a_message_not_an_error(page: Any, desk: Any, open_counter: Any) -> None:
    open_counter(desk)
    expect(page.locator("#waiting-list")).to_contain_text("Không có công dân đang chờ.")
    page.click("#btn-next")
    expect(page.locator("#banner")).to_have_class("banner info")
    expect(page.locator("#banner-text")).to_have_text("Không có công dân đang chờ.")


def test_english_switch_changes_labels_and_is_remembered(page: Any, desk: Any, open_counter: Any) -> None:
    desk.issue(priority="elderly")
    open_counter(desk)
    expect(page.locator("#btn-next .label")).to_have_text("Gọi số tiếp theo")
    page.click("#lang")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#btn-next .label")).to_have_text("Call next")
    expect(page.locator("#btn-no-show .label")).to_have_text("No-show")
    expect(page.locator("#status")).to_have_text("Open")
    expect(page.locator("#lang")).to_have_text("Tiếng Việt")
    expect(page.locator("#waiting-list .badge.prio")).to_have_text("Priority – Elderly (60+)")
    page.click("#btn-next")
    expect(page.locator("#current-service")).to_have_text(f"Test procedure {desk.letter}")
    expect(page.locator("#current-status")).to_have_text("Called")
    expect(page.locator("#current .badge.prio")).to_have_text("Priority – Elderly (60+)")
    expect(page.locator("#banner-text")).to_have_text(f"Called {desk.letter}001.")
    page.reload()
    expect(page.locator("#btn-done .label")).to_have_text("Done")
    assert page.evaluate("localStorage.getItem('motcua.lang')") == "en"


def test_error_from_the_api_is_shown_readably(page: Any, desk: Any, server: Any) -> None:
    other_counter = "2"
    page.goto(f"{server.base_url}/console/counter#counter={other_counter}&token={desk.token}&staff=NV01")
    error = page.locator("#signin-error")
    expect(error).to_have_text("Mã truy cập này thuộc quầy khác.")
    expect(page.locator("#console")).to_be_hidden()
    page.click("#lang")
    page.click("#signin-submit")
    expect(error).to_have_text("This token belongs to another counter.")
    # A wrong token is a 401: readable too, and the form asks for it again.
    page.fill("#f-counter", desk.counter_id)
    page.fill("#f-token", "mc_wrong")
    page.click("#signin-submit")
    expect(error).to_have_text("The token is invalid or revoked.")
    expect(page.locator("#f-token")).to_have_value("")


def test_action_refused_by_the_server_shows_its_message(page: Any, desk: Any, open_counter: Any) -> None:
    ticket = desk.issue()
    desk.issue()
    open_counter(desk)
    page.click("#btn-next")
    expect(page.locator("#current-number")).to_have_text(ticket["number"])
    # The button is disabled while the ticket is only called; force the click to get the server's 409.
    page.evaluate("() => { const b = document.getElementById('btn-next'); b.disabled = false; b.click(); }")
    banner = page.locator("#banner")
    expect(banner).to_have_class("banner error")
    expect(page.locator("#banner-text")).to_have_text(
        f"Vé {ticket['number']} đang được gọi: hãy bắt đầu phục vụ, gọi lại hoặc đánh dấu vắng mặt."
    )
    expect(page.locator("#current-number")).to_have_text(ticket["number"])  # still usable
    expect(page.locator("#btn-next")).to_be_disabled()


def test_sign_out_closes_the_counter(page: Any, desk: Any, open_counter: Any) -> None:
    open_counter(desk)
    page.click("#signout")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#banner-text")).to_have_text("Đã đăng xuất, quầy đã đóng.")
    expect(page.locator("#f-counter")).to_have_value(desk.counter_id)
    assert desk.api("GET", f"/counters/{desk.counter_id}").json()["status"] == "closed"
