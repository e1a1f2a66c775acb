"""The monitor's access rules against its served OpenAPI schema and its routes, for every role, in-process
over the real app (``create_app`` + dashboard) and a real SQLite store of six simulated sites.

``client`` is the demo province operator, ``manager`` the demo site manager (one district centre),
``viewer`` the demo viewer, ``anonymous`` nobody; all through the login form (conftest).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from monitor_dashboard_helpers import SITES, csrf_header, login_form_token
from starlette.routing import Mount

from monitor.core.access import PUBLIC_MOUNTS, RULES, SITE_MANAGER, rule_for

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# GET endpoints that hold no site's data (liveness, the dashboard's own counters, the caller, the admin lists)
NO_SITE_DATA = {
    "/api/v1/healthz",
    "/api/v1/dashboard/status",
    "/api/v1/auth/me",
    "/api/v1/auth/users",
    "/api/v1/auth/tokens",
    "/api/v1/auth/audit",
}
# GET endpoints that hold every site's data unless filtered to the caller's sites
FILTERED = {"/api/v1/dashboard/overview", "/api/v1/store/sites"}


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def _fill(path: str, site: str) -> str:
    return path.replace("{site}", site).replace("{username}", "demo-viewer").replace("{token_id}", "0")


def _other(site: str) -> str:
    return next(s for s in SITES if s != site)


def test_every_endpoint_of_the_served_openapi_schema_has_an_access_rule(anonymous: Any) -> None:
    spec = anonymous.get("/openapi.json").json()
    operations = _operations(spec)
    assert len(operations) >= 15
    missing = [(method, path) for method, path, _ in operations if rule_for(method, path) is None]
    assert missing == []


def _routes(routes: list[Any], prefix: str = "") -> list[Any]:
    """Every route, also those of included routers (FastAPI keeps an included router whole)."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += _routes(inner.routes, prefix + getattr(route.include_context, "prefix", ""))
        else:
            found.append((prefix, route))
    return found


def test_every_route_of_the_app_has_a_rule_and_every_rule_a_route(app: Any) -> None:
    served: set[tuple[str, str]] = set()
    for prefix, route in _routes(app.routes):
        if isinstance(route, Mount):
            assert route.path in PUBLIC_MOUNTS, f"mounted {route.path} is not a known public static folder"
            continue
        for method in route.methods or ():
            if method != "HEAD":
                served.add((method, prefix + route.path))
    assert sorted(k for k in served if k not in RULES) == []
    assert sorted(k for k in RULES if k not in served) == []


def test_anonymous_gets_401_from_every_api_endpoint_and_a_redirect_from_every_page(anonymous: Any) -> None:
    checked = 0
    for (method, path), rule in RULES.items():
        if rule.auth != "account":
            continue
        url = _fill(path, SITES[0])
        answer = anonymous.request(method, url, json={} if method in WRITES else None, follow_redirects=False)
        if rule.page:
            assert answer.status_code == 303, (method, path)
            assert answer.headers["location"].startswith("/login?next=/"), (method, path)
        else:
            assert answer.status_code == 401, (method, path, answer.status_code)
            assert answer.json()["code"] == "not_signed_in" and answer.json()["message_vi"]
            assert answer.headers["www-authenticate"].startswith("Bearer")
        checked += 1
    assert checked >= 20


def test_public_endpoints_answer_without_credentials(anonymous: Any) -> None:
    for path in ("/api/v1/healthz", "/openapi.json", "/docs", "/redoc", "/login", "/dashboard-static/i18n.js"):
        assert anonymous.get(path).status_code == 200, path


def test_a_site_manager_gets_403_for_another_sites_data_from_every_read_endpoint(
    manager: Any, anonymous: Any, province_db: Any
) -> None:
    own, other = province_db.managed, _other(province_db.managed)
    spec = anonymous.get("/openapi.json").json()
    reads_by_site = []
    for method, path, op in _operations(spec):
        where = {p["name"]: p["in"] for p in op.get("parameters", [])}.get("site")
        if method != "GET" or where is None:
            continue
        reads_by_site.append(path)
        params = {"site": other} if where == "query" else None
        refused = manager.get(_fill(path, other), params=params)
        assert refused.status_code == 403, (path, refused.status_code)
        assert refused.json()["code"] == "forbidden_site" and refused.json()["message_en"]
        mine = manager.get(_fill(path, own), params={"site": own} if where == "query" else None)
        assert mine.status_code == 200, (path, mine.status_code, mine.text[:300])
    assert set(reads_by_site) >= {
        "/api/v1/store/events",
        "/api/v1/store/devices",
        "/api/v1/store/alerts",
        "/api/v1/dashboard/sites/{site}",
        "/api/v1/dashboard/export",
    }
    # and the page of another site
    page = manager.get(f"/sites/{other}")
    assert page.status_code == 403 and "You may not see this page" in page.text
    assert manager.get(f"/sites/{own}").status_code == 200


def test_every_read_endpoint_is_scoped_and_those_without_a_site_answer_only_the_managers_sites(
    manager: Any, client: Any, anonymous: Any, province_db: Any
) -> None:
    own = province_db.managed
    spec = anonymous.get("/openapi.json").json()
    for method, path, op in _operations(spec):
        if method != "GET":
            continue
        has_site = any(p["name"] == "site" for p in op.get("parameters", []))
        assert has_site or path in FILTERED | NO_SITE_DATA, f"classify the new read endpoint {path}"
    overview = manager.get("/api/v1/dashboard/overview").json()
    assert [r["site"] for r in overview["sites"]] == [own] and overview["scope"] == [own]
    assert overview["province"]["sites"] == 1
    full = client.get("/api/v1/dashboard/overview").json()
    assert len(full["sites"]) == len(SITES) and full["scope"] is None
    # ranked among every site of its level, though the others are not shown
    ranked = next(r for r in full["sites"] if r["site"] == own)
    assert (overview["sites"][0]["rank"], overview["sites"][0]["rank_of"]) == (ranked["rank"], ranked["rank_of"])
    assert [s["site"] for s in manager.get("/api/v1/store/sites").json()] == [own]
    for path in ("/api/v1/store/events", "/api/v1/store/devices", "/api/v1/store/alerts"):
        rows = manager.get(path).json()
        everyone = client.get(path).json()
        assert {r["site"] for r in rows} <= {own}, path
        assert len({r["site"] for r in everyone}) > 1, path
    assert manager.get("/api/v1/store/events", params={"limit": 50}).json()
    assert manager.get("/api/v1/store/devices").json()


@pytest.mark.parametrize("who", ["client", "manager", "viewer"])
def test_each_role_may_call_exactly_what_its_rules_allow(who: str, request: pytest.FixtureRequest) -> None:
    caller = request.getfixturevalue(who)
    me = caller.get("/api/v1/auth/me").json()
    site = sorted(me["sites"])[0] if me["sites"] else SITES[0]
    allowed = refused = 0
    for (method, path), rule in RULES.items():
        if rule.auth != "account" or path == "/api/v1/auth/logout":
            continue
        url = _fill(path, site)
        answer = caller.request(
            method, url, json={} if method in WRITES else None, headers=csrf_header(caller), follow_redirects=False
        )
        if me["role"] in rule.roles:
            assert answer.status_code not in (401, 403), (who, method, path, answer.status_code)
            allowed += 1
        else:
            assert answer.status_code == 403, (who, method, path, answer.status_code)
            if not rule.page:
                assert answer.json()["code"] == "forbidden_role"
            refused += 1
    assert allowed >= 8
    # operators: everything; the others: not the accounts, tokens, audit log, metrics and the dashboard's own
    # counters (viewers: nor exports)
    assert refused == {"operator": 0, "site_manager": 9, "viewer": 10}[me["role"]]


def test_a_state_changing_request_without_the_sessions_csrf_token_is_refused(manager: Any, client: Any) -> None:
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        refused = manager.post("/api/v1/auth/logout", headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
        assert manager.get("/api/v1/auth/me").status_code == 200  # still signed in
    body = {"name": "bi", "role": "viewer"}
    assert client.post("/api/v1/auth/tokens", json=body).json()["code"] == "csrf_failed"
    assert client.post("/api/v1/auth/tokens", json=body, headers=csrf_header(client)).status_code == 201
    # the CSRF token of another session does not do either
    assert manager.post("/api/v1/auth/logout", headers=csrf_header(client)).status_code == 403
    signed_out = manager.post("/api/v1/auth/logout", headers=csrf_header(manager))
    assert signed_out.status_code == 200
    assert manager.get("/api/v1/auth/me").status_code == 401


def test_the_login_form_needs_its_own_double_submit_token(anonymous: Any, province_db: Any) -> None:
    form = {"username": "demo-operator", "password": province_db.passwords["demo-operator"], "next": "/"}
    refused = anonymous.post("/login", data={**form, "csrf_token": "made-up"}, follow_redirects=False)
    assert refused.status_code == 403 and 'data-error="csrf"' in refused.text
    token = login_form_token(anonymous.get("/login").text)
    anonymous.cookies.clear()  # a cross-site form has the field but not the cookie
    refused = anonymous.post("/login", data={**form, "csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 403
    token = login_form_token(anonymous.get("/login").text)
    ok = anonymous.post("/login", data={**form, "csrf_token": token, "next": "//evil.example/"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # never sent to another origin


def test_session_cookies_are_secure_httponly_and_samesite(anonymous: Any, province_db: Any) -> None:
    token = login_form_token(anonymous.get("/login").text)
    form = {"username": "demo-viewer", "password": province_db.passwords["demo-viewer"], "csrf_token": token}
    answer = anonymous.post("/login", data=form, follow_redirects=False)
    cookies = {c.split("=", 1)[0]: c.lower() for c in answer.headers.get_list("set-cookie")}
    session, csrf = cookies["__Host-motcua_session"], cookies["__Host-motcua_csrf"]
    assert "httponly" in session and "secure" in session and "samesite=lax" in session and "path=/" in session
    assert "httponly" not in csrf and "secure" in csrf and "samesite=strict" in csrf


def test_api_tokens_are_scoped_like_accounts_and_audited_when_they_export(
    client: Any, anonymous: Any, province_db: Any
) -> None:
    own, other = province_db.managed, _other(province_db.managed)
    made = client.post(
        "/api/v1/auth/tokens",
        json={"name": "district BI", "role": SITE_MANAGER, "sites": [own]},
        headers=csrf_header(client),
    ).json()
    bearer = {"Authorization": f"Bearer {made['token']}"}
    assert anonymous.get("/api/v1/store/events", params={"site": own, "limit": 5}, headers=bearer).status_code == 200
    assert anonymous.get("/api/v1/store/events", params={"site": other}, headers=bearer).status_code == 403
    assert [r["site"] for r in anonymous.get("/api/v1/dashboard/overview", headers=bearer).json()["sites"]] == [own]
    assert anonymous.get("/api/v1/auth/audit", headers=bearer).status_code == 403
    exported = anonymous.get("/api/v1/dashboard/export", params={"site": own, "format": "json"}, headers=bearer)
    assert exported.status_code == 200 and [r["site"] for r in exported.json()["sites"]] == [own]
    # a token cannot manage tokens, even an operator's
    root = client.post(
        "/api/v1/auth/tokens", json={"name": "scraper", "role": "operator"}, headers=csrf_header(client)
    ).json()
    again = anonymous.post(
        "/api/v1/auth/tokens",
        json={"name": "x", "role": "operator"},
        headers={"Authorization": f"Bearer {root['token']}"},
    )
    assert again.status_code == 403 and again.json()["code"] == "token_not_accepted"
    assert anonymous.get("/api/v1/auth/audit", headers={"Authorization": f"Bearer {root['token']}"}).status_code == 200
    listed = {t["token_id"]: t for t in client.get("/api/v1/auth/tokens").json()}
    assert listed[made["token_id"]]["sites"] == [own] and "token" not in listed[made["token_id"]]
    assert client.delete(f"/api/v1/auth/tokens/{made['token_id']}", headers=csrf_header(client)).status_code == 204
    revoked = anonymous.get("/api/v1/store/sites", headers=bearer)
    assert revoked.status_code == 401 and revoked.json()["code"] == "invalid_token"
    (entry,) = client.get("/api/v1/auth/audit", params={"action": "export"}).json()
    assert (entry["actor"], entry["actor_kind"], entry["site"]) == ("district BI", "token", own)
    assert entry["detail"] == {"format": "json", "rows": 1, "day": "2026-11-26", "token": made["token_id"]}


def test_exports_are_csv_for_a_spreadsheet_audited_and_not_for_viewers(
    manager: Any, viewer: Any, client: Any, province_db: Any
) -> None:
    own = province_db.managed
    answer = manager.get("/api/v1/dashboard/export", params={"site": own})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert f'filename="motcua-{own}-2026-11-26.csv"' in answer.headers["content-disposition"]
    assert answer.text.startswith("\ufeff")
    (row,) = list(csv.DictReader(io.StringIO(answer.text.removeprefix("\ufeff"))))
    assert row["site"] == own and row["name"].startswith("Bộ phận một cửa") and int(row["arrivals_today"]) > 0
    everything = manager.get("/api/v1/dashboard/export")  # no site: the manager's sites only
    assert [r["site"] for r in csv.DictReader(io.StringIO(everything.text.removeprefix("\ufeff")))] == [own]
    refused = viewer.get("/api/v1/dashboard/export")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden_role"
    entries = client.get("/api/v1/auth/audit", params={"action": "export"}).json()
    assert [(e["actor"], e["site"], e["detail"]["format"]) for e in entries] == [
        ("demo-manager", None, "csv"),
        ("demo-manager", own, "csv"),
    ]


def test_operators_manage_accounts_and_read_the_audit_of_sign_ins(client: Any, anonymous: Any) -> None:
    made = client.post(
        "/api/v1/auth/users",
        json={"username": "Tran.Thi.Binh", "password": "mật-khẩu-đủ-dài", "role": "viewer", "sites": [SITES[1]]},
        headers=csrf_header(client),
    )
    assert made.status_code == 201 and made.json()["username"] == "tran.thi.binh"
    weak = client.post(
        "/api/v1/auth/users", json={"username": "x", "password": "123", "role": "viewer"}, headers=csrf_header(client)
    )
    assert weak.status_code == 422 and weak.json()["message_vi"].startswith("Dữ liệu không hợp lệ")
    token = login_form_token(anonymous.get("/login").text)
    form = {"username": "tran.thi.binh", "password": "wrong password", "csrf_token": token}
    assert anonymous.post("/login", data=form).status_code == 401
    me = client.get("/api/v1/auth/me").json()["name"]
    own = client.patch(f"/api/v1/auth/users/{me}", json={"disabled": True}, headers=csrf_header(client))
    assert own.status_code == 409
    off = client.patch("/api/v1/auth/users/tran.thi.binh", json={"disabled": True}, headers=csrf_header(client))
    assert off.status_code == 200
    users = {u["username"]: u for u in client.get("/api/v1/auth/users").json()}
    assert users["tran.thi.binh"]["disabled"] and users["tran.thi.binh"]["sites"] == [SITES[1]]
    assert "password_hash" not in users["tran.thi.binh"]
    audit = client.get("/api/v1/auth/audit").json()
    failed = next(e for e in audit if e["action"] == "sign_in" and not e["ok"])
    assert failed["actor"] == "tran.thi.binh" and failed["detail"] == {"reason": "bad_credentials"}
    assert "wrong password" not in str(audit)
    assert any(e["action"] == "sign_in" and e["ok"] and e["actor"] == "demo-operator" for e in audit)
    assert [e["action"] for e in audit[:2]] == ["user.disabled", "sign_in"]


def test_signing_in_again_replaces_the_browsers_old_session(client: Any, province_db: Any) -> None:
    old = client.cookies.get("__Host-motcua_session")
    client.cookies.delete("__Host-motcua_session")  # a second tab's login form, the old session still valid
    token = login_form_token(client.get("/login").text)
    client.cookies.set("__Host-motcua_session", old, domain="testserver.local", path="/")
    form = {"username": "demo-viewer", "password": province_db.passwords["demo-viewer"], "csrf_token": token}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    assert client.get("/api/v1/auth/me").json()["name"] == "demo-viewer"
    client.cookies.set("__Host-motcua_session", old, domain="testserver.local", path="/")
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_viewer_of_a_set_of_sites_reads_those_and_no_other(client: Any, anonymous: Any) -> None:
    chosen = sorted(SITES[:2])
    made = client.post(
        "/api/v1/auth/tokens",
        json={"name": "district office", "role": "viewer", "sites": chosen},
        headers=csrf_header(client),
    ).json()
    bearer = {"Authorization": f"Bearer {made['token']}"}
    overview = anonymous.get("/api/v1/dashboard/overview", headers=bearer).json()
    assert sorted(r["site"] for r in overview["sites"]) == chosen and overview["province"]["sites"] == 2
    assert anonymous.get(f"/api/v1/dashboard/sites/{chosen[1]}", headers=bearer).status_code == 200
    other = next(s for s in SITES if s not in chosen)
    assert anonymous.get(f"/api/v1/dashboard/sites/{other}", headers=bearer).status_code == 403
    assert {r["site"] for r in anonymous.get("/api/v1/store/devices", headers=bearer).json()} == set(chosen)
    assert anonymous.get("/api/v1/dashboard/export", headers=bearer).status_code == 403  # viewers do not export
