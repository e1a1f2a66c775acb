"""The clerk's desk and the department page, driven in Chromium against the real server and a TCP printer.

A kiosk-prepared dossier and a walk-in's (CCCD QR typed by a keyboard-wedge scanner) are taken in on
/console/counter: a missing paper blocks Receive and prints the supplement list, an uploaded page image
shows its thumbnail, Receive prints the receipt and appointment slip on the counter's network printer
(a listener on 127.0.0.1, decoded back to an image); the department marks the result ready; the clerk hands
it back. Screenshots and the slip go to docs/console/.
"""

from __future__ import annotations

import json
import sqlite3
import string
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from chromium_browser import settle
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import expect
from printer_sink import PrinterSink, qr_payloads, raster_image
from site_process import create_token

from .conftest import FREE_LETTERS, Desk, ServerProcess

DOCS = Path(__file__).resolve().parents[3] / "docs" / "console"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PROCEDURE = "HT-KS-01"  # Đăng ký khai sinh: TOKHAI, CHUNGSINH, CCCD required; on the spot
CCCD_QR = "001089012345||Nguyễn Văn An|15081989|Nam|Số 12, phường Suối Hoa, TP Bắc Ninh, Bắc Ninh|20042021"
KIOSK_DATA = {
    "child_full_name": "Trần Thị Bình",
    "child_date_of_birth": "15/11/2026",
    "child_sex": "nu",
    "child_place_of_birth": "Bệnh viện Đa khoa tỉnh Bắc Ninh",
    "child_ethnicity": "Kinh",
    "child_nationality": "Việt Nam",
    "declarant_full_name": "Trần Văn Cường",
    "declarant_id_number": "027089001234",
    "declarant_address": "Số 5, phường Đại Phúc, TP Bắc Ninh",
    "declarant_relationship": "cha",
    "phone": "0912345678",
}


@pytest.fixture(scope="module")
def printer() -> Iterator[PrinterSink]:
    sink = PrinterSink()
    yield sink
    sink.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, printer: PrinterSink) -> Iterator[ServerProcess]:
    """The console's server, every test counter (T + a free letter) printing on the loopback printer."""
    printers = {f"T{letter}": printer.address for letter in FREE_LETTERS}
    printers["DOWN"] = "127.0.0.1:1"  # nothing listens there: the printer is off
    data_dir = tmp_path_factory.mktemp("desk-site")
    srv = ServerProcess(data_dir, env={"MOTCUA_COUNTER_PRINTERS": json.dumps(printers)}).start()
    try:
        yield srv
    finally:
        srv.stop()


def page_image(path: Path, title: str) -> Path:
    """A photographed-looking page with Vietnamese text (the paper the citizen hands over)."""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    big, body = ImageFont.truetype(FONT, 56), ImageFont.truetype(FONT, 34)
    draw.text((120, 140), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=body, fill="black")
    draw.text((120, 260), title, font=big, fill="black")
    for i, line in enumerate(["Họ và tên: Trần Thị Bình", "Ngày sinh: 15/11/2026", "Nơi sinh: Bắc Ninh"]):
        draw.text((120, 420 + i * 70), line, font=body, fill="black")
    image.save(path)
    return path


def submit_kiosk_dossier(desk: Desk, ticket_id: str) -> dict[str, Any]:
    r = httpx.post(
        f"{desk.server.base_url}/api/v1/dossiers",
        json={"procedure_code": PROCEDURE, "ticket_id": ticket_id, "data": KIOSK_DATA},
        headers={**ServerProcess.auth(desk.server.kiosk_token), "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def call_next(page: Any) -> None:
    page.click("#btn-next")
    expect(page.locator("#dossier")).to_be_visible()


def test_kiosk_dossier_is_taken_in_checked_digitised_received_and_its_slip_printed(
    page: Any, desk: Desk, printer: PrinterSink, open_counter: Any, tmp_path: Path
) -> None:
    ticket = desk.issue()
    submit_kiosk_dossier(desk, ticket["id"])
    open_counter(desk)
    jobs = len(printer.jobs)
    call_next(page)

    # The dossier the citizen prepared, every field editable, the catalogue's checklist.
    expect(page.locator("#d-procedure")).to_have_text("Đăng ký khai sinh")
    expect(page.locator("#dossier .pill")).to_have_text("Đã chuẩn bị")
    expect(page.locator("#df-child_full_name")).to_have_value("Trần Thị Bình")
    expect(page.locator("#df-child_sex")).to_have_value("nu")
    expect(page.locator("#df-declarant_id_number")).to_have_value("027089001234")
    expect(page.locator("#d-checklist li")).to_have_count(5)
    expect(page.locator("#d-checklist li[data-kind=CHUNGSINH] .badge").first).to_have_text("Bản chính")

    # The clerk corrects a field: saved on the server.
    page.fill("#df-child_place_of_birth", "Bệnh viện Sản Nhi Bắc Ninh")
    page.press("#df-child_place_of_birth", "Tab")
    expect(page.locator("#df-child_place_of_birth")).to_have_value("Bệnh viện Sản Nhi Bắc Ninh")

    # Papers missing: Receive is disabled, the supplement list is printed instead.
    receive = page.locator("#d-receive")
    expect(receive).to_be_disabled()
    expect(page.locator("#d-missing")).to_contain_text("Tờ khai đăng ký khai sinh")
    page.click("#d-supplement")
    expect(page.locator("#d-flash")).to_have_text("Đã in phiếu hướng dẫn bổ sung.")
    supplement = printer.wait_job(jobs)
    raster_image(supplement).save(DOCS / "supplement-slip-printed.png")

    # Upload of a page image: digitised, ticked, its thumbnail shown.
    with page.expect_file_chooser() as chooser:
        page.click("#d-checklist li[data-kind=TOKHAI] [data-attach]")
    chooser.value.set_files(str(page_image(tmp_path / "tokhai.png", "TỜ KHAI ĐĂNG KÝ KHAI SINH")))
    thumb = page.locator("#d-checklist li[data-kind=TOKHAI] img.thumb")
    expect(thumb).to_have_count(1, timeout=60000)
    page.wait_for_function(
        "() => { const i = document.querySelector('li[data-kind=TOKHAI] img.thumb');"
        " return i && i.complete && i.naturalWidth > 50; }"
    )
    expect(page.locator("#dk-TOKHAI")).to_be_checked()
    expect(receive).to_be_disabled()

    # The other required papers are ticked by hand (shown / original on paper).
    page.check("#dk-CHUNGSINH")
    expect(page.locator("#dk-CHUNGSINH")).to_be_checked()
    page.check("#dk-CCCD")
    expect(page.locator("#d-missing")).to_have_text("Đủ giấy tờ bắt buộc.")
    expect(receive).to_be_enabled()
    if page.locator("#banner").is_visible():
        page.click("#banner-close")
    settle(page)
    page.screenshot(path=str(DOCS / "counter-dossier-vi.png"), full_page=True)

    # Receive: the dossier code, the appointment date, the slip on the counter's printer.
    receive.click()
    expect(page.locator("#d-code")).to_contain_text("Mã hồ sơ")
    expect(page.locator("#d-flash")).to_contain_text("Đã in giấy tiếp nhận và hẹn trả kết quả.")
    code = page.locator("#d-code").inner_text().split()[-1]
    slip = printer.wait_job(jobs + 1)
    assert slip.startswith(b"\x10\x04\x04\x1b@") and b"\x1dV" in slip  # paper status query, init … cut
    assert code.encode() + b"\n" in slip  # the code is ASCII: printer text
    (qr,) = qr_payloads(slip)
    assert qr == f"{desk.server.base_url}/d/{code}"
    image = raster_image(slip)
    assert image.width == 576 and image.height > 400
    image.save(DOCS / "receipt-slip-printed-raster.png")
    dossier_id = page.evaluate("DeskPanel.state.dossier.id")
    preview = desk.api("GET", f"/dossiers/{dossier_id}/slip-preview.png?counter={desk.counter_id}")
    assert preview.status_code == 200
    (DOCS / "receipt-slip.png").write_bytes(preview.content)
    settle(page)
    page.screenshot(path=str(DOCS / "counter-received-vi.png"), full_page=True)

    # The browser-printed fallback builds the same slip.
    page.evaluate("window.__noBrowserPrint = true")
    page.click("#d-print-browser")
    expect(page.locator("#print-area .slip")).to_contain_text("GIẤY TIẾP NHẬN HỒ SƠ")
    expect(page.locator("#print-area .slip")).to_contain_text(code)
    expect(page.locator("#print-area .slip img.qr")).to_be_visible()
    page.locator("#print-area .slip").screenshot(path=str(DOCS / "receipt-slip-browser.png"))


def test_walk_in_cccd_scan_prefills_the_form_of_the_procedure_the_clerk_picks(
    page: Any, desk: Desk, open_counter: Any
) -> None:
    ticket = desk.issue()
    open_counter(desk)
    call_next(page)
    expect(page.locator("#d-none")).to_contain_text("chưa chuẩn bị hồ sơ")
    # A keyboard-wedge scanner types the QR then Enter, no field focused: its "V" of "Văn" and its spaces
    # are not the counter's shortcuts (no-show, next).
    page.locator("#current").click()
    page.keyboard.type(CCCD_QR, delay=2)
    page.keyboard.press("Enter")
    expect(page.locator("#d-flash")).to_have_text("Đã điền thông tin từ CCCD.")
    expect(page.locator("#current-status")).to_have_text("Đang gọi")
    assert desk.ticket(ticket["id"])["status"] == "called"
    page.fill("#d-search", "khai sinh")
    page.click(f"#d-hits [data-code='{PROCEDURE}']")
    expect(page.locator("#dossier .pill")).to_have_text("Đang lập")
    expect(page.locator("#df-declarant_full_name")).to_have_value("Nguyễn Văn An")
    expect(page.locator("#df-declarant_id_number")).to_have_value("001089012345")
    expect(page.locator("#df-declarant_address")).to_have_value("Số 12, phường Suối Hoa, TP Bắc Ninh, Bắc Ninh")
    # A second card scanned straight into a form field also fills the form (and is not kept in the field).
    page.click("#df-phone")
    page.keyboard.type(CCCD_QR.replace("001089012345", "001089054321"), delay=1)
    page.keyboard.press("Enter")
    expect(page.locator("#df-declarant_id_number")).to_have_value("001089054321")
    expect(page.locator("#df-phone")).to_have_value("")
    expect(page.locator("#d-receive")).to_be_disabled()
    settle(page)
    page.screenshot(path=str(DOCS / "counter-walk-in-vi.png"), full_page=True)


def _received_dossier(desk: Desk) -> dict[str, Any]:
    """A kiosk dossier taken in through the API as the counter page does it, then sent to the department."""
    desk.sign_in("NV01")
    ticket = desk.issue()
    submitted = submit_kiosk_dossier(desk, ticket["id"])
    assert desk.act("next", desk.token).status_code == 200
    ticks = {kind: {"received": True, "count": 1} for kind in ("TOKHAI", "CHUNGSINH", "CCCD")}
    r = desk.api("PUT", f"/dossiers/{submitted['id']}/checklist", desk.token, json={"items": ticks})
    assert r.status_code == 200, r.text
    r = httpx.post(
        f"{desk.server.base_url}/api/v1/dossiers/{submitted['id']}/receive",
        headers={**ServerProcess.auth(desk.token), "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    r = desk.api("POST", f"/dossiers/{submitted['id']}/forward", desk.token, json={})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_department_marks_the_result_ready_and_the_desk_hands_it_back(
    page: Any, desk: Desk, server: ServerProcess, open_counter: Any, tmp_path: Path
) -> None:
    dossier = _received_dossier(desk)
    code = dossier["code"]
    assert desk.act("done", desk.token).status_code == 200
    # Its appointment passed yesterday: late (the server reads due_at from the database on each request).
    with sqlite3.connect(server.data_dir / "queue.db", timeout=10) as db:
        yesterday = datetime.now(UTC) - timedelta(days=1)
        db.execute(
            "UPDATE dossiers SET due_at = ?, due_date = ? WHERE id = ?",
            (yesterday.isoformat(), yesterday.date().isoformat(), dossier["id"]),
        )

    # Flagged on the admin page and on the counter page.
    admin = page.context.new_page()
    admin.goto(f"{server.base_url}/console/admin#token={server.admin_token}")
    late_row = admin.locator(f"#late-table tr.late[data-code='{code}']")
    expect(late_row).to_be_visible()
    expect(late_row.locator("td").nth(2)).to_have_text("Đã chuyển xử lý")
    settle(admin)
    admin.locator("#late-dossiers").screenshot(path=str(DOCS / "admin-late-vi.png"))
    admin.close()
    open_counter(desk)
    expect(page.locator(f"#late-list li[data-code='{code}']")).to_be_visible()

    # The department's queue: the late dossier flagged; the result attached, then marked ready.
    token = create_token(server.data_dir, "department", label="PTP01")  # the CLI: the admin API makes no such token
    page.goto(f"{server.base_url}/console/department#token={token}")
    row = page.locator(f"#queue-table tr[data-code='{code}']")
    expect(row).to_have_class("late")
    expect(row.locator(".badge.late")).to_have_text("Quá hạn")
    row.click()
    expect(page.locator("#d-code")).to_have_text(f"Mã hồ sơ {code}")
    expect(page.locator("#d-papers li[data-kind=TOKHAI]")).to_be_visible()
    expect(page.locator("#d-result-ready")).to_be_disabled()
    with page.expect_file_chooser() as chooser:
        page.click("#d-attach-result")
    chooser.value.set_files(str(page_image(tmp_path / "ketqua.png", "GIẤY KHAI SINH (BẢN CHÍNH)")))
    expect(page.locator("#d-result img.thumb")).to_have_count(1, timeout=60000)
    expect(page.locator("#d-result-ready")).to_be_enabled()
    settle(page)
    page.screenshot(path=str(DOCS / "department-vi.png"), full_page=True)
    page.click("#d-result-ready")
    expect(page.locator("#detail .pill")).to_have_text("Có kết quả")
    page.click("#lang")
    expect(page.locator("#detail .pill")).to_have_text("Result ready")
    settle(page)
    page.screenshot(path=str(DOCS / "department-en.png"), full_page=True)
    page.click("#lang")
    assert desk.api("GET", f"/dossiers/{dossier['id']}").json()["status"] == "result_ready"

    # The citizen comes back with the slip: the clerk looks the code up and hands the result over.
    desk.issue()
    open_counter(desk)
    call_next(page)
    page.fill("#d-lookup", code)
    page.press("#d-lookup", "Enter")
    expect(page.locator("#d-code")).to_have_text(f"Mã hồ sơ {code}")
    expect(page.locator("#dossier .pill")).to_have_text("Có kết quả")
    expect(page.locator("#d-checklist li[data-kind=TOKHAI]")).to_be_visible()
    page.click("#d-return")
    expect(page.locator("#dossier .pill")).to_have_text("Đã trả kết quả")
    expect(page.locator("#d-flash")).to_have_text(f"Đã trả kết quả hồ sơ {code}.")
    assert desk.api("GET", f"/dossiers/{dossier['id']}").json()["status"] == "returned"


def test_print_errors_are_clear_and_the_scanner_attaches_a_paper(desk: Desk, printer: PrinterSink) -> None:
    desk.sign_in("NV01")
    desk.issue()
    assert desk.act("next", desk.token).status_code == 200
    r = httpx.post(
        f"{desk.server.base_url}/api/v1/dossiers/draft",
        json={"procedure_code": PROCEDURE},
        headers={**ServerProcess.auth(desk.token), "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    )
    assert r.status_code == 201, r.text
    dossier_id = r.json()["id"]
    jobs = len(printer.jobs)

    not_yet = desk.api("POST", f"/dossiers/{dossier_id}/receipt/print", desk.token)
    assert (not_yet.status_code, not_yet.json()["code"]) == (409, "not_received")
    assert "chưa được tiếp nhận" in not_yet.json()["message_vi"] and "not been received" in not_yet.json()["message_en"]
    nowhere = desk.api("POST", f"/dossiers/{dossier_id}/missing/print?counter=NOPRINTER")
    assert (nowhere.status_code, nowhere.json()["code"]) == (409, "no_printer")
    off = desk.api("POST", f"/dossiers/{dossier_id}/missing/print?counter=DOWN")
    assert (off.status_code, off.json()["code"]) == (503, "printer_not_found")
    assert off.json()["message_vi"] == "Không kết nối được máy in."
    slip = desk.api("GET", f"/dossiers/{dossier_id}/missing/slip", desk.token).json()
    texts = [line["text"] for line in slip["lines"]]
    assert "PHIẾU HƯỚNG DẪN" in texts and any("Tờ khai đăng ký khai sinh" in t for t in texts)
    assert len(printer.jobs) == jobs  # nothing reached the working printer

    # The server's flatbed scanner (SANE's test backend): scanned, OCR'd, attached and ticked.
    scanned = desk.api("POST", f"/dossiers/{dossier_id}/scan", desk.token, json={"kind": "CHUNGSINH", "device": "test"})
    assert scanned.status_code == 201, scanned.text
    assert scanned.json()["pages"] == 1 and scanned.json()["kind"] == "CHUNGSINH"
    view = desk.api("GET", f"/dossiers/{dossier_id}", desk.token).json()
    assert next(i for i in view["checklist"] if i["kind"] == "CHUNGSINH")["received"]
    bad = desk.api("POST", f"/dossiers/{dossier_id}/scan", desk.token, json={"kind": "NOSUCH", "device": "test"})
    assert (bad.status_code, bad.json()["code"]) == (422, "unknown_kind")


def test_printer_address_and_follow_url_rules() -> None:
    from queue_server.printing import follow_url, printer_url

    assert printer_url({"1": "10.0.0.5"}, "1") == "tcp://10.0.0.5:9100"
    assert printer_url({"1": "printer-1.local:9101"}, "1") == "tcp://printer-1.local:9101"
    assert printer_url({"1": "10.0.0.5"}, "2") is None
    with pytest.raises(ValueError, match="bad printer port"):
        printer_url({"1": "10.0.0.5:99999"}, "1")
    assert (
        follow_url("https://motcua.bacninh.gov.vn/", "BN-261203-0001")
        == "https://motcua.bacninh.gov.vn/d/BN-261203-0001"
    )
    assert follow_url("http://x", "A-1", "t k") == "http://x/d/A-1?t=t%20k"
    assert set(string.ascii_uppercase[7:]) == set(FREE_LETTERS)
