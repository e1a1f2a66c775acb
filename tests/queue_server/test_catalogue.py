"""The packaged procedure catalogue and the validating parser."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from queue_factories import procedure_entry

from queue_server.catalogue import load_catalogue, load_default_catalogue
from queue_server.core.catalogue import (
    FORM_FIELD_TYPES,
    LEVELS,
    PREFILL_SOURCES,
    PROCEDURE_KEYS,
    Catalogue,
    CatalogueError,
    parse_catalogue,
)

DEMO_SERVICES = {"HT": "A", "CT": "B", "DD": "C", "KD": "D", "GT": "E", "XH": "F", "TK": "G"}


def _raw() -> dict[str, Any]:
    text = resources.files("queue_server.catalogue").joinpath("procedures.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _minimal() -> dict[str, Any]:
    """A small valid catalogue to break one piece at a time."""
    return {
        "services": [{"code": "HT", "letter": "A", "name_vi": "Hộ tịch", "name_en": "Civil status"}],
        "fields": [{"code": "HOTICH", "name_vi": "Hộ tịch", "name_en": "Civil status", "icon": "account"}],
        "procedures": [
            procedure_entry(
                "HT-KS-01",
                "Đăng ký khai sinh",
                name_en="Birth registration",
                field="HOTICH",
                authority_vi="Ủy ban nhân dân cấp xã",
                authority_en="Commune People's Committee",
                documents=[{"vi": "Giấy chứng sinh", "en": "Certificate of birth"}],
                keywords=["khai sinh"],
                form=[
                    {
                        "name": "child_full_name",
                        "label_vi": "Họ tên của trẻ",
                        "label_en": "Child's name",
                        "type": "text",
                        "required": True,
                        "max_length": 100,
                    },
                    {
                        "name": "child_sex",
                        "label_vi": "Giới tính",
                        "label_en": "Sex",
                        "type": "choice",
                        "required": True,
                        "choices": [{"value": "nam", "label_vi": "Nam", "label_en": "Male"}],
                    },
                    {
                        "name": "declarant_id_number",
                        "label_vi": "Số định danh",
                        "label_en": "ID number",
                        "type": "id_number",
                        "required": True,
                        "prefill": "id_number",
                    },
                ],
            )
        ],
    }


# ---------------------------------------------------------------------------------------------
# The packaged data


def test_packaged_catalogue_loads_with_at_least_45_procedures() -> None:
    cat = load_default_catalogue()
    assert isinstance(cat, Catalogue)
    assert len(cat.procedures) >= 45


def test_default_catalogue_is_loaded_once() -> None:
    assert load_default_catalogue() is load_default_catalogue()


def test_every_procedure_in_the_json_has_every_key() -> None:
    for proc in _raw()["procedures"]:
        missing = [k for k in PROCEDURE_KEYS if k not in proc]
        assert not missing, f"{proc.get('code')}: missing {missing}"


def test_services_are_exactly_the_demo_queues() -> None:
    cat = load_default_catalogue()
    assert {s.code: s.letter for s in cat.services} == DEMO_SERVICES


def test_every_demo_service_has_at_least_two_procedures() -> None:
    cat = load_default_catalogue()
    for code in DEMO_SERVICES:
        assert len(cat.procedures_for_service(code)) >= 2, code


def test_every_field_has_procedures_and_every_level_is_used() -> None:
    cat = load_default_catalogue()
    for f in cat.fields:
        assert cat.procedures_in_field(f.code), f.code
    used = {lv for p in cat.procedures for lv in p.level}
    assert used == set(LEVELS)


def test_every_text_in_the_json_is_nfc() -> None:
    bad = [s for s in _strings(_raw()) if unicodedata.normalize("NFC", s) != s]
    assert not bad


def test_json_uses_vietnamese_letters_not_lookalikes() -> None:
    # A decomposed or Latin-1 export shows up as these; correct text never contains them.
    text = json.dumps(_raw(), ensure_ascii=False)
    for suspicious in ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "Ð", "ð", "\ufffd"):
        assert suspicious not in text


@pytest.mark.parametrize(
    "name_vi",
    [
        "Đăng ký khai sinh",
        "Đăng ký kết hôn",
        "Đăng ký khai tử",
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Cấp bản sao trích lục hộ tịch",
        "Đăng ký lại khai sinh",
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Đăng ký thành lập hộ kinh doanh",
        "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "Tách thửa hoặc hợp thửa đất",
        "Cấp đổi giấy phép lái xe",
        "Cấp lại giấy phép lái xe",
        "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
        "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        "Đăng ký thường trú",
    ],
)
def test_catalogue_has_the_common_procedure(name_vi: str) -> None:
    assert name_vi in {p.name_vi for p in load_default_catalogue().procedures}


def test_at_least_twelve_procedures_have_a_kiosk_form() -> None:
    assert sum(1 for p in load_default_catalogue().procedures if p.form) >= 12


def test_birth_registration_form_collects_child_parents_and_declarant() -> None:
    proc = load_default_catalogue().get_procedure("HT-KS-01")
    assert proc is not None
    names = {f.name for f in proc.form}
    assert {
        "child_full_name",
        "child_date_of_birth",
        "child_sex",
        "child_place_of_birth",
        "child_ethnicity",
        "child_nationality",
        "father_full_name",
        "mother_full_name",
        "declarant_full_name",
        "declarant_id_number",
        "declarant_relationship",
        "phone",
    } <= names
    by_name = {f.name: f for f in proc.form}
    assert by_name["child_date_of_birth"].type == "date"
    assert by_name["declarant_id_number"].prefill == "id_number"
    assert by_name["child_full_name"].prefill is None  # the card scanned is the declarant's, not the child's


def test_form_fields_are_well_formed() -> None:
    for proc in load_default_catalogue().procedures:
        for f in proc.form:
            assert f.type in FORM_FIELD_TYPES
            assert (f.type == "choice") == bool(f.choices), (proc.code, f.name)
            assert f.prefill is None or f.prefill in PREFILL_SOURCES
            if f.name.endswith(("date_of_birth", "_date")) or f.name.startswith("date_"):
                assert f.type == "date", (proc.code, f.name)


def test_lookup_helpers_find_procedures_services_and_fields() -> None:
    cat = load_default_catalogue()
    ks = cat.get_procedure("HT-KS-01")
    assert ks is not None
    assert ks.service == "HT"
    assert ks.on_the_spot
    assert cat.get_procedure("NO-SUCH") is None
    service = cat.get_service("TK")
    assert service is not None
    assert service.name_vi == "Trả kết quả"
    field = cat.get_field(ks.field)
    assert field is not None
    assert field.name_vi == "Hộ tịch"


# ---------------------------------------------------------------------------------------------
# The parser


def test_minimal_catalogue_parses() -> None:
    cat = parse_catalogue(_minimal())
    proc = cat.procedures[0]
    assert proc.level == ("commune",)
    assert proc.processing_days == 0
    assert proc.form[1].choices[0].label_vi == "Nam"
    assert proc.national_code is None


def test_parser_normalises_text_to_nfc() -> None:
    data = _minimal()
    data["procedures"][0]["name_vi"] = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    data["procedures"][0]["keywords"] = [unicodedata.normalize("NFD", "giấy khai sinh")]
    proc = parse_catalogue(data).procedures[0]
    assert proc.name_vi == "Đăng ký khai sinh"
    assert proc.keywords == ("giấy khai sinh",)


def _error_for(mutate: Any) -> CatalogueError:
    data = copy.deepcopy(_minimal())
    mutate(data)
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(data)
    return info.value


def test_missing_key_is_named_with_the_procedure_code() -> None:
    err = _error_for(lambda d: d["procedures"][0].pop("fee_vi"))
    assert "HT-KS-01" in str(err)
    assert "'fee_vi'" in str(err)
    assert "missing" in str(err)
    assert (err.item, err.field) == ("HT-KS-01", "fee_vi")


def test_unknown_service_is_rejected() -> None:
    err = _error_for(lambda d: d["procedures"][0].update(service="ZZ"))
    assert "HT-KS-01" in str(err)
    assert "'service'" in str(err)
    assert "'ZZ'" in str(err)


def test_unknown_field_is_rejected() -> None:
    err = _error_for(lambda d: d["procedures"][0].update(field="NOPE"))
    assert "HT-KS-01" in str(err)
    assert "unknown field 'NOPE'" in str(err)


def test_unknown_form_field_type_is_rejected() -> None:
    err = _error_for(lambda d: d["procedures"][0]["form"][0].update(type="textarea"))
    assert "HT-KS-01" in str(err)
    assert "child_full_name" in str(err)
    assert "'textarea'" in str(err)
    assert err.field == "type"


def test_duplicate_procedure_codes_are_rejected() -> None:
    err = _error_for(lambda d: d["procedures"].append(copy.deepcopy(d["procedures"][0])))
    assert "duplicate" in str(err)
    assert "HT-KS-01" in str(err)


def test_duplicate_service_codes_are_rejected() -> None:
    err = _error_for(lambda d: d["services"].append(dict(d["services"][0], letter="B")))
    assert "duplicate" in str(err)
    assert "HT" in str(err)


def test_duplicate_form_field_names_are_rejected() -> None:
    err = _error_for(lambda d: d["procedures"][0]["form"].append(d["procedures"][0]["form"][0]))
    assert "HT-KS-01" in str(err)
    assert "child_full_name" in str(err)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["procedures"][0].update(level=["ward"]), "level"),
        (lambda d: d["procedures"][0].update(level=[]), "level"),
        (lambda d: d["procedures"][0].update(processing_days=-1), "processing_days"),
        (lambda d: d["procedures"][0].update(processing_days="3"), "processing_days"),
        (lambda d: d["procedures"][0].update(on_the_spot="yes"), "on_the_spot"),
        (lambda d: d["procedures"][0].update(name_vi="  "), "name_vi"),
        (lambda d: d["procedures"][0].update(keywords="khai sinh"), "keywords"),
        (lambda d: d["procedures"][0].update(keywords=[""]), "keywords"),
        (lambda d: d["procedures"][0].update(keyword=["typo"]), "keyword"),
        (lambda d: d["procedures"][0]["form"][0].update(choices=[]), "choices"),
        (lambda d: d["procedures"][0]["form"][1].update(choices=[]), "choices"),
        (lambda d: d["procedures"][0]["form"][2].update(prefill="photo"), "prefill"),
        (lambda d: d["procedures"][0]["form"][0].update(max_length=0), "max_length"),
        (lambda d: d["procedures"][0]["form"][0].update(required="true"), "required"),
        (lambda d: d["procedures"][0]["form"][0].update(name="Child Name"), "name"),
    ],
)
def test_bad_procedure_values_name_the_code_and_field(mutate: Any, field: str) -> None:
    err = _error_for(mutate)
    assert err.item == "HT-KS-01"
    assert err.field == field
    assert f"'{field}'" in str(err)


def test_code_with_spaces_is_rejected() -> None:
    err = _error_for(lambda d: d["procedures"][0].update(code="HT KS 01"))
    assert "'HT KS 01' is not a code" in str(err)
    assert err.field == "code"


def test_unknown_keys_are_refused_but_x_extensions_pass() -> None:
    data = _minimal()
    data["procedures"][0]["x_centre_note"] = "Quầy 3"
    data["x_exported_by"] = "tool"
    assert parse_catalogue(data).procedures[0].code == "HT-KS-01"


def test_bad_service_letter_and_format_version_are_rejected() -> None:
    err = _error_for(lambda d: d["services"][0].update(letter="a"))
    assert "letter" in str(err)
    err = _error_for(lambda d: d.update(format=2))
    assert "format" in str(err)


def test_non_object_catalogue_is_rejected() -> None:
    with pytest.raises(CatalogueError):
        parse_catalogue([])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The loader


def test_load_catalogue_reads_a_centre_export(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_minimal(), ensure_ascii=False), encoding="utf-8-sig")  # with a BOM
    assert load_catalogue(path).procedures[0].name_vi == "Đăng ký khai sinh"


def test_load_catalogue_names_the_file_on_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"services": [', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"broken\.json.*not valid JSON"):
        load_catalogue(path)


def test_load_catalogue_names_the_file_and_procedure_on_bad_data(tmp_path: Path) -> None:
    data = _minimal()
    data["procedures"][0]["service"] = "ZZ"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"export\.json.*HT-KS-01.*service") as info:
        load_catalogue(path)
    assert info.value.item == "HT-KS-01"


def test_core_modules_import_no_io_frameworks() -> None:
    code = (
        "import sys, queue_server.core.catalogue, queue_server.core.search, motcua.domain.vntext\n"
        "bad = [m for m in ('fastapi', 'kivy', 'paho', 'sqlite3', 'onnxruntime') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
