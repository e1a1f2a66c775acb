"""The monitor's access control on HTTP: one guard on every route, the login page, sign-out, accounts,
API tokens and the audit log.

The guard (``guard``, a dependency of the whole app) looks the route up in ``monitor.core.access.RULES``,
authenticates the request (``Authorization: Bearer`` API token, else the session cookie), checks the CSRF
token of a state-changing request made with a cookie, the role, and the site the request names; it refuses
a route that has no rule. Anonymous: 401 for the API, a redirect to ``/login`` for a page.

Cookies: the session (HttpOnly, SameSite=Lax, Secure), the CSRF token that the pages send back in
``X-CSRF-Token`` (readable by the pages' script, SameSite=Strict, Secure; the server compares it with the
session's own copy), and the login form's double-submit token (HttpOnly, SameSite=Strict). ``Secure`` is on
unless the monitor is started with ``--insecure-cookies`` for plain-HTTP development on loopback; then the
names lose their ``__Host-`` prefix, which requires Secure.
"""

from __future__ import annotations

import html
import secrets
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from monitor.auth.service import AuthService, SessionInfo, secret_hash
from monitor.core.access import (
    SAFE_METHODS,
    Principal,
    decide,
    rule_for,
    safe_next,
)
from monitor.errors import ApiError

WEB = Path(__file__).resolve().parent.parent / "web"
LOGIN_FORM_LIMIT = 8192


class LoginRequired(Exception):
    """An anonymous visitor asked for a page: send them to the login page."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class PageForbidden(Exception):
    """A signed-in person asked for a page they may not see."""


# cookies
def _names(secure: bool) -> tuple[str, str, str]:
    prefix = "__Host-" if secure else ""
    return f"{prefix}motcua_session", f"{prefix}motcua_csrf", f"{prefix}motcua_login_csrf"


def cookie_names(request: Request) -> tuple[str, str, str]:
    """(session, csrf, login csrf) cookie names of this app."""
    return _names(bool(request.app.state.cookie_secure))


def auth_service(request: Request) -> AuthService:
    """The app's :class:`AuthService`."""
    service: AuthService = request.app.state.auth
    return service


def client_ip(request: Request) -> str | None:
    """The address the request came from (uvicorn applies X-Forwarded-For of a trusted proxy)."""
    return request.client.host if request.client else None


def _unauthorized(code: str, vi: str, en: str) -> ApiError:
    return ApiError(401, code, vi, en, headers={"WWW-Authenticate": 'Bearer realm="motcua-monitor"'})


def _authenticate(request: Request) -> tuple[Principal | None, SessionInfo | None]:
    service = auth_service(request)
    header = request.headers.get("authorization")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise _unauthorized("bad_authorization", "Tiêu đề xác thực không hợp lệ", "Malformed Authorization header")
        principal = service.token(value.strip())
        if principal is None:
            raise _unauthorized(
                "invalid_token",
                "Mã truy cập không hợp lệ, đã thu hồi hoặc hết hạn",
                "Invalid, revoked or expired token",
            )
        return principal, None
    info = service.session(request.cookies.get(cookie_names(request)[0]))
    return (info.principal, info) if info else (None, None)


def guard(request: Request) -> None:
    """Apply the route's access rule; sets ``request.state.principal`` (None on public routes)."""
    request.state.principal = None
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    rule = rule_for(request.method, path)
    if rule is None:
        raise ApiError(403, "no_access_rule", "Đường dẫn này chưa có quy tắc truy cập", "This route has no access rule")
    if rule.auth != "account":
        return
    principal, session = _authenticate(request)
    site: str | None = None
    if rule.site == "query":
        site = request.query_params.get("site") or None
    elif rule.site == "path":
        site = request.path_params.get("site")
    verdict = decide(rule, principal, site)
    if verdict == "unauthenticated":
        if rule.page:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target)
        raise _unauthorized("not_signed_in", "Cần đăng nhập", "Sign-in required")
    if session is not None and request.method not in SAFE_METHODS:
        given = request.headers.get("x-csrf-token")
        if not AuthService.csrf_matches(session.csrf_token, given):
            raise ApiError(403, "csrf_failed", "Thiếu hoặc sai mã chống giả mạo (CSRF)", "Missing or wrong CSRF token")
    if verdict == "token_not_accepted":
        raise ApiError(
            403, "token_not_accepted", "Thao tác này cần người đăng nhập", "This action needs a signed-in person"
        )
    if verdict == "forbidden_role":
        if rule.page:
            raise PageForbidden()
        raise ApiError(403, "forbidden_role", "Vai trò của bạn không được phép", "Your role may not do this")
    if verdict == "forbidden_site":
        if rule.page:
            raise PageForbidden()
        raise ApiError(
            403, "forbidden_site", "Bạn không được xem dữ liệu của điểm này", "You may not see this site's data"
        )
    request.state.principal = principal


def current_principal(request: Request) -> Principal:
    """The principal the guard authenticated (routes with an account rule)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise _unauthorized("not_signed_in", "Cần đăng nhập", "Sign-in required")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
AuthDep = Annotated[AuthService, Depends(auth_service)]


# the login page
def _login_page(
    request: Request, *, error: str = "", username: str = "", target: str = "/", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(32)
    page = (WEB / "login.html").read_text(encoding="utf-8")
    for key, value in (("__CSRF__", token), ("__NEXT__", target), ("__ERROR__", error), ("__USERNAME__", username)):
        page = page.replace(key, html.escape(value, quote=True))
    response = HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})
    secure = bool(request.app.state.cookie_secure)
    response.set_cookie(
        cookie_names(request)[2], token, max_age=3600, path="/", secure=secure, httponly=True, samesite="strict"
    )
    return response


def _set_session_cookies(request: Request, response: Response, cookie: str, csrf: str) -> None:
    secure = bool(request.app.state.cookie_secure)
    session_name, csrf_name, login_name = cookie_names(request)
    response.set_cookie(session_name, cookie, path="/", secure=secure, httponly=True, samesite="lax")
    response.set_cookie(csrf_name, csrf, path="/", secure=secure, httponly=False, samesite="strict")
    response.delete_cookie(login_name, path="/", secure=secure, httponly=True, samesite="strict")


def _clear_session_cookies(request: Request, response: Response) -> None:
    secure = bool(request.app.state.cookie_secure)
    session_name, csrf_name, _ = cookie_names(request)
    response.delete_cookie(session_name, path="/", secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(csrf_name, path="/", secure=secure, httponly=False, samesite="strict")


def _form(body: bytes) -> dict[str, str]:
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=10)
    return {k: v[0] for k, v in fields.items()}


# bodies of the JSON API
class UserCreate(BaseModel):
    """A new account."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    role: str
    sites: list[str] | None = None
    display_name: str = Field("", max_length=120)


class UserChange(BaseModel):
    """A change to an account."""

    disabled: bool


class TokenCreate(BaseModel):
    """A new API token."""

    name: str = Field(min_length=1, max_length=120)
    role: str
    sites: list[str] | None = None
    days: float | None = Field(None, gt=0, le=3660)


def _sites(sites: frozenset[str] | None) -> list[str] | None:
    return None if sites is None else sorted(sites)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _bad_request(exc: ValueError) -> ApiError:
    return ApiError(422, "invalid", f"Dữ liệu không hợp lệ: {exc}", f"Invalid: {exc}")


def build_router() -> APIRouter:
    """Login, sign-out, the signed-in person, accounts, tokens and the audit log."""
    router = APIRouter()

    @router.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str | None = None) -> Response:
        target = safe_next(next)
        if auth_service(request).session(request.cookies.get(cookie_names(request)[0])):
            return RedirectResponse(target, status_code=303)
        return _login_page(request, target=target)

    @router.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        body = await request.body()
        if len(body) > LOGIN_FORM_LIMIT:
            return _login_page(request, error="invalid", status=413)
        form = _form(body)
        target = safe_next(form.get("next"))
        username = form.get("username", "")[:64]
        expected = request.cookies.get(cookie_names(request)[2])
        if not expected or not AuthService.csrf_matches(expected, form.get("csrf_token")):
            return _login_page(request, error="csrf", username=username, target=target, status=403)
        import asyncio

        outcome = await asyncio.to_thread(
            auth_service(request).sign_in, username, form.get("password", ""), ip=client_ip(request)
        )
        if not outcome.ok:
            status = 429 if outcome.reason == "locked" else 401
            return _login_page(request, error=outcome.reason, username=username, target=target, status=status)
        previous = request.cookies.get(cookie_names(request)[0])
        if previous:  # a new sign-in replaces the browser's old session (never reused: no fixation)
            auth_service(request).store.delete_session(secret_hash(previous))
        response = RedirectResponse(target, status_code=303)
        _set_session_cookies(request, response, outcome.cookie, outcome.csrf_token)
        return response

    @router.post("/api/v1/auth/logout", tags=["auth"])
    def logout(request: Request, principal: PrincipalDep, service: AuthDep) -> Response:
        """End the browser's session (needs its CSRF token in ``X-CSRF-Token``)."""
        service.sign_out(request.cookies.get(cookie_names(request)[0], ""), principal, ip=client_ip(request))
        response = JSONResponse({"signed_out": True})
        _clear_session_cookies(request, response)
        return response

    @router.get("/api/v1/auth/me", tags=["auth"])
    def me(principal: PrincipalDep) -> dict[str, Any]:
        """Who is asking: name, role, the sites they may read (null: every site), session or token."""
        return {
            "name": principal.name,
            "role": principal.role,
            "sites": _sites(principal.sites),
            "kind": principal.kind,
        }

    @router.get("/api/v1/auth/users", tags=["auth"])
    def users(service: AuthDep) -> list[dict[str, Any]]:
        """Every account (operators)."""
        return [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "sites": _sites(u.sites),
                "disabled": u.disabled,
                "created_at": u.created_at.isoformat(),
                "created_by": u.created_by,
            }
            for u in service.store.users()
        ]

    @router.post("/api/v1/auth/users", tags=["auth"], status_code=201)
    def create_user(body: UserCreate, request: Request, principal: PrincipalDep, service: AuthDep) -> dict[str, Any]:
        """Add an account (operators, signed in). Roles: operator, site_manager (needs sites), viewer."""
        try:
            name = service.create_user(
                body.username,
                body.password,
                body.role,
                body.sites,
                display_name=body.display_name,
                created_by=principal.name,
            )
        except ValueError as exc:
            raise _bad_request(exc) from None
        return {"username": name, "role": body.role}

    @router.patch("/api/v1/auth/users/{username}", tags=["auth"])
    def change_user(
        username: str, body: UserChange, request: Request, principal: PrincipalDep, service: AuthDep
    ) -> dict[str, Any]:
        """Disable an account (its sessions end at once) or enable it again (operators, signed in)."""
        if body.disabled and username.casefold() == principal.name:
            raise ApiError(
                409, "own_account", "Không thể tự khóa tài khoản của mình", "You cannot disable your own account"
            )
        if not service.set_disabled(username, body.disabled, actor=principal.name, ip=client_ip(request)):
            raise ApiError(404, "no_such_user", "Không có tài khoản này", "No such account")
        return {"username": username.casefold(), "disabled": body.disabled}

    @router.get("/api/v1/auth/tokens", tags=["auth"])
    def tokens(service: AuthDep) -> list[dict[str, Any]]:
        """Every API token (never its secret), revoked ones too (operators)."""
        return [
            {
                "token_id": t.token_id,
                "name": t.name,
                "role": t.role,
                "sites": _sites(t.sites),
                "created_by": t.created_by,
                "created_at": t.created_at.isoformat(),
                "expires_at": _iso(t.expires_at),
                "revoked_at": _iso(t.revoked_at),
                "last_used_at": _iso(t.last_used_at),
            }
            for t in service.store.api_tokens()
        ]

    @router.post("/api/v1/auth/tokens", tags=["auth"], status_code=201)
    def create_token(body: TokenCreate, request: Request, principal: PrincipalDep, service: AuthDep) -> dict[str, Any]:
        """A new API token for a machine reader, scoped by role and sites; the token is shown only here."""
        try:
            token_id, token = service.create_token(
                body.name, body.role, body.sites, actor=principal.name, days=body.days, ip=client_ip(request)
            )
        except ValueError as exc:
            raise _bad_request(exc) from None
        return {"token_id": token_id, "token": token, "role": body.role, "sites": body.sites}

    @router.delete("/api/v1/auth/tokens/{token_id}", tags=["auth"], status_code=204)
    def revoke_token(token_id: str, request: Request, principal: PrincipalDep, service: AuthDep) -> Response:
        """Revoke an API token (operators, signed in)."""
        if not service.revoke_token(token_id, actor=principal.name, ip=client_ip(request)):
            raise ApiError(
                404, "no_such_token", "Không có mã truy cập này (hoặc đã thu hồi)", "No such token (or revoked)"
            )
        return Response(status_code=204)

    @router.get("/api/v1/auth/audit", tags=["auth"])
    def audit(
        service: AuthDep,
        since: datetime | None = None,
        action: str | None = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> list[dict[str, Any]]:
        """The audit log, newest first (operators): sign-ins, sign-outs, exports, accounts and tokens."""
        return [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "action": e.action,
                "ok": e.ok,
                "actor": e.actor,
                "actor_kind": e.actor_kind,
                "site": e.site,
                "ip": e.ip,
                "detail": e.detail,
            }
            for e in service.store.audit_entries(since=since, action=action, limit=limit)
        ]

    return router


_FORBIDDEN_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>403</title>
<link rel="stylesheet" href="/dashboard-static/dashboard.css"></head><body>
<header class="top"><div><h1>Giám sát một cửa</h1></div></header><main><section class="panel">
<p class="error">Bạn không được xem trang này. — You may not see this page.</p>
<p><a href="/">← Toàn tỉnh / Province</a></p></section></main></body></html>"""


def install(app: FastAPI, auth: AuthService, *, cookie_secure: bool = True) -> None:
    """Add the login page, sign-out, accounts, tokens and audit routes; the guard is the app's dependency."""
    app.state.auth = auth
    app.state.cookie_secure = cookie_secure
    app.include_router(build_router())

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/login?next=" + quote(exc.target, safe="/"), status_code=303)

    @app.exception_handler(PageForbidden)
    async def _forbidden_page(request: Request, exc: PageForbidden) -> Response:
        return HTMLResponse(_FORBIDDEN_PAGE, status_code=403)
