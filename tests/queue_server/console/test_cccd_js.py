"""The console's CCCD QR parser (static/cccd.js) agrees with the kiosk's (kiosk_ui/core/cccd.py) on its samples."""

from __future__ import annotations

import importlib.util
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from chromium_browser import chromium

from kiosk_ui.core.cccd import parse_cccd_qr

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "queue_server" / "web" / "static" / "cccd.js"


def _kiosk_samples() -> tuple[Any, list[tuple[str, str]]]:
    """The kiosk test module: its good payload, its helpers and its malformed payloads with their messages."""
    spec = importlib.util.spec_from_file_location("kiosk_cccd_samples", ROOT / "tests/kiosk_ui/core/test_kiosk_cccd.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    marks = module.test_malformed_payloads_raise_a_bilingual_value_error.pytestmark
    bad = next(m.args[1] for m in marks if m.name == "parametrize")
    return module, list(bad)


KIOSK, MALFORMED = _kiosk_samples()
TODAY = KIOSK.TODAY
GOOD: list[str] = [
    KIOSK.GOOD,
    KIOSK._with(4, "Nữ").replace("||", "|125678901|"),
    "\ufeff  " + unicodedata.normalize("NFD", KIOSK.GOOD) + "\r\n",
    KIOSK._with(2, "  Nguyễn   Văn  An "),
    KIOSK.GOOD + "|20042036|extra",
    KIOSK._with(3, "29022000"),
    KIOSK._with(4, "NỮ"),
]


@pytest.fixture(scope="module")
def js() -> Iterator[Any]:
    with chromium() as browser:
        page = browser.new_page()
        page.set_content("<!DOCTYPE html><meta charset='utf-8'><title>cccd</title>")
        page.add_script_tag(path=str(SCRIPT))
        yield page
        page.close()


def _js_parse(page: Any, text: str, today: date) -> dict[str, Any]:
    return dict(
        page.evaluate(
            "([text, today]) => { try { return { ok: CCCD.parse(text, today) }; } catch (e) { return { error: e.message }; } }",
            [text, today.isoformat()],
        )
    )


@pytest.mark.parametrize("text", GOOD)
def test_valid_cards_parse_to_the_same_fields(js: Any, text: str) -> None:
    expected = parse_cccd_qr(text, today=TODAY)
    got = _js_parse(js, text, TODAY)
    assert got.get("ok") == {
        "id_number": expected.id_number,
        "old_id_number": expected.old_id_number,
        "full_name": expected.full_name,
        "date_of_birth": expected.date_of_birth.strftime("%d/%m/%Y"),
        "sex": expected.sex,
        "address": expected.address,
        "issue_date": expected.issue_date.strftime("%d/%m/%Y"),
    }


@pytest.mark.parametrize(("text", "fragment"), MALFORMED)
def test_malformed_cards_are_refused_with_the_same_bilingual_message(js: Any, text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=" / ") as info:
        parse_cccd_qr(text, today=TODAY)
    got = _js_parse(js, text, TODAY)
    assert "ok" not in got
    assert fragment in got["error"]
    assert got["error"] == str(info.value)  # word for word: "Vietnamese / English"


def test_prefill_maps_card_attributes_to_form_fields_and_choices(js: Any) -> None:
    form = [
        {"name": "declarant_full_name", "type": "text", "prefill": "full_name"},
        {
            "name": "declarant_sex",
            "type": "choice",
            "prefill": "sex",
            "choices": [
                {"value": "nam", "label_vi": "Nam", "label_en": "Male"},
                {"value": "nu", "label_vi": "Nữ", "label_en": "Female"},
            ],
        },
        {"name": "birth", "type": "date", "prefill": "date_of_birth"},
        {"name": "old", "type": "id_number", "prefill": "old_id_number"},
        {"name": "phone", "type": "phone"},
    ]
    values = js.evaluate(
        "([text, form]) => CCCD.prefill(form, CCCD.parse(text, '2025-03-18'))", [KIOSK._with(4, "Nữ"), form]
    )
    assert values == {"declarant_full_name": "Nguyễn Văn An", "declarant_sex": "nu", "birth": "15/08/1989"}
    assert js.evaluate("(t) => CCCD.looks(t)", KIOSK.GOOD) is True
    assert js.evaluate("(t) => CCCD.looks(t)", "khai sinh") is False
