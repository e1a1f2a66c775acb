"""Signing in and out of the monitor in headless Chromium against a real uvicorn server: the redirect to the
login page and back, sign-out, a wrong password and the lock-out in both languages, a site manager's view.

Screenshots of the login page go to ``$MOTCUA_MONITOR_SHOTS`` when set (docs/monitor/), else to the test's
temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from monitor_dashboard_helpers import SITES, sign_in_page

from monitor.core.access import MAX_FAILURES


def _shot(page: Any, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("MOTCUA_MONITOR_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=False)


def _me_status(page: Any) -> int:
    return int(page.evaluate("fetch('/api/v1/auth/me').then(r => r.status)"))


def test_a_visitor_is_sent_to_the_login_page_and_back_to_the_page_asked_for(
    server: str, anonymous_page: Any, province_db: Any, tmp_path: Path
) -> None:
    page = anonymous_page
    page.goto(server + "/sites/bn-yenphong")
    assert page.url == server + "/login?next=/sites/bn-yenphong"
    assert page.locator("h2").inner_text() == "Đăng nhập"
    assert page.locator("label[for=username]").inner_text() == "Tên đăng nhập"
    assert page.locator("#error").is_hidden()
    assert _me_status(page) == 401
    _shot(page, "login-vi.png", tmp_path)
    page.click("#lang")
    assert page.locator("h2").inner_text() == "Sign in"
    assert page.locator("label[for=password]").inner_text() == "Password"
    assert page.title() == "Sign in — One-stop monitor"
    _shot(page, "login-en.png", tmp_path)
    page.click("#lang")
    page.fill("#username", "demo-operator")
    page.fill("#password", province_db.passwords["demo-operator"])
    page.click("#submit")
    page.wait_for_url(server + "/sites/bn-yenphong")
    page.wait_for_selector("#services tbody tr[data-service]")
    assert page.locator("#site-name").inner_text() == "Bộ phận một cửa huyện Yên Phong"
    assert page.locator("#who").inner_text() == "demo-operator · Điều hành tỉnh"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["__Host-motcua_session"]["httpOnly"] and cookies["__Host-motcua_session"]["secure"]
    assert page.evaluate("document.cookie").count("motcua_session") == 0  # not readable by the page's script


def test_signing_out_ends_the_session_on_the_server(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.wait_for_selector("#sites tbody tr[data-site]")
    assert _me_status(page) == 200
    cookie = next(c for c in page.context.cookies() if c["name"] == "__Host-motcua_session")
    page.click("#signout")
    page.wait_for_url(server + "/login")
    assert _me_status(page) == 401
    page.goto(server + "/")
    assert page.url.startswith(server + "/login?next=/")
    # the old cookie, put back, is worth nothing: the server forgot the session
    page.context.add_cookies([{k: cookie[k] for k in ("name", "value", "domain", "path", "secure", "httpOnly")}])
    assert _me_status(page) == 401


def test_a_wrong_password_is_refused_and_five_lock_the_username_in_both_languages(
    server: str, anonymous_page: Any, province_db: Any, tmp_path: Path
) -> None:
    page = anonymous_page
    page.goto(server + "/login")
    for attempt in range(1, MAX_FAILURES + 1):
        page.fill("#username", "demo-viewer")
        page.fill("#password", f"sai mật khẩu {attempt}")
        with page.expect_navigation():
            page.click("#submit")
        if attempt < MAX_FAILURES:
            assert page.locator("#error").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert page.locator("#error").inner_text() == "Đăng nhập sai quá nhiều lần: tên đăng nhập này tạm khóa 15 phút."
    assert page.locator("#username").input_value() == "demo-viewer"  # kept; the password is not
    assert page.locator("#password").input_value() == ""
    _shot(page, "login-locked-vi.png", tmp_path)
    page.click("#lang")
    assert page.locator("#error").inner_text() == (
        "Too many failed attempts: sign-in for this username is paused for 15 minutes."
    )
    # now even the right password waits the 15 minutes
    page.fill("#password", province_db.passwords["demo-viewer"])
    with page.expect_navigation():
        page.click("#submit")
    assert "/login" in page.url and "paused for 15 minutes" in page.locator("#error").inner_text()
    assert _me_status(page) == 401


def test_a_site_manager_sees_only_their_site_and_is_refused_another(
    server: str, anonymous_page: Any, province_db: Any
) -> None:
    page = anonymous_page
    sign_in_page(page, server, "demo-manager", province_db.passwords["demo-manager"])
    page.wait_for_selector("#sites tbody tr[data-site]")
    assert [page.locator("#sites tbody tr[data-site]").nth(0).get_attribute("data-site")] == [province_db.managed]
    assert page.locator("#sites tbody tr[data-site]").count() == 1
    assert page.locator("#who").inner_text() == "demo-manager · Quản lý điểm"
    assert page.locator("#export").is_visible()
    other = next(s for s in SITES if s != province_db.managed)
    answer = page.goto(f"{server}/sites/{other}")
    assert answer is not None and answer.status == 403
    assert "Bạn không được xem trang này" in page.locator("body").inner_text()
    status = page.evaluate(f"fetch('/api/v1/dashboard/sites/{other}').then(r => r.status)")
    assert status == 403


def test_a_request_of_the_signed_in_browser_without_the_csrf_token_is_refused(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.wait_for_selector("#sites tbody tr[data-site]")
    forged = page.evaluate(
        """fetch('/api/v1/auth/tokens', {method: 'POST', headers: {'Content-Type': 'application/json'},
             body: JSON.stringify({name: 'x', role: 'operator'})}).then(async r => [r.status, (await r.json()).code])"""
    )
    assert forged == [403, "csrf_failed"]  # the session cookie went along; the token the page holds did not
    made = page.evaluate(
        "Dash.send('POST', '/api/v1/auth/tokens', {name: 'wall screen', role: 'viewer'}).then(r => r.status)"
    )
    assert made == 201
    assert _me_status(page) == 200
