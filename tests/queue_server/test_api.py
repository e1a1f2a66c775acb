"""The HTTP API in-process: tickets, counters, roles, idempotency, errors, KPIs."""

from __future__ import annotations

import pytest


def test_issue_ticket_returns_number_position_and_estimate(site):
    site.act("1", "sign-in", staff_id="NV01")  # one open counter serves HT (default 9 min per citizen)
    first = site.issue("HT")
    second = site.issue("HT")
    assert first["number"] == "A001" and second["number"] == "A002"
    assert second["position"] == 2 and second["people_ahead"] == 1
    assert first["estimated_wait_min"] == 0 and second["estimated_wait_min"] == pytest.approx(9)
    assert first["status"] == "waiting" and first["service_name_vi"] == "Hộ tịch – Tư pháp"


def test_retry_with_same_key_returns_same_ticket(site):
    a = site.issue("CT", key="tap-1")
    b = site.client.post(
        "/api/v1/tickets",
        json={"service": "CT", "priority": None, "lang": "vi"},
        headers=site.headers("kiosk", "tap-1"),
    )
    assert b.status_code == 201 and b.json()["id"] == a["id"] and b.headers["Idempotent-Replayed"] == "true"
    assert site.issue("CT")["number"] == "B002"


def test_same_key_different_body_is_422(site):
    site.issue("CT", key="tap-2")
    r = site.client.post("/api/v1/tickets", json={"service": "HT"}, headers=site.headers("kiosk", "tap-2"))
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert r.json()["message_vi"] and r.json()["message_en"]


def test_missing_key_is_400(site):
    r = site.client.post("/api/v1/tickets", json={"service": "HT"}, headers=site.headers("kiosk"))
    assert r.status_code == 400 and r.json()["code"] == "missing_idempotency_key"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"service": "ZZ"}, "unknown_service"),
        ({"service": "HT", "priority": "vip"}, "unknown_priority"),
        ({"service": ""}, "invalid_request"),
        ({"svc": "HT"}, "invalid_request"),
        ([1, 2], "invalid_request"),
    ],
)
def test_bad_ticket_bodies_get_clear_4xx(site, body, code):
    r = site.client.post("/api/v1/tickets", json=body, headers=site.headers("kiosk", "k"))
    assert 400 <= r.status_code < 500
    assert r.json()["code"] == code and r.json()["message_vi"] and r.json()["message_en"]


def test_malformed_json_gets_422_not_500(site):
    r = site.client.post(
        "/api/v1/tickets",
        content=b"{not json",
        headers={**site.headers("kiosk", "k"), "content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"


def test_roles_are_enforced(site):
    assert site.client.post("/api/v1/tickets", json={"service": "HT"}).status_code == 401
    bad = site.client.post("/api/v1/tickets", json={"service": "HT"}, headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["code"] == "invalid_token"
    r = site.client.post("/api/v1/tickets", json={"service": "HT"}, headers=site.headers("display", "k"))
    assert r.status_code == 403
    assert site.client.post("/api/v1/counters/2/next", headers=site.headers("counter1")).status_code == 403
    assert site.client.post("/api/v1/counters/1/next", headers=site.headers("kiosk")).status_code == 403
    assert site.client.get("/api/v1/queue", headers=site.headers("display")).status_code == 200
    assert site.client.get("/api/v1/admin/tokens", headers=site.headers("display")).status_code == 403


def test_counter_flow_call_start_done(site):
    ticket = site.issue("HT")
    assert site.act("1", "next").json()["code"] == "counter_closed"
    assert site.act("1", "sign-in", staff_id="NV01").status_code == 200
    called = site.act("1", "next")
    assert called.status_code == 200 and called.json()["number"] == ticket["number"]
    assert site.act("1", "next").json()["code"] == "ticket_still_called"
    site.clock.advance(1)
    assert site.act("1", "start").json()["current"]["status"] == "serving"
    site.clock.advance(7)
    assert site.act("1", "done").json()["current"] is None
    assert site.act("1", "next").status_code == 204
    view = site.client.get("/api/v1/counters/1", headers=site.headers("counter1")).json()
    assert view["today"]["served"] == 1 and view["today"]["mean_service_min"] == pytest.approx(7)
    status = site.client.get(f"/api/v1/tickets/{ticket['id']}").json()
    assert status["status"] == "done" and status["counter_name_vi"] == "Quầy 1"


def test_next_finishes_the_ticket_being_served(site):
    site.issue("HT")
    site.issue("HT")
    site.act("1", "sign-in", staff_id="NV01")
    site.act("1", "next")
    site.act("1", "start")
    second = site.act("1", "next").json()
    assert second["number"] == "A002"
    assert site.service.kpis()["tickets_done"] == 1


def test_priority_ticket_is_called_first(site):
    site.issue("HT")
    prio = site.issue("HT", priority="elderly")
    site.act("1", "sign-in", staff_id="NV01")
    assert site.act("1", "next").json()["id"] == prio["id"]


def test_recall_then_no_show_then_reinstate(site):
    t = site.issue("HT")
    site.issue("HT")
    site.act("1", "sign-in", staff_id="NV01")
    site.act("1", "next")
    assert site.act("1", "recall").json()["current"]["recall_count"] == 1
    assert site.act("1", "no-show").status_code == 200
    r = site.client.post(f"/api/v1/tickets/{t['id']}/reinstate", headers=site.headers("counter1"))
    assert r.status_code == 200 and r.json()["status"] == "waiting" and r.json()["position"] == 1
    assert site.act("1", "next").json()["id"] == t["id"]


def test_transfer_keeps_place_in_new_queue(site):
    early = site.issue("HT")
    site.clock.advance(5)
    site.issue("CT")
    site.act("1", "sign-in", staff_id="NV01")
    site.act("1", "next")
    assert site.act("1", "transfer", service="XX").json()["code"] == "unknown_service"
    site.act("1", "transfer", service="CT")
    followed = site.client.get(f"/api/v1/tickets/{early['id']}").json()
    assert followed["status"] == "transferred"
    child = followed["transferred_to"]
    assert child["service"] == "CT" and child["number"] == early["number"] and child["position"] == 1


def test_pause_and_resume(site):
    site.issue("HT")
    site.act("1", "sign-in", staff_id="NV01")
    assert site.act("1", "pause").json()["status"] == "paused"
    assert site.act("1", "next").json()["code"] == "counter_paused"
    assert site.act("1", "resume").json()["status"] == "open"
    assert site.act("1", "next").status_code == 200


def test_numbers_restart_on_a_new_service_day_without_losing_history(site):
    first = site.issue("HT")
    site.clock.advance(24 * 60)
    again = site.issue("HT")
    assert first["number"] == again["number"] == "A001" and first["day"] != again["day"]
    assert site.client.get(f"/api/v1/tickets/{first['id']}").json()["number"] == "A001"


def test_kpis_endpoint_reports_waits(site):
    site.issue("HT")
    site.act("1", "sign-in", staff_id="NV01")
    site.clock.advance(12)
    site.act("1", "next")
    k = site.client.get("/api/v1/kpis", headers=site.headers("admin")).json()
    assert k["wait_min"]["max"] == pytest.approx(12) and k["served_within_15_min_pct"] == 100.0
    assert site.client.get("/api/v1/kpis?date=yesterday", headers=site.headers("admin")).status_code == 422


def test_appointment_check_in_is_served_ahead_of_walk_ins(site):
    walk_in = site.issue("HT")
    start = site.clock.now.isoformat()
    end = (site.clock.now.replace(hour=site.clock.now.hour + 1)).isoformat()
    booked = site.client.post(
        "/api/v1/appointments", json={"service": "HT", "start": start, "end": end}, headers=site.headers("kiosk")
    )
    assert booked.status_code == 201
    code = booked.json()["code"]
    r = site.client.post(f"/api/v1/appointments/{code}/check-in", headers=site.headers("kiosk", "appt-1"))
    assert r.status_code == 201
    again = site.client.post(f"/api/v1/appointments/{code}/check-in", headers=site.headers("kiosk", "appt-2"))
    assert again.status_code == 409 and again.json()["code"] == "appointment_used"
    site.act("1", "sign-in", staff_id="NV01")
    assert site.act("1", "next").json()["id"] == r.json()["id"]
    assert site.act("1", "next").json()["code"] == "ticket_still_called"
    site.act("1", "start")
    assert site.act("1", "next").json()["id"] == walk_in["id"]


def test_admin_configures_services_counters_and_tokens(site):
    h = site.headers("admin")
    r = site.client.put(
        "/api/v1/services/HN", json={"letter": "H", "name_vi": "Hôn nhân", "name_en": "Marriage"}, headers=h
    )
    assert r.status_code == 200
    clash = site.client.put("/api/v1/services/XY", json={"letter": "H", "name_vi": "X", "name_en": "X"}, headers=h)
    assert clash.status_code == 409
    assert (
        site.client.put(
            "/api/v1/counters/9", json={"name_vi": "Quầy 9", "name_en": "Counter 9", "services": ["HN"]}, headers=h
        ).status_code
        == 200
    )
    token = site.client.post("/api/v1/admin/tokens", json={"role": "counter", "counter_id": "9"}, headers=h).json()
    assert token["token"].startswith("mc_")
    assert (
        site.client.post(
            "/api/v1/counters/9/sign-in",
            json={"staff_id": "NV9"},
            headers={"Authorization": f"Bearer {token['token']}"},
        ).status_code
        == 200
    )


def test_unknown_routes_and_methods_are_json_errors(site):
    assert site.client.get("/api/v1/nope").json()["code"] == "not_found"
    assert site.client.delete("/api/v1/services").json()["code"] == "method_not_allowed"


def _birth_form(site):
    proc = site.client.get("/api/v1/procedures", params={"q": "dang ky khai sinh", "limit": 1}).json()["items"][0]
    full = site.client.get(f"/api/v1/procedures/{proc['code']}").json()
    return full, {f["name"]: "Nguyễn Văn Riêngtư" for f in full["form"] if f["required"]}


def test_dossier_is_stored_linked_to_ticket_and_listed_for_the_counter(site):
    procedure, data = _birth_form(site)
    ticket = site.issue(procedure["service"])
    body = {"procedure_code": procedure["code"], "ticket_id": ticket["id"], "data": data}
    r = site.client.post("/api/v1/dossiers", json=body, headers=site.headers("kiosk", "d-1"))
    assert r.status_code == 201 and r.json()["receipt_code"].startswith("HS-")
    again = site.client.post("/api/v1/dossiers", json=body, headers=site.headers("kiosk", "d-1"))
    assert again.json()["receipt_code"] == r.json()["receipt_code"]
    listed = site.client.get("/api/v1/counters/1/dossiers", headers=site.headers("counter1")).json()
    assert [d["receipt_code"] for d in listed] == [r.json()["receipt_code"]] and "data" not in listed[0]
    full = site.client.get(f"/api/v1/dossiers/{r.json()['id']}", headers=site.headers("counter1")).json()
    assert full["data"] == data
    assert site.client.get(f"/api/v1/dossiers/{r.json()['id']}", headers=site.headers("kiosk")).status_code == 403
    # The event log carries no form data.
    rows = site.service.db.query("SELECT data FROM events WHERE type = 'dossier.submitted'")
    assert "Riêngtư" not in rows[0]["data"]


def test_dossier_with_missing_or_unknown_fields_is_refused(site):
    procedure, data = _birth_form(site)
    missing = site.client.post(
        "/api/v1/dossiers", json={"procedure_code": procedure["code"], "data": {}}, headers=site.headers("kiosk", "d-2")
    )
    assert missing.status_code == 422 and missing.json()["code"] == "missing_fields"
    unknown = site.client.post(
        "/api/v1/dossiers",
        json={"procedure_code": procedure["code"], "data": {**data, "hack": "1"}},
        headers=site.headers("kiosk", "d-3"),
    )
    assert unknown.json()["code"] == "unknown_fields"
    nope = site.client.post(
        "/api/v1/dossiers", json={"procedure_code": "NOPE", "data": {}}, headers=site.headers("kiosk", "d-4")
    )
    assert nope.status_code == 404


def test_dossier_personal_data_is_purged_after_retention(site):
    procedure, data = _birth_form(site)
    r = site.client.post(
        "/api/v1/dossiers",
        json={"procedure_code": procedure["code"], "data": data},
        headers=site.headers("kiosk", "d-5"),
    )
    desk = site.client.app.state.dossiers
    assert desk.purge_expired() == 0
    site.clock.advance(31 * 24 * 60)
    assert desk.purge_expired() == 1
    assert desk.get(r.json()["id"])["data"] == {}


def test_procedure_search_finds_the_right_procedure_first(site):
    for query, expected in [
        ("dang ky khai sinh", "khai sinh"),
        ("ly lich tu phap", "lý lịch tư pháp"),
        ("giay phep lai xe", "giấy phép lái xe"),
    ]:
        items = site.client.get("/api/v1/procedures", params={"q": query}).json()["items"]
        assert expected in items[0]["name_vi"].lower(), (query, items[0]["name_vi"])
    assert site.client.get("/api/v1/procedures/NOPE").status_code == 404
    assert site.client.get("/api/v1/fields").json()


def test_admin_revokes_a_token_and_it_is_refused_at_once(site):
    h = site.headers("admin")
    assert site.client.get("/api/v1/queue", headers=site.headers("display")).status_code == 200
    token_id = next(
        t["id"] for t in site.client.get("/api/v1/admin/tokens", headers=h).json() if t["role"] == "display"
    )
    assert site.client.post(f"/api/v1/admin/tokens/{token_id}/revoke", headers=h).json()["revoked"] is True
    assert site.client.get("/api/v1/queue", headers=site.headers("display")).status_code == 401
    assert site.client.post(f"/api/v1/admin/tokens/{token_id}/revoke", headers=h).status_code == 404


def test_docs_are_served_without_internet(site):
    page = site.client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert site.client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_public_lists_of_services_and_priorities(site):
    services = site.client.get("/api/v1/services").json()
    assert [s["letter"] for s in services] == list("ABCDEFG")
    assert services[0]["name_vi"] == "Hộ tịch – Tư pháp" and services[0]["default_service_min"] == 9.0
    codes = [p["code"] for p in site.client.get("/api/v1/priorities").json()]
    assert codes == ["elderly", "disability", "pregnant", "young_child", "meritorious"]


def test_a_kiosk_issuing_faster_than_people_tap_is_slowed_down(site):
    codes = [
        site.client.post("/api/v1/tickets", json={"service": "HT"}, headers=site.headers("kiosk", f"burst-{n}"))
        for n in range(15)
    ]
    statuses = [r.status_code for r in codes]
    assert statuses[:10] == [201] * 10 and 429 in statuses
    refused = next(r for r in codes if r.status_code == 429).json()
    assert refused["code"] == "rate_limited" and "giây" in refused["message_vi"]
