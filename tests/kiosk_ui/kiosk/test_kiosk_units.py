"""Kiosk unit tier, no window: messages, the flow state machine, the form and catalogue view-models, settings."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kiosk_ui.core.cccd import parse_cccd_qr
from kiosk_ui.core.kiosk_catalogue import Catalogue, fold
from kiosk_ui.core.kiosk_flow import KioskFlow, Prefs, Screen, SubmitRequest, TicketRequest, TicketView
from kiosk_ui.core.kiosk_form import FormModel
from kiosk_ui.core.kiosk_text import MESSAGES, missing_placeholders, reading_seconds, t
from kiosk_ui.kiosk.backend import PrinterStatusFile, slip_for
from kiosk_ui.kiosk.screens.procedure.model import page as procedure_page
from kiosk_ui.kiosk.screens.services.model import badge, tiles
from kiosk_ui.kiosk.screens.ticket.model import page as ticket_page
from kiosk_ui.kiosk_settings import KioskSettings
from motcua.contract.tickets import TicketPublic

from .conftest import CCCD_ID, CCCD_NAME, CCCD_PAYLOAD

ROOT = Path(__file__).resolve().parents[3]
FORM = [
    {"name": "full_name", "label_vi": "Họ và tên", "label_en": "Full name", "type": "text", "required": True,
     "prefill": "full_name", "max_length": 100, "help_vi": None, "help_en": None, "choices": []},
    {"name": "id_number", "label_vi": "Số định danh", "label_en": "ID number", "type": "id_number", "required": True,
     "prefill": "id_number", "help_vi": None},
    {"name": "sex", "label_vi": "Giới tính", "label_en": "Sex", "type": "choice", "required": True,
     "choices": [{"value": "nam", "label_vi": "Nam", "label_en": "Male"}, {"value": "nu", "label_vi": "Nữ", "label_en": "Female"}]},
    {"name": "phone", "label_vi": "Số điện thoại", "label_en": "Phone", "type": "phone", "required": False},
]  # fmt: skip
PROC = {
    "code": "HT-KS-01", "name_vi": "Đăng ký khai sinh", "name_en": "Birth registration", "field": "HOTICH",
    "service": "HT", "on_the_spot": True, "processing_time_vi": "Trong ngày", "processing_time_en": "Same day",
    "fee_vi": "Miễn phí", "fee_en": "Free", "keywords": ["giấy khai sinh"], "has_form": True,
    "documents": [{"vi": "Giấy chứng sinh", "en": "Birth certificate"}], "form": FORM,
}  # fmt: skip


def catalogue() -> Catalogue:
    return Catalogue.from_parts(
        fields=[{"code": "HOTICH", "name_vi": "Hộ tịch", "name_en": "Civil status", "procedures": 1}],
        procedures=[{k: v for k, v in PROC.items() if k not in ("documents", "form")}],
        details=[PROC],
        services=[{"code": "HT", "letter": "A", "name_vi": "Hộ tịch – Tư pháp", "name_en": "Civil status"}],
        priorities=[{"code": "elderly", "name_vi": "Người cao tuổi", "name_en": "Elderly"},
                    {"code": "meritorious", "name_vi": "Người có công", "name_en": "Meritorious"}],
        counters=[{"id": "1", "area_vi": "Quầy 1 – Tầng 1", "area_en": "Counter 1 – Floor 1", "services": ["HT"]}],
    )  # fmt: skip


def make_flow() -> KioskFlow:
    keys = (f"key-{i}" for i in itertools.count())
    return KioskFlow(
        catalogue(), defaults=Prefs(), new_key=lambda: next(keys), today=lambda: date(2026, 1, 5),
        track_base="http://server", idle_timeout=90, idle_warning=20, done_seconds=20,
    )  # fmt: skip


TICKET_BODY = {
    "id": "abc", "number": "A007", "service": "HT", "service_name_vi": "Hộ tịch – Tư pháp",
    "service_name_en": "Civil status", "priority": "elderly", "issued_at": "2026-01-05T02:00:00Z",
    "status": "waiting", "day": "2026-01-05",
    "position": 3, "people_ahead": 2, "estimated_wait_min": 12.4, "counters_vi": ["Quầy 1 – Tầng 1"],
    "counters_en": ["Counter 1 – Floor 1"],
}  # fmt: skip


def ticket_view() -> TicketView:
    """The server's answer decoded as the kiosk client does, with the kiosk's phone link."""
    return TicketView.of(TicketPublic.model_validate(TICKET_BODY), "http://server")


# messages
def test_every_message_has_vietnamese_and_english_nfc_with_matching_placeholders() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == {"vi", "en"}, key
        for text in entry.values():
            assert text == unicodedata.normalize("NFC", text) and text.strip(), key
        assert not missing_placeholders(key), key
    assert t("priority_badge", "vi", name="Người cao tuổi") == "Ưu tiên: Người cao tuổi"
    assert t("ticket_ahead", "en", n=3) == "People ahead of you: 3"


def test_every_screen_has_a_spoken_instruction_in_both_languages() -> None:
    from kiosk_ui.kiosk.registry import SCREENS

    assert {spec.screen for spec in SCREENS} == set(Screen)
    for screen in Screen:
        key = "failed_say" if screen is Screen.TICKET else f"{screen.value}_say"
        assert MESSAGES[key]["vi"] and MESSAGES[key]["en"]
        assert "{" not in MESSAGES[key]["vi"]  # no citizen data is ever read aloud


def test_reading_time_grows_with_the_text_and_has_a_floor() -> None:
    assert reading_seconds("Xin chào") == 10
    assert reading_seconds(" ".join(["chữ"] * 80)) == 60


# flow
def test_priority_visit_reaches_a_ticket_request_in_three_steps() -> None:
    flow = make_flow()
    flow.open_priority()
    flow.choose_priority("elderly")
    request = flow.begin_ticket("HT")
    assert flow.screen is Screen.SERVICES
    assert request == TicketRequest(0, "HT", "elderly", "vi", "key-0")


def test_double_tap_and_late_tap_never_ask_for_a_second_ticket() -> None:
    flow = make_flow()
    flow.open_services()
    first = flow.begin_ticket("HT")
    assert first is not None and flow.begin_ticket("HT") is None  # second tap while busy
    assert flow.ticket_issued(0, ticket_view())
    assert flow.screen is Screen.TICKET and flow.begin_ticket("HT") is None  # a late tap


def test_a_failed_ticket_is_retried_with_the_same_key() -> None:
    flow = make_flow()
    flow.open_services()
    first = flow.begin_ticket("HT")
    assert first is not None
    flow.request_failed(0, "Không kết nối được máy chủ", "Server unreachable")
    assert flow.screen is Screen.TICKET and flow.visit.ticket is None and not flow.visit.busy
    again = flow.retry()
    assert isinstance(again, TicketRequest) and again.key == first.key


def test_home_wipes_the_visit_and_resets_preferences() -> None:
    flow = make_flow()
    flow.toggle_lang()
    flow.toggle_large_text()
    flow.open_fields()
    flow.choose_procedure("HT-KS-01")
    flow.prepare_dossier()
    form = flow.visit.form
    assert form is not None
    form.press("a")
    flow.home()
    assert flow.screen is Screen.WELCOME and flow.visit.form is None and form.values == {}
    assert flow.prefs == Prefs() and flow.history == []


def test_idle_warning_then_wipe_and_never_shorter_than_reading_time() -> None:
    flow = make_flow()
    flow.open_fields()
    flow.touch(100.0)
    assert flow.idle(100.0) == flow.idle(100.0) and not flow.idle(150.0).warning  # type: ignore[union-attr]
    assert flow.idle(175.0).warning  # type: ignore[union-attr]
    flow.reading_floor = 120.0
    assert flow.timeout() == 140.0
    assert flow.tick(235.0) is not None and flow.screen is Screen.FIELDS
    assert flow.tick(241.0) is None and flow.screen is Screen.WELCOME and flow.wipes == 1
    assert flow.idle(1e9) is None  # nothing to wipe on the welcome screen


def test_dossier_submission_carries_form_data_and_the_issued_ticket_on_retry() -> None:
    flow = make_flow()
    flow.choose_procedure("HT-KS-01")
    flow.prepare_dossier()
    form = flow.visit.form
    assert form is not None
    assert flow.begin_submit() is None  # the form is not valid yet
    form.apply_identity(parse_cccd_qr(CCCD_PAYLOAD, today=date(2026, 1, 5)))
    form.go_to(2)
    form.choose("nu")
    flow.review()
    request = flow.begin_submit()
    assert isinstance(request, SubmitRequest) and request.ticket_id is None
    assert request.data == {"full_name": CCCD_NAME, "id_number": CCCD_ID, "sex": "nu"}
    ticket = ticket_view()
    flow.ticket_issued(0, ticket)  # the ticket came, the dossier failed
    flow.request_failed(0, "Lỗi", "Error")
    assert flow.screen is Screen.REVIEW
    again = flow.retry()
    assert isinstance(again, SubmitRequest) and again.ticket_id == "abc" and again.key == request.key
    assert flow.dossier_submitted(0, "HS-1") and flow.screen is Screen.TICKET


# form
def test_form_types_telex_and_says_how_to_fix_an_id_number() -> None:
    form = FormModel(catalogue().details["HT-KS-01"].form_fields(), today=date(2026, 1, 5))
    for key in "Nguyeenx":
        form.press(key)
    assert form.text == "Nguyễn" and form.message("vi") == ""
    assert form.next() and form.kind == "numeric"
    for key in "0010890123456":
        form.press(key)
    assert "12 chữ số" in form.message("vi") and "12 digits" in form.message("en")
    assert not form.next() and form.index == 1
    form.backspace()
    assert form.next() and form.kind == "choice"


def test_prefill_fills_mapped_fields_and_wipe_forgets_everything() -> None:
    form = FormModel(catalogue().details["HT-KS-01"].form_fields(), today=date(2026, 1, 5))
    assert form.apply_identity(parse_cccd_qr(CCCD_PAYLOAD, today=date(2026, 1, 5))) == 2
    assert form.text == CCCD_NAME and form.prefilled == {"full_name", "id_number"}
    form.wipe()
    assert form.values == {} and form.text == "" and form.prefilled == set()


# catalogue
def test_catalogue_survives_the_cache_and_searches_without_diacritics() -> None:
    again = Catalogue.from_json_text(catalogue().to_json_text())
    assert again.from_cache and again.details["HT-KS-01"].form_fields()[0].name == "full_name"
    assert [p.code for p in again.search("GIAY KHAI SINH")] == ["HT-KS-01"]
    assert [p.code for p in again.search("khai sinh")] == ["HT-KS-01"]
    assert again.search("hôn nhân") == []
    assert fold("Đăng ký Kết hôn") == "dang ky ket hon"
    assert again.where_to_go("HT", "en") == "Counter 1 – Floor 1"
    assert [p.code for p in again.kiosk_priorities()] == ["elderly", "meritorious"]  # what the server serves
    assert [p.code for p in Catalogue().kiosk_priorities()][:2] == ["elderly", "disability"]  # the contract's


# view-models
def test_view_models_show_where_to_go_priority_and_printer_faults() -> None:
    flow = make_flow()
    assert tiles(flow.catalogue, "vi")[0].where == "Đến: Quầy 1 – Tầng 1"
    assert badge(flow.catalogue, "elderly", "en") == "Priority: Elderly"
    flow.choose_procedure("HT-KS-01")
    info = procedure_page(flow)
    assert info is not None and info.on_the_spot and "4 tại chỗ" in info.spot_text and info.can_prepare
    assert info.where == "Hộ tịch – Tư pháp: Quầy 1 – Tầng 1"
    flow.visit.ticket = ticket_view()
    flow.visit.printer, flow.visit.printer_reason = "fault", "out_of_paper"
    shown = ticket_page(flow)
    assert shown.number == "A007" and shown.qr == "http://server/t/abc" and "hết giấy" in shown.printer
    assert shown.wait == "Thời gian chờ dự kiến: khoảng 12 phút" and shown.ahead == "Số người chờ trước: 2"


def test_slip_and_printer_status_hold_no_personal_data(tmp_path: Path) -> None:
    ticket = ticket_view()
    slip = slip_for(ticket, centre_name="TTHCC", lang="vi", catalogue=catalogue(), receipt_code="HS-1")
    assert slip.priority_label_vi == "Ưu tiên: Người cao tuổi" and slip.counter_area_vi == "Quầy 1 – Tầng 1"
    assert slip.issued_at == datetime(2026, 1, 5, 2, tzinfo=UTC)
    status = PrinterStatusFile(tmp_path / "printer_state.json", "tcp://10.0.0.5:9100")
    status.record(ok=False, reason="out_of_paper")
    status.record(ok=True)
    body = json.loads((tmp_path / "printer_state.json").read_text())
    assert body["state"] == "ok" and body["failures"] == 1 and body["printer"] == "tcp"
    assert set(body) == {"state", "reason", "printer", "printed", "failures", "consecutive_failures",
                         "last_ok_at", "last_fault_at", "updated_at"}  # fmt: skip


# settings
def test_settings_refuse_no_token_in_production_and_short_timeouts() -> None:
    with pytest.raises(ValueError, match="token"):
        KioskSettings(environment="production", token="")
    with pytest.raises(ValueError, match="greater than or equal to 30"):
        KioskSettings(environment="development", idle_timeout_s=5)
    settings = KioskSettings(environment="development", camera="2")
    assert settings.min_target_px == 61 and settings.camera_source() == 2


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "kiosk.md").read_text()
    for name in KioskSettings.model_fields:
        assert f"MOTCUA_KIOSK_{name.upper()}" in doc, name


@pytest.mark.parametrize(
    "module",
    ["kiosk_ui.core.kiosk_text", "kiosk_ui.core.kiosk_flow", "kiosk_ui.core.kiosk_form", "kiosk_ui.core.kiosk_catalogue",
     "kiosk_ui.kiosk.screens.form.model", "kiosk_ui.kiosk.screens.ticket.model", "kiosk_ui.kiosk.screens.review.model"],
)  # fmt: skip
def test_view_models_import_no_ui_or_io_library(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'kivy', 'cv2', 'escpos', 'httpx', 'sqlite3', 'paho', 'PIL', 'qrcode'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def test_cli_help_lists_the_kiosk_flags() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "motcua.cli", "kiosk", "--help"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    for flag in ("--windowed", "--server", "--token", "--printer", "--lang"):
        assert flag in out.stdout


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_kiosk_slip_renders_to_png_with_priority_and_receipt(lang: str, shots: Path) -> None:
    from PIL import Image

    from kiosk_ui.printing import render_slip_png

    ticket = ticket_view()
    slip = slip_for(ticket, centre_name="Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh", lang=lang,
                    catalogue=catalogue(), receipt_code="HS-20260105-0001")  # fmt: skip
    path = render_slip_png(slip, shots / f"slip-kiosk-{lang}.png")
    with Image.open(path) as image:
        assert image.width == 576 and image.height > 900
