"""Forms for the elderly, no window: a few fields per step, progress, back keeps what was typed, and a
keyboard mode per field (digits for numbers, Telex for names) that never carries over to the next field.

The forms are the shipped demo catalogue's (``queue_server/catalogue/procedures.json``).
"""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest

from kiosk_ui.core.kiosk_catalogue import Catalogue
from kiosk_ui.core.kiosk_flow import KioskFlow, Prefs, Screen
from kiosk_ui.core.kiosk_form import FormModel
from kiosk_ui.core.kiosk_pages import FIELDS_PER_PAGE, group_pages, section_of
from kiosk_ui.kiosk.screens.form.model import page
from kiosk_ui.kiosk.screens.review.model import page as review_page

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = json.loads((ROOT / "queue_server" / "catalogue" / "procedures.json").read_text(encoding="utf-8"))
MAX_SCREENS = 6
# There is no per-procedure usage data in the repository or the shared data (the simulation and the province
# generator work per service). These are the ten procedures with a kiosk form that a one-stop centre
# handles most: civil status (birth, death, marriage, marital status, extracts) and certification (copies,
# signatures, contracts) make up most of a commune's and district's dossiers, then the judicial record and
# permanent residence. Every other form of the catalogue is held to the same bound below.
TOP_TEN = (
    "HT-KS-01",  # Đăng ký khai sinh (17 fields: 17 steps before)
    "HT-KT-01",  # Đăng ký khai tử
    "HT-KH-01",  # Đăng ký kết hôn
    "HT-TTHN-01",  # Xác nhận tình trạng hôn nhân
    "HT-TL-01",  # Bản sao trích lục hộ tịch
    "CT-BS-01",  # Chứng thực bản sao
    "CT-CK-01",  # Chứng thực chữ ký
    "CT-HD-01",  # Chứng thực hợp đồng, giao dịch
    "LLTP-01",  # Phiếu lý lịch tư pháp (20 fields, the longest form)
    "CUTRU-TT-01",  # Đăng ký thường trú
)
VALID = {"text": "An", "date": "01/02/2020", "phone": "0912345678", "id_number": "001089012345",
         "number": "1", "email": "an@example.vn"}  # fmt: skip


def shipped_catalogue() -> Catalogue:
    procedures = SHIPPED["procedures"]
    return Catalogue.from_parts(
        fields=SHIPPED["fields"],
        procedures=[{k: v for k, v in p.items() if k not in ("documents", "form")} for p in procedures],
        details=procedures,
        services=SHIPPED["services"],
    )


def make_flow() -> KioskFlow:
    keys = (f"key-{i}" for i in itertools.count())
    return KioskFlow(shipped_catalogue(), defaults=Prefs(), new_key=lambda: next(keys), today=lambda: date(2026, 1, 5),
                     track_base="http://server")  # fmt: skip


def open_form(flow: KioskFlow, code: str) -> FormModel:
    flow.choose_procedure(code)
    flow.prepare_dossier()
    assert flow.screen is Screen.FORM and flow.visit.form is not None
    return flow.visit.form


def type_text(form: FormModel, text: str) -> None:
    for key in text:
        form.press(key)


def fill_focused(form: FormModel) -> None:
    fdef = form.field
    if fdef.type == "choice":
        form.choose(fdef.choices[0].value)
    else:
        form.clear_field()
        type_text(form, VALID[fdef.type])


def walk(flow: KioskFlow, form: FormModel) -> list[str]:
    """Fill in every field, step by step as the screen shows them; the progress texts of the screens seen."""
    seen: list[str] = []
    while flow.screen is Screen.FORM:
        info = page(flow)
        assert info is not None
        seen.append(info.progress)
        for row in info.rows:
            form.go_to(row.index)
            fill_focused(form)
        form.go_to(info.rows[-1].index)
        leaving_last = form.at_last and form.next_leaves_page
        assert form.next(), form.message("en")
        if leaving_last:
            flow.review()
    shown = review_page(flow)
    assert flow.screen is Screen.REVIEW and shown is not None and shown.invalid == 0
    return [*seen, shown.progress]


def forms() -> list[str]:
    return [p["code"] for p in SHIPPED["procedures"] if p.get("form")]


def test_the_ten_are_forms_of_the_shipped_catalogue() -> None:
    assert set(TOP_TEN) <= set(forms()) and len(set(TOP_TEN)) == 10


@pytest.mark.parametrize("code", TOP_TEN)
def test_ten_most_used_procedures_take_at_most_six_screens_with_progress(code: str) -> None:
    flow = make_flow()
    form = open_form(flow, code)
    seen = walk(flow, form)
    n = len(seen)
    assert n <= MAX_SCREENS, f"{code}: {len(form.fields)} fields in {n} screens"
    assert seen == [f"Bước {i}/{n}" for i in range(1, n + 1)]


@pytest.mark.parametrize("code", forms())
def test_every_shipped_form_fits_six_screens(code: str) -> None:
    fields = next(p["form"] for p in SHIPPED["procedures"] if p["code"] == code)
    pages = group_pages([f["name"] for f in fields])
    assert len(pages) + 1 <= MAX_SCREENS
    assert [i for p in pages for i in p] == list(range(len(fields)))  # every field once, in order
    assert all(1 <= len(p) <= FIELDS_PER_PAGE for p in pages)


def test_birth_registration_keeps_each_person_on_one_step() -> None:
    names = [f["name"] for f in next(p["form"] for p in SHIPPED["procedures"] if p["code"] == "HT-KS-01")]
    steps = [{section_of(names[i]) for i in p} for p in group_pages(names)]
    assert steps == [{"child"}, {"child"}, {"father", "mother"}, {"declarant"}, {""}]
    assert section_of("party_a_id_number") == "party_a" and section_of("phone") == ""


def test_progress_reads_in_english_too() -> None:
    flow = make_flow()
    open_form(flow, "HT-KS-01")
    flow.set_lang("en")
    info = page(flow)
    assert info is not None and info.progress == "Step 1 of 6" and info.next_label == "Next item"


def test_back_a_step_keeps_what_was_typed_and_so_does_leaving_the_form() -> None:
    flow = make_flow()
    form = open_form(flow, "CT-BS-01")  # document, pages, copies | name, ID, phone
    type_text(form, "Bawngf toots nghieepj")
    first = form.text
    assert first == "Bằng tốt nghiệp"
    for _ in range(3):
        assert form.next()  # the other required fields of the step, then the next step
        if form.page_index == 0:
            fill_focused(form)
    assert form.page_index == 1
    type_text(form, "Nguyeenx Vawn An")
    flow.back()  # the toolbar's "Quay lại": one step back, not out of the form
    assert flow.screen is Screen.FORM and form.page_index == 0
    assert form.values["document_name"] == first and form.values["requester_full_name"] == "Nguyễn Văn An"
    info = page(flow)
    assert info is not None and info.rows[0].value == first and info.progress == "Bước 1/3"
    flow.back()  # the first step: back to the procedure page
    assert flow.screen is Screen.PROCEDURE
    flow.prepare_dossier()  # and in again: everything is still there
    assert flow.visit.form is form and form.values["requester_full_name"] == "Nguyễn Văn An"
    form.previous()
    assert form.page_index == 0
    form.go_to(form.pages[1][0])
    assert form.text == "Nguyễn Văn An"


def test_keyboard_mode_is_set_per_field_shown_and_never_carried_to_the_next_field() -> None:
    flow = make_flow()
    form = open_form(flow, "HT-KS-01")
    info = page(flow)
    assert info is not None and info.input_mode == "telex" and info.mode_label == "Bàn phím: chữ có dấu (Telex)"
    form.set_mode("vni")  # the citizen picks VNI for the child's name
    type_text(form, "Nguye64n")
    assert form.text == "Nguyễn" and page(flow).mode_label == "Bàn phím: chữ có dấu (VNI)"  # type: ignore[union-attr]
    assert form.next() and form.field.name == "child_date_of_birth"
    info = page(flow)
    assert info is not None and info.input_mode == "digits" and info.mode_label == "Bàn phím: chữ số"
    type_text(form, "01/02/2024")
    assert form.next() and form.field.name == "child_sex"
    assert page(flow).input_mode == "choice"  # type: ignore[union-attr]
    form.choose("nu")  # on to the next field of the step
    assert form.field.name == "child_place_of_birth"
    info = page(flow)
    assert info is not None and info.input_mode == "telex" and form.keyboard.mode == "telex"  # not VNI
    type_text(form, "Beenhj vieenj")
    assert form.text == "Bệnh viện"
    form.go_to(0)  # the name keeps the mode chosen for it
    assert page(flow).input_mode == "vni"  # type: ignore[union-attr]
    for name, mode in (("father_id_number", "digits"), ("phone", "digits"), ("father_full_name", "telex")):
        form.go_to(next(i for i, f in enumerate(form.fields) if f.name == name))
        assert form.input_mode == mode, name
        assert page(flow).mode_label  # type: ignore[union-attr]


def test_the_kiosk_default_mode_applies_to_text_fields_only() -> None:
    flow = make_flow()
    form = open_form(flow, "CT-BS-01")
    form.set_default_mode("plain")
    assert form.input_mode == "plain"
    form.go_to(1)  # page count: a number
    assert form.input_mode == "digits"
    form.go_to(3)
    assert form.input_mode == "plain"
