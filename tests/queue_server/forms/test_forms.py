"""Forms 01–07 for one dossier taken through supplement → late → apology with a new date → result."""

from __future__ import annotations

import io
import subprocess
import unicodedata
import uuid
from pathlib import Path
from typing import Any

from PIL import Image
from pypdf import PdfReader
from site_app import Site

from motcua.contract.events import event_data

DOCS = Path(__file__).resolve().parents[3] / "docs" / "forms"
DATA = {
    "person_full_name": "Đỗ Thị Ngọc Ánh",
    "declarant_full_name": "Đỗ Văn Thưởng",
    "declarant_address": "Số 12 phố Nguyễn Đăng Đạo, phường Kinh Bắc",
    "phone": "0912000111",
}


def _png(seed: int = 0) -> bytes:
    image = Image.new("RGB", (400, 560), (255, 255, 255))
    for x in range(50, 350):
        image.putpixel((x, 100 + seed % 300), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _ok(r: Any, status: int = 200) -> dict[str, Any]:
    assert r.status_code == status, r.text
    return dict(r.json())


def _text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _issue(site: Site, dossier_id: str, form: str, role: str = "counter1", **body: Any) -> tuple[dict[str, Any], str]:
    issued = _ok(
        site.client.post(f"/api/v1/dossiers/{dossier_id}/forms/{form}", json=body or None, headers=site.headers(role)),
        201,
    )
    r = site.client.get(f"/api/v1/dossiers/{dossier_id}/forms/{issued['id']}.pdf", headers=site.headers(role))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    pdf = r.content
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    lines = [ln for ln in fonts.splitlines()[2:] if ln.strip()]
    assert lines and all(" yes " in ln for ln in lines), fonts  # every font embedded (subset)
    assert all("DejaVu" in ln or "Motcua" in ln for ln in lines), fonts
    assert PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width in (595.2756, 841.8898)  # A4 either way
    text = _text(pdf)
    assert unicodedata.is_normalized("NFC", text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in _flat(text) and "Độc lập - Tự do - Hạnh phúc" in _flat(text)
    assert f"Mẫu số {form}" in text
    _png_of(pdf, f"mau{form}")
    return issued, _flat(text)


def _png_of(pdf: bytes, name: str) -> None:
    DOCS.mkdir(parents=True, exist_ok=True)
    for old in DOCS.glob(f"{name}*.png"):
        old.unlink()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    args = ["-singlefile"] if pages == 1 else []  # mau06.png, or mau06-1.png, mau06-2.png…
    subprocess.run(["pdftoppm", "-png", "-r", "70", *args, "-", str(DOCS / name)], input=pdf, check=True)


def test_one_dossier_through_supplement_late_apology_result(site: Site) -> None:
    ticket = site.issue("HT")
    assert site.act("1", "sign-in", staff_id="NV01").status_code == 200
    assert site.act("1", "next").status_code == 200 and site.act("1", "start").status_code == 200
    draft = _ok(
        site.client.post(
            "/api/v1/dossiers/draft",
            json={"procedure_code": "HT-KS-02", "data": DATA, "ticket_id": ticket["id"]},
            headers=site.headers("counter1", uuid.uuid4().hex),
        ),
        201,
    )
    did = draft["id"]
    names = {i["kind"]: i["vi"] for i in draft["checklist"]}
    required = [i["kind"] for i in draft["checklist"] if i["required"]]
    # At the desk before receipt: 02 lists what is missing; 01 is refused without a dossier code.
    _, t02a = _issue(site, did, "02", reason="Thiếu giấy tờ bắt buộc")
    assert all(_flat(names[k]) in t02a for k in required)
    site.clock.advance(5)
    early = site.client.post(f"/api/v1/dossiers/{did}/forms/01", headers=site.headers("counter1"))
    assert early.status_code == 409 and early.json()["code"] == "not_received" and early.json()["message_en"]
    _ok(
        site.client.put(
            f"/api/v1/dossiers/{did}/checklist",
            json={"items": {k: {"received": True} for k in required}},
            headers=site.headers("counter1"),
        )
    )
    got = _ok(site.client.post(f"/api/v1/dossiers/{did}/receive", headers=site.headers("counter1", "k1")))
    code = got["code"]
    assert got["due_date"] == "2026-12-07"
    f01, t01 = _issue(site, did, "01")
    assert code in t01 and "Đỗ Văn Thưởng" in t01 and "Nguyễn Thị Hoa (NV01)" in t01
    assert all(_flat(names[k]) in t01 for k in required)
    assert "ngày 30 tháng 11 năm 2026" in t01 and "17 giờ 00 phút, ngày 07 tháng 12 năm 2026" in t01
    assert "Đăng ký lại khai sinh" in t01 and "NGƯỜI TIẾP NHẬN HỒ SƠ" in t01
    # The same form with the same data is the same paper.
    again = site.client.post(f"/api/v1/dossiers/{did}/forms/01", headers=site.headers("counter1"))
    assert again.status_code == 200 and again.json()["id"] == f01["id"] and again.json()["duplicate"] is True

    site.clock.advance(30)
    _ok(site.client.post(f"/api/v1/dossiers/{did}/forward", headers=site.headers("counter1")))
    site.clock.advance(60 * 24)  # Tuesday: the department asks for a supplement
    missing_kind = required[1]
    _ok(
        site.client.post(
            f"/api/v1/dossiers/{did}/supplement-request",
            json={"reason": "Bản sao Giấy khai sinh chưa được chứng thực", "kinds": [missing_kind]},
            headers=site.headers("department"),
        )
    )
    _, t02 = _issue(site, did, "02", role="department")
    assert code in t02 and _flat(names[missing_kind]) in t02
    assert "Bản sao Giấy khai sinh chưa được chứng thực" in t02 and "Lê Văn Minh (PTP01)" in t02
    site.clock.advance(60 * 24)  # Wednesday: supplemented at the desk, forwarded again
    _ok(
        site.client.put(
            f"/api/v1/dossiers/{did}/checklist",
            json={"items": {missing_kind: {"received": True}}},
            headers=site.headers("counter1"),
        )
    )
    _ok(site.client.post(f"/api/v1/dossiers/{did}/supplemented", headers=site.headers("counter1")))
    _ok(site.client.post(f"/api/v1/dossiers/{did}/forward", headers=site.headers("counter1")))

    # Friday 4 Dec, 10:35 local: the deadline (Mon 7 Dec 17:00) is within 80 hours, not within 24: warned.
    site.clock.advance(60 * 24 * 2 + 60 * 2)
    soon = site.client.get("/api/v1/forms/due-soon?within_hours=80", headers=site.headers("department")).json()
    assert [s["code"] for s in soon] == [code] and soon[0]["apology_issued"] is False and soon[0]["hours_left"] > 0
    assert site.client.get("/api/v1/forms/due-soon?within_hours=24", headers=site.headers("department")).json() == []
    bad = site.client.post(
        f"/api/v1/dossiers/{did}/forms/04",
        json={"reason": "x", "new_date": "2026-12-01"},
        headers=site.headers("department"),
    )
    assert bad.status_code == 422 and bad.json()["code"] == "new_date_past" and bad.json()["message_vi"]
    assert (
        site.client.post(
            f"/api/v1/dossiers/{did}/forms/04", json={"reason": "Chờ xác minh"}, headers=site.headers("department")
        ).status_code
        == 422
    )
    _, t04 = _issue(
        site, did, "04", role="department", reason="Cần xác minh thông tin tại nơi đăng ký cũ", new_date="2026-12-10"
    )
    assert code in t04 and "ngày 10 tháng 12 năm 2026" in t04 and "07/12/2026" in t04 and "xin lỗi" in t04
    assert "Cần xác minh thông tin tại nơi đăng ký cũ" in t04 and "Phạm Quốc Hưng" in t04
    soon = site.client.get("/api/v1/forms/due-soon?within_hours=80", headers=site.headers("department")).json()
    assert soon[0]["apology_issued"] is True

    site.clock.advance(60 * 24 * 5)  # Wednesday 9 Dec: late
    up = site.client.post(
        f"/api/v1/dossiers/{did}/papers",
        files={"file": ("r.png", _png(7), "image/png")},
        data={"kind": "KETQUA"},
        headers=site.headers("department"),
    )
    assert up.status_code == 201, up.text
    _ok(site.client.post(f"/api/v1/dossiers/{did}/result-ready", headers=site.headers("department")))
    site.clock.advance(60)
    _ok(site.client.post(f"/api/v1/dossiers/{did}/return", headers=site.headers("counter1")))

    _, t06 = _issue(site, did, "06")
    assert code in t06
    for who in ("Nguyễn Thị Hoa (NV01)", "Lê Văn Minh (PTP01)", "Phòng Văn hóa - Xã hội (hộ tịch)"):
        assert who in t06
    assert "Quá hạn" in t06 and "Trước hạn" in t06
    assert "Yêu cầu bổ sung" in t06 and "Trả kết quả" in t06 and "Chuyển xử lý" in t06

    listed = site.client.get(f"/api/v1/dossiers/{did}/forms", headers=site.headers("counter1")).json()
    assert [f["form"] for f in listed] == ["02", "01", "02", "04", "06"]
    events, _ = site.service.events_after(0, 1000)
    issued = [e.data for _s, e in events if e.type == "dossier.form_issued"]
    assert [e["form"] for e in issued] == ["MAU02", "MAU01", "MAU02", "MAU04", "MAU06"]
    assert issued[3]["new_due_date"] == "2026-12-10" and issued[1]["code"] == code
    assert all(event_data("dossier.form_issued", e) is not None and len(e["sha256"]) == 64 for e in issued)
    flat_events = str(issued)
    assert "Đỗ Văn Thưởng" not in flat_events and "0912000111" not in flat_events and "xác minh" not in flat_events
    log = site.client.get(f"/api/v1/dossiers/{did}/access-log", headers=site.headers("admin")).json()
    assert any(e["what"] == f"paper:{f01['id']}" for e in log)  # the download was logged

    # Form 07: the tracking book of counter 1 for the week, PDF and CSV.
    r = site.client.get("/api/v1/forms/07?desk=1&from=2026-11-30&to=2026-12-06", headers=site.headers("counter1"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    _png_of(r.content, "mau07")
    t07 = _flat(_text(r.content))
    assert code in t07 and "Đỗ Văn Thưởng" in t07 and "SỔ THEO DÕI HỒ SƠ" in t07 and "Đã trả kết quả" in t07
    csv_r = site.client.get(
        "/api/v1/forms/07?desk=1&from=2026-11-30&to=2026-12-06&format=csv", headers=site.headers("counter1")
    )
    body = csv_r.content.decode("utf-8-sig")
    assert code in body and "Mã hồ sơ" in body and len(body.strip().splitlines()) == 2
    empty = site.client.get(
        "/api/v1/forms/07?desk=2&from=2026-11-30&to=2026-12-06&format=csv", headers=site.headers("counter1")
    )
    assert len(empty.content.decode("utf-8-sig").strip().splitlines()) == 1


def test_refusal_stop_and_bad_inputs(site: Site) -> None:
    assert site.act("1", "sign-in", staff_id="NV01").status_code == 200
    draft = _ok(
        site.client.post(
            "/api/v1/dossiers/draft",
            json={"procedure_code": "HT-KS-02", "data": DATA},
            headers=site.headers("counter1", uuid.uuid4().hex),
        ),
        201,
    )
    did = draft["id"]
    no_reason = site.client.post(f"/api/v1/dossiers/{did}/forms/03", json={}, headers=site.headers("counter1"))
    assert no_reason.status_code == 422 and no_reason.json()["code"] == "reason_required"
    _, t03 = _issue(site, did, "03", reason="Thủ tục không thuộc thẩm quyền của cơ quan")
    assert draft["receipt_code"] in t03 and "Thủ tục không thuộc thẩm quyền của cơ quan" in t03
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" in t03
    for path, code in (("/forms/07", 404), ("/forms/99", 422), ("/forms/6", 422)):
        assert site.client.post(f"/api/v1/dossiers/{did}{path}", headers=site.headers("counter1")).status_code in (
            code,
            404,
            405,
            422,
        )
    r = site.client.get("/api/v1/forms/07?from=2026-12-06&to=2026-11-30", headers=site.headers("counter1"))
    assert r.status_code == 422 and r.json()["code"] == "bad_period"
    assert site.client.get("/api/v1/forms/07?from=x&to=y", headers=site.headers("counter1")).status_code == 422
    assert (
        site.client.get("/api/v1/forms/07?from=2026-11-30&to=2026-11-30", headers=site.headers("kiosk")).status_code
        == 403
    )
    # Received, then the citizen withdraws: form 05 with the reason.
    required = [i["kind"] for i in draft["checklist"] if i["required"]]
    _ok(
        site.client.put(
            f"/api/v1/dossiers/{did}/checklist",
            json={"items": {k: {"received": True} for k in required}},
            headers=site.headers("counter1"),
        )
    )
    got = _ok(site.client.post(f"/api/v1/dossiers/{did}/receive", headers=site.headers("counter1", "k2")))
    _ok(
        site.client.post(
            f"/api/v1/dossiers/{did}/cancel", json={"reason": "Người nộp rút hồ sơ"}, headers=site.headers("counter1")
        )
    )
    _, t05 = _issue(site, did, "05")
    assert got["code"] in t05 and "Người nộp rút hồ sơ" in t05 and "PHIẾU DỪNG GIẢI QUYẾT HỒ SƠ" in t05


def test_a_site_layout_overrides_the_packaged_one(site: Site) -> None:
    from queue_server.forms.render import PACKAGED

    text = (PACKAGED / "mau03.yaml").read_text(encoding="utf-8")
    (site.data_dir / "forms" / "mau03.yaml").write_text(
        text.replace("Xin thông báo để Ông/Bà được biết và thực hiện.", "Mọi thắc mắc xin gọi đường dây nóng."),
        encoding="utf-8",
    )
    draft = _ok(
        site.client.post(
            "/api/v1/dossiers/draft",
            json={"procedure_code": "HT-KS-02", "data": DATA},
            headers=site.headers("counter1", uuid.uuid4().hex),
        ),
        201,
    )
    issued = _ok(
        site.client.post(
            f"/api/v1/dossiers/{draft['id']}/forms/03",
            json={"reason": "Sai thẩm quyền"},
            headers=site.headers("counter1"),
        ),
        201,
    )
    pdf = site.client.get(
        f"/api/v1/dossiers/{draft['id']}/forms/{issued['id']}.pdf", headers=site.headers("counter1")
    ).content
    assert "Mọi thắc mắc xin gọi đường dây nóng." in _flat(_text(pdf))
