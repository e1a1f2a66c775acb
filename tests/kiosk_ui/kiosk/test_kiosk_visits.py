"""Whole visits through the real kiosk app (offscreen) against a real queue server subprocess.

Every tap also checks that every reachable button on the screen it lands on is at least 15 mm
(61 px). Screenshots go to docs/kiosk/ with MOTCUA_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import base64
import json
import re
import socket
from pathlib import Path

import pytest

from kiosk_ui.core.kiosk_flow import Screen
from motcua.runtime.broker import free_port

from .conftest import CCCD_ID, CCCD_NAME, Kiosk, Server

pytestmark = pytest.mark.timeout(240)

STEP = re.compile(r"Bước \d+/\d+")
ESC_INIT, GS_RASTER, GS_QR, GS_CUT = b"\x1b@", b"\x1dv0", b"\x1d(k", b"\x1dV"


def test_ticket_only_visit_prints_a_slip_with_qr_and_cut(kiosk_factory, server: Server, shots: Path) -> None:  # type: ignore[no-untyped-def]
    kiosk: Kiosk = kiosk_factory()
    kiosk.check_targets()
    kiosk.shot("01-welcome-vi", shots)
    kiosk.tap("start")
    kiosk.shot("02-start-vi", shots)
    kiosk.tap("take_ticket")
    kiosk.shot("03-services-vi", shots)
    before = server.queue_length("CT")
    state = kiosk.tap("service:CT")
    assert state["screen"] == "ticket" and state["ticket"]["number"].startswith("B")
    state = kiosk.wait_for(lambda s: s["printer"] == "printed")
    assert server.queue_length("CT") == before + 1
    assert any("Mời nhận phiếu" in text for text in state["texts"])
    kiosk.shot("08-ticket-vi", shots)

    data = base64.b64decode(kiosk.request("printed")["bytes"])
    url = state["ticket"]["url"]
    assert url == f"{server.url}/t/{state['ticket']['id']}"
    assert data.startswith(ESC_INIT) and GS_RASTER in data and GS_QR in data and url.encode() in data
    assert data.rstrip(b"\x00").rfind(GS_CUT) > data.rfind(GS_QR)  # the cut comes last
    assert state["ticket"]["number"].encode() in data  # the number as printer text, huge

    kiosk.tap("ticket_done")
    state = kiosk.state()
    assert state["screen"] == "done" and any("Cảm ơn" in t for t in state["texts"])
    kiosk.shot("09-done-vi", shots)
    kiosk.request("advance", seconds=state["timeout"] + 1)
    assert kiosk.state()["screen"] == "welcome"


def test_priority_ticket_in_three_taps_and_a_double_tap_gives_one_ticket(
    kiosk_factory, server: Server, shots: Path
) -> None:  # type: ignore[no-untyped-def]
    kiosk: Kiosk = kiosk_factory()
    before = server.queue_length("HT")
    kiosk.tap("priority")
    kiosk.shot("04-priority-vi", shots)
    kiosk.tap("priority:elderly")
    kiosk.request("double_tap", id="service:HT")  # the third tap, twice in the same frame
    kiosk.taps += 1
    state = kiosk.settle()
    assert kiosk.taps == 3
    assert state["screen"] == "ticket" and state["ticket"]["priority"] == "elderly"
    state = kiosk.wait_for(lambda s: s["printer"] == "printed")
    assert any("Ưu tiên: Người cao tuổi" in t for t in state["texts"])
    assert server.queue_length("HT") == before + 1  # one ticket for the double tap
    kiosk.shot("08b-ticket-priority-vi", shots)
    data = base64.b64decode(kiosk.request("printed")["bytes"])
    assert GS_RASTER in data and GS_CUT in data  # "Ưu tiên" has diacritics: printed as raster


def test_dossier_with_cccd_prefill_is_submitted_and_nothing_personal_is_kept(  # type: ignore[no-untyped-def]
    kiosk_factory, server: Server, shots: Path, cccd_image: Path
) -> None:
    kiosk: Kiosk = kiosk_factory(camera=str(cccd_image))
    kiosk.tap("start")
    kiosk.tap("find")
    kiosk.shot("05-fields-vi", shots)
    kiosk.tap("field:HOTICH")
    kiosk.shot("06-procedures-vi", shots)
    state = kiosk.tap("procedure:HT-KS-01")
    assert any("4 tại chỗ" in t for t in state["texts"])
    kiosk.shot("07-procedure-vi", shots)
    kiosk.tap("proc_prepare")
    kiosk.tap("scan")
    state = kiosk.wait_for(lambda s: s["form_values"].get("declarant_id_number") == CCCD_ID)
    assert state["form_values"]["declarant_full_name"] == CCCD_NAME
    # child's name typed in Telex: "Nguyeenx Minh Khoa" -> "Nguyễn Minh Khoa"
    kiosk.tap("key:shift")
    kiosk.type("nguyeenx")
    kiosk.tap("key: ")
    kiosk.tap("key:shift")
    kiosk.type("minh")
    kiosk.tap("key: ")
    kiosk.tap("key:shift")
    kiosk.type("khoa")
    state = kiosk.state()
    assert state["form_values"]["child_full_name"] == "Nguyễn Minh Khoa"
    assert any("Bước 1/6" in t for t in state["texts"])  # 17 fields in five steps and the review
    assert "Bàn phím: chữ có dấu (Telex)" in state["texts"]
    kiosk.shot("10-form-telex-vi", shots)
    state = kiosk.tap("form_next")  # on to the step's next required field: the date of birth
    assert state["form_field"] == "child_date_of_birth" and "Bàn phím: chữ số" in state["texts"]
    kiosk.type("31/02/2024")  # not a real date: the citizen is told how to fix it
    state = kiosk.tap("form_next")
    assert state["form_field"] == "child_date_of_birth"
    assert any("không tồn tại" in t for t in state["texts"])
    kiosk.shot("11-form-error-vi", shots)
    kiosk.tap("key:\x00")
    kiosk.type("01/02/2024")
    state = kiosk.tap("form_next")
    assert state["form_field"] == "child_sex"
    kiosk.shot("12-form-choice-vi", shots)
    state = kiosk.tap("choice:nu")  # a choice moves on to the next field of the step
    assert state["form_field"] == "child_place_of_birth"
    kiosk.tap("key:mode:plain")  # the diacritics-free mode, for this field only
    kiosk.type("benh vien tinh")  # place of birth
    assert "Bàn phím: chữ không dấu" in kiosk.state()["texts"]
    state = kiosk.tap("form_next")  # the step is complete: step 2
    assert any("Bước 2/6" in t for t in state["texts"]) and state["form_field"] == "child_home_town"
    assert "Bàn phím: chữ có dấu (Telex)" in state["texts"]  # the plain mode did not carry over
    kiosk.tap("form_field:child_ethnicity")  # home town is optional: touch the next field
    kiosk.type("kinh")
    kiosk.tap("form_field:child_nationality")
    kiosk.type("vieetj nam")  # Telex: "việt nam"
    state = kiosk.state()
    assert state["form_values"]["child_nationality"] == "việt nam"
    kiosk.shot("12b-form-step2-vi", shots)
    state = kiosk.tap("back")  # one step back: everything typed is still there
    assert any("Bước 1/6" in t for t in state["texts"]) and any("Nguyễn Minh Khoa" in t for t in state["texts"])
    assert state["form_values"]["child_place_of_birth"] == "benh vien tinh"
    state = kiosk.tap("form_next")  # step 1 is complete: straight to step 2
    assert any("Bước 2/6" in t for t in state["texts"]) and state["form_values"]["child_ethnicity"] == "kinh"
    steps = {"Bước 1/6", "Bước 2/6"}
    while kiosk.state()["form_field"] != "declarant_relationship":
        state = kiosk.tap("form_next")  # the optional parents' step, then the pre-filled declarant's
        steps |= {m.group(0) for t in state["texts"] if (m := STEP.match(t))}
    kiosk.tap("choice:me")
    state = kiosk.tap("form_next")
    steps |= {m.group(0) for t in state["texts"] if (m := STEP.match(t))}
    kiosk.type("0912345678")
    state = kiosk.tap("form_next")  # number of copies (optional) -> review
    assert state["screen"] == "review"
    assert any("Nguyễn Minh Khoa" in t for t in state["texts"])
    assert any(t.startswith("Bước 6/6") for t in state["texts"])
    assert steps == {f"Bước {i}/6" for i in range(1, 6)}
    kiosk.shot("13-review-vi", shots)
    state = kiosk.tap("review_submit")
    assert state["screen"] == "ticket" and state["receipt"], state
    assert any(state["receipt"] in t for t in state["texts"])
    state = kiosk.wait_for(lambda s: s["printer"] == "printed")
    data = base64.b64decode(kiosk.request("printed")["bytes"])
    assert GS_RASTER in data  # the receipt line is printed (with its Vietnamese label: raster)
    kiosk.shot("14-ticket-dossier-vi", shots)
    kiosk.tap("home")
    assert kiosk.state()["form_values"] == {}

    # Nothing personal in the log, the catalogue cache or the state dir.
    home = Path(kiosk.settings["catalogue_cache"]).parents[1]
    kiosk.stop()
    for path in [p for p in home.rglob("*") if p.is_file()]:
        content = path.read_bytes()
        for secret in (CCCD_ID, CCCD_NAME, "Nguyễn Minh Khoa", "0912345678"):
            assert secret.encode() not in content, f"{secret!r} found in {path}"


def test_server_down_browses_the_cache_and_says_plainly_no_ticket(kiosk_factory, tmp_path: Path, shots: Path) -> None:  # type: ignore[no-untyped-def]
    first: Kiosk = kiosk_factory()  # fills its cache from the live server
    cache = Path(first.settings["catalogue_cache"])
    first.wait_for(lambda s: cache.exists(), 90)
    first.stop()
    dead = f"http://127.0.0.1:{free_port()}"
    kiosk: Kiosk = kiosk_factory(server_url=dead, catalogue_cache=str(cache))
    state = kiosk.wait_for(lambda s: s["catalogue_from_cache"] and not s["online"])
    assert state["procedures"] > 30 and "Không kết nối được máy chủ điểm" in state["banner"]
    kiosk.tap("start")
    kiosk.tap("find")
    kiosk.tap("search")
    kiosk.type("khai sinh")  # offline search over the cache, no diacritics
    state = kiosk.wait_for(lambda s: "HT-KS-01" in s["results"], 10)
    kiosk.shot("15-search-offline-vi", shots)
    state = kiosk.tap("procedure:HT-KS-01")
    assert any("Giấy chứng sinh" in t for t in state["texts"])  # the page comes from the cache
    state = kiosk.tap("proc_ticket")
    assert state["screen"] == "ticket" and state["ticket"] is None
    assert any("Quý vị chưa có số" in t for t in state["texts"])
    kiosk.shot("16-server-down-vi", shots)


def test_printer_gone_shows_the_ticket_with_qr_and_reports_the_fault(kiosk_factory, shots: Path) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    kiosk: Kiosk = kiosk_factory(printer=f"tcp://127.0.0.1:{closed}")
    kiosk.tap("start")
    kiosk.tap("take_ticket")
    kiosk.tap("service:DD")
    state = kiosk.wait_for(lambda s: s["printer"] == "fault")
    assert state["ticket"]["number"] and state["printer_reason"] == "not_found"
    assert any("Máy in đang gặp sự cố" in t for t in state["texts"])
    kiosk.shot("17-printer-fault-vi", shots)
    status = json.loads((Path(kiosk.settings["state_dir"]) / "printer_state.json").read_text())
    assert status["state"] == "fault" and status["reason"] == "not_found" and status["failures"] == 1
    assert state["ticket"]["number"] not in json.dumps(status)  # device status only
    assert "printer fault: not_found" in kiosk.log_path.read_text()


def test_idle_visit_is_wiped_after_a_visible_countdown(kiosk_factory, shots: Path) -> None:  # type: ignore[no-untyped-def]
    kiosk: Kiosk = kiosk_factory()
    for tap in ("start", "find", "field:HOTICH", "procedure:HT-KS-01", "proc_prepare"):
        kiosk.tap(tap)
    kiosk.type("an")
    state = kiosk.state()
    assert state["form_values"] == {"child_full_name": "an"}
    assert state["timeout"] >= 30 and state["timeout"] >= state["reading_floor"]
    kiosk.request("advance", seconds=state["timeout"] - 15)
    state = kiosk.state()
    assert state["overlay"] and state["screen"] == "form"
    kiosk.shot("18-idle-warning-vi", shots)
    kiosk.tap("idle_continue")
    state = kiosk.state()
    assert not state["overlay"] and state["form_values"] == {"child_full_name": "an"}
    kiosk.request("advance", seconds=state["timeout"] + 1)
    state = kiosk.state()
    assert state["screen"] == "welcome" and state["wipes"] == 1 and state["form_values"] == {}


def test_english_large_text_and_high_contrast_on_every_screen_with_voice(kiosk_factory, shots: Path) -> None:  # type: ignore[no-untyped-def]
    kiosk: Kiosk = kiosk_factory(voice="espeak")
    kiosk.tap("lang_en")
    kiosk.shot("20-welcome-en", shots)
    kiosk.tap("start")
    kiosk.tap("find")
    kiosk.tap("field:HOTICH")
    state = kiosk.tap("procedure:HT-KS-01")
    assert any("What to bring" in t for t in state["texts"])
    kiosk.shot("21-procedure-en", shots)
    kiosk.tap("large_text")
    state = kiosk.tap("contrast")
    assert state["fs"] > 1 and state["theme"] == "contrast"
    kiosk.shot("22-procedure-en-large-contrast", shots)
    kiosk.tap("lang")
    kiosk.shot("23-procedure-vi-large-contrast", shots)
    kiosk.tap("proc_prepare")
    kiosk.shot("24-form-vi-large-contrast", shots)
    kiosk.tap("listen")
    history = kiosk.request("voice")["history"]
    assert history and history[-1]["key"] == "form_say" and history[-1]["lang"] == "vi"
    kiosk.tap("back")
    kiosk.tap("back")
    kiosk.tap("back")
    kiosk.tap("search")
    kiosk.type("dang ky ket hon")
    kiosk.wait_for(lambda s: s["results"], 10)
    kiosk.shot("25-search-vi-large-contrast", shots)
    kiosk.tap("home")
    state = kiosk.state()
    assert state["fs"] == 1.0 and state["theme"] == "normal" and state["lang"] == "vi"  # reset for the next citizen
    assert kiosk.wait_for(lambda s: True) is not None
    voice = kiosk.request("voice")["history"]
    assert voice[-1]["error"] is None


def test_every_screen_was_checked_for_touch_targets(kiosk_factory, cccd_image: Path) -> None:  # type: ignore[no-untyped-def]
    kiosk: Kiosk = kiosk_factory(camera=str(cccd_image), large_text=True)
    kiosk.check_targets()
    for tap in ("priority", "back", "start", "take_ticket", "find", "search", "back", "field:CHUNGTHUC", "back"):
        kiosk.tap(tap)
    for tap in ("field:HOTICH", "procedure:HT-KS-01", "proc_prepare", "scan"):
        kiosk.tap(tap)
    kiosk.type("an")
    kiosk.tap("form_next")
    kiosk.type("01/02/2024")
    kiosk.tap("form_next")  # a choice field
    kiosk.request("advance", seconds=kiosk.state()["timeout"] - 10)
    kiosk.check_targets()  # with the idle overlay
    kiosk.tap("idle_continue")
    kiosk.tap("home")
    kiosk.tap("start")
    kiosk.tap("take_ticket")
    kiosk.tap("service:GT")
    kiosk.tap("ticket_done")
    kiosk.tap("home")
    kiosk.tap("feedback")  # rate our service: the number pad, then the four ratings
    kiosk.type("A1")
    kiosk.tap("feedback_next")
    kiosk.tap("feedback_comment")
    assert kiosk.screens_checked >= {s.value for s in Screen} - {"review"}
