"""The desk's intake over HTTP: a kiosk dossier and a walk-in, checklist, papers, receive, department, return."""

from __future__ import annotations

import io
import uuid

from PIL import Image

from motcua.contract.events import EVENT_MODELS, event_data

from .conftest import BIRTH, BIRTH_FORM, DossierSite


def _png(seed: int = 0) -> bytes:
    image = Image.new("RGB", (400, 560), (255, 255, 255))
    for x in range(50, 350):
        image.putpixel((x, 100 + seed % 300), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _upload(
    site: DossierSite, dossier_id: str, kind: str, data: bytes, role: str = "counter1", ctype: str = "image/png"
):
    return site.client.post(
        f"/api/v1/dossiers/{dossier_id}/papers",
        files={"file": ("page.png", data, ctype)},
        data={"kind": kind},
        headers=site.headers(role),
    )


def test_kiosk_dossier_is_shown_received_followed_and_returned(site: DossierSite):
    ticket = site.serve("1")
    receipt = site.kiosk_dossier(ticket["id"])
    r = site.client.get("/api/v1/counters/1/current-dossier", headers=site.headers("counter1"))
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["id"] == receipt["id"] and view["status"] == "prepared" and view["channel"] == "kiosk"
    assert view["data"]["child_full_name"] == "Nguyễn Văn An"
    assert [f["name"] for f in view["form"]][:2] == ["child_full_name", "child_date_of_birth"]
    assert {i["kind"] for i in view["checklist"]} == {"TOKHAI", "CHUNGSINH", "KETHON", "CCCD", "UYQUYEN"}
    assert view["missing_required"] == ["TOKHAI", "CHUNGSINH", "CCCD"]

    # Missing papers: receive refused, the "what to bring" list names them.
    refused = site.receive(view["id"])
    assert refused.status_code == 409 and refused.json()["code"] == "missing_papers"
    assert "Giấy chứng sinh" in refused.json()["message_vi"]
    missing = site.client.get(f"/api/v1/dossiers/{view['id']}/missing", headers=site.headers("counter1")).json()
    assert [m["kind"] for m in missing["missing"]] == ["TOKHAI", "CHUNGSINH", "CCCD"]

    # Edit a field, tick papers, attach one (which ticks its kind).
    r = site.client.patch(
        f"/api/v1/dossiers/{view['id']}",
        json={"data": {"child_home_town": "Bắc Ninh"}},
        headers=site.headers("counter1"),
    )
    assert r.status_code == 200 and r.json()["data"]["child_home_town"] == "Bắc Ninh"
    site.tick(view["id"], "TOKHAI", "CCCD")
    paper = _upload(site, view["id"], "CHUNGSINH", _png())
    assert paper.status_code == 201, paper.text
    assert paper.json()["pages"] == 1 and paper.json()["kind"] == "CHUNGSINH"

    site.clock.advance(12)
    key = uuid.uuid4().hex
    first = site.receive(view["id"], key)
    assert first.status_code == 200, first.text
    got = first.json()
    assert got["status"] == "received" and got["code"].startswith("TEST-SITE-261130-")
    assert got["due_date"] == "2026-11-30"  # same day: on the spot, received before 15:00
    again = site.receive(view["id"], key)
    assert again.status_code == 200 and again.json()["code"] == got["code"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = site.receive(view["id"])
    assert other.status_code == 409 and other.json()["code"] == "already_received"

    # On the spot: the desk marks the result ready and returns it in the same visit.
    r = site.client.post(f"/api/v1/dossiers/{view['id']}/result-ready", headers=site.headers("counter1"))
    assert r.status_code == 200, r.text
    r = site.client.post(f"/api/v1/dossiers/{view['id']}/return", headers=site.headers("counter1"))
    assert r.status_code == 200 and r.json()["status"] == "returned"

    events, _ = site.service.events_after(0, 500)
    dossier_events = [(e.type, e.data) for _s, e in events if e.type.startswith("dossier.")]
    types = [t for t, _ in dossier_events]
    assert types == [
        "dossier.submitted",
        "dossier.paper_added",
        "dossier.received",
        "dossier.result_ready",
        "dossier.returned",
    ]
    for t, d in dossier_events:
        assert event_data(t, d) is not None and t in EVENT_MODELS
        text = str(d)
        for secret in BIRTH_FORM.values():
            if len(secret) > 4:  # names, ID number, address, phone (not the "me"/"nam" choice codes)
                assert secret not in text  # no personal data in any event
    received = dict(dossier_events[2][1])
    assert received["desk_min"] == 12.0 and received["prepared_at_kiosk"] is True
    assert received["papers_digitised"] == 1 and received["staff_id"] == "NV01"

    kpis = site.client.get("/api/v1/kpis", headers=site.headers("display")).json()["dossiers"]
    assert kpis["received"] == 1 and kpis["kiosk_share"] == 100.0
    assert kpis["desk_time_min"]["p50"] == 12.0 and kpis["desk_time_min"]["within_target_share"] == 100.0
    assert kpis["results"]["on_time"] == 1 and kpis["digitisation"]["dossiers_rate"] == 100.0
    assert kpis["by_staff"]["NV01"]["projected_year"] == 250.0

    log = site.client.get(f"/api/v1/dossiers/{view['id']}/access-log", headers=site.headers("admin")).json()
    assert log[0] == {**log[0], "purpose": "intake", "what": "dossier", "role": "counter", "staff_id": "NV01"}
    whats = [(e["purpose"], e["what"]) for e in log]
    assert ("intake", "edit") in whats and ("intake", "checklist") in whats and ("receive", "transition") in whats
    assert any(w.startswith("paper:") and w.endswith(":add") for _p, w in whats)
    paper_id = paper.json()["id"]
    pdf = site.client.get(
        f"/api/v1/dossiers/{view['id']}/papers/{paper_id}?purpose=kiem tra", headers=site.headers("counter1")
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["cache-control"] == "no-store"
    thumb = site.client.get(
        f"/api/v1/dossiers/{view['id']}/papers/{paper_id}/thumbnails/0", headers=site.headers("counter1")
    )
    assert thumb.status_code == 200 and thumb.content.startswith(b"\x89PNG")
    log = site.client.get(f"/api/v1/dossiers/{view['id']}/access-log", headers=site.headers("admin")).json()
    assert log[-2]["what"] == f"paper:{paper_id}" and log[-2]["purpose"] == "kiem tra"
    assert log[-1]["what"] == f"paper:{paper_id}:thumbnail:0"
    assert (
        site.client.get(f"/api/v1/dossiers/{view['id']}/access-log", headers=site.headers("counter1")).status_code
        == 403
    )


def test_walk_in_draft_forwarded_supplemented_and_flagged_late(site: DossierSite):
    site.serve("1")
    r = site.client.post(
        "/api/v1/dossiers/draft",
        json={"procedure_code": "HT-KS-02", "data": {}},
        headers=site.headers("counter1", uuid.uuid4().hex),
    )
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["channel"] == "desk" and draft["ticket_number"] == "A001"
    kinds = [i["kind"] for i in draft["checklist"] if i["required"]]
    site.tick(draft["id"], *kinds)
    got = site.receive(draft["id"]).json()
    assert got["status"] == "received" and got["due_date"] == "2026-12-07"  # 5 working days after Mon 30/11
    # A department cannot act before it is forwarded to it; then asks for a supplement.
    fwd = site.client.post(f"/api/v1/dossiers/{draft['id']}/forward", headers=site.headers("counter1"))
    assert fwd.status_code == 200 and fwd.json()["department"] == "HT"
    queue = site.client.get("/api/v1/departments/dossiers", headers=site.headers("department")).json()
    assert [q["id"] for q in queue] == [draft["id"]] and "data" not in queue[0]
    assert site.client.get("/api/v1/departments/dossiers", headers=site.headers("department_other")).json() == []
    assert (
        site.client.get(f"/api/v1/dossiers/{draft['id']}", headers=site.headers("department_other")).status_code == 403
    )
    r = site.client.post(
        f"/api/v1/dossiers/{draft['id']}/supplement-request",
        json={"reason": "Bản sao chưa chứng thực", "kinds": ["KHAISINH"]},
        headers=site.headers("department"),
    )
    assert r.status_code == 200 and r.json()["missing_required"] == ["KHAISINH"]
    early = site.client.post(f"/api/v1/dossiers/{draft['id']}/supplemented", headers=site.headers("counter1"))
    assert early.status_code == 409 and early.json()["code"] == "missing_papers"
    site.tick(draft["id"], "KHAISINH")
    assert (
        site.client.post(f"/api/v1/dossiers/{draft['id']}/supplemented", headers=site.headers("counter1")).status_code
        == 200
    )
    assert (
        site.client.post(f"/api/v1/dossiers/{draft['id']}/forward", headers=site.headers("counter1")).status_code == 200
    )
    # Counters may not mark a non-on-the-spot result ready.
    assert (
        site.client.post(f"/api/v1/dossiers/{draft['id']}/result-ready", headers=site.headers("counter1")).status_code
        == 403
    )
    site.clock.advance(60 * 24 * 8)  # past the due day
    late = site.client.get("/api/v1/departments/dossiers?late=true", headers=site.headers("department")).json()
    assert [q["id"] for q in late] == [draft["id"]] and late[0]["late"] is True
    result = _upload(site, draft["id"], "KETQUA", _png(7), role="department")
    assert result.status_code == 201, result.text
    done = site.client.post(f"/api/v1/dossiers/{draft['id']}/result-ready", headers=site.headers("department"))
    assert done.status_code == 200
    events, _ = site.service.events_after(0, 500)
    ready = next(e.data for _s, e in events if e.type == "dossier.result_ready")
    assert ready["on_time"] is False and ready["result_digitised"] is True


def test_bad_inputs_are_clear_4xx(site: DossierSite):
    ticket = site.serve("1")
    d = site.kiosk_dossier(ticket["id"])
    big = b"%PDF-1.4\n" + b"0" * (21_000_000)
    r = _upload(site, d["id"], "CHUNGSINH", big, ctype="application/pdf")
    assert r.status_code == 413 and r.json()["message_vi"] and r.json()["message_en"]
    r = _upload(site, d["id"], "CHUNGSINH", b"MZ\x90\x00 not an image at all" * 10, ctype="image/png")
    assert r.status_code == 415, r.text
    r = _upload(site, d["id"], "NOPE", _png())
    assert r.status_code == 422 and r.json()["code"] == "unknown_kind"
    first = _upload(site, d["id"], "CHUNGSINH", _png(3))
    second = _upload(site, d["id"], "CHUNGSINH", _png(3))
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["id"] == first.json()["id"] and second.json()["duplicate"] is True
    assert site.client.get(f"/api/v1/dossiers/{d['id']}", headers=site.headers("kiosk")).status_code == 403
    r = site.client.post(f"/api/v1/dossiers/{d['id']}/return", headers=site.headers("counter1"))
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    r = site.client.post(f"/api/v1/dossiers/{d['id']}/cancel", json={"reason": ""}, headers=site.headers("counter1"))
    assert r.status_code == 422
    r = site.client.post(
        "/api/v1/dossiers/draft", json={"procedure_code": "NOPE"}, headers=site.headers("counter1", "k")
    )
    assert r.status_code == 404 and r.json()["code"] == "unknown_procedure"
    assert site.client.get("/api/v1/dossiers/unknown", headers=site.headers("counter1")).status_code == 404
    assert BIRTH
