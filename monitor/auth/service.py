"""Sign-in with lock-out, server-side sessions, API tokens and the audit log, over the monitor's store.

- A password is checked with argon2; five wrong ones in a row for a username (whether or not it has an
  account) pause its sign-in for 15 minutes (``monitor.core.access``). The answer is the same for an unknown
  username, a wrong password and a disabled account; a paused username says so, known or not.
- A session is a 256-bit random cookie; the store keeps its sha-256, the person, a CSRF token, and when it
  ends: ``session_hours`` after sign-in, or ``idle_minutes`` after its last use, or at sign-out.
- An API token ``mct_<id>_<secret>`` is scoped like an account (role + sites); the store keeps its sha-256.
- The audit log records sign-ins (success and failure, never the password), sign-outs, exports (with the
  token that made them), and changes to accounts and tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from monitor.auth.passwords import Passwords, default_passwords
from monitor.core.access import (
    Principal,
    check_scope,
    is_locked,
    lock_after_failure,
    normalize_username,
    password_problem,
)

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "mct_"
TOUCH_EVERY = timedelta(seconds=60)  # a polling page updates last_seen at most once a minute
FORGET_FAILURES_AFTER = timedelta(days=1)  # a username's failures (not its lock) are forgotten after a quiet day


def secret_hash(secret: str) -> str:
    """The sha-256 the store keeps of a session cookie or an API token's secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SignIn:
    """The outcome of a sign-in: ``ok`` with a session, else ``reason`` (``bad_credentials`` or ``locked``)."""

    ok: bool
    reason: Literal["", "bad_credentials", "locked"] = ""
    principal: Principal | None = None
    cookie: str = ""
    csrf_token: str = ""
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A valid session: who, and the CSRF token a state-changing request must carry."""

    principal: Principal
    csrf_token: str


class AuthService:
    """Accounts, sessions and tokens of the monitor (see the module docstring)."""

    def __init__(
        self,
        store: Any,
        *,
        clock: Callable[[], datetime] | None = None,
        passwords: Passwords | None = None,
        session_hours: float = 12.0,
        idle_minutes: float = 120.0,
    ) -> None:
        self.store = store
        self.clock: Callable[[], datetime] = clock or getattr(store, "clock", None) or _now
        self.passwords = passwords or default_passwords()
        self.session_length = timedelta(hours=session_hours)
        self.idle = timedelta(minutes=idle_minutes)

    # accounts
    def create_user(
        self,
        username: str,
        password: str,
        role: str,
        sites: Iterable[str] | None = None,
        *,
        display_name: str = "",
        created_by: str = "cli",
    ) -> str:
        """Add an account; its normalized username. ValueError: bad role/sites, weak password, name taken."""
        name = normalize_username(username)
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise ValueError("a username is 1-64 characters without spaces")
        scope = check_scope(role, None if sites is None else list(sites))
        problem = password_problem(password)
        if problem:
            raise ValueError(f"the password needs {problem}")
        if not self.store.create_user(
            name, self.passwords.hash(password), role, scope, display_name=display_name, created_by=created_by
        ):
            raise ValueError(f"the username {name!r} is taken")
        self.store.audit(
            "user.created",
            ok=True,
            actor=created_by,
            actor_kind="cli" if created_by == "cli" else "session",
            detail={"username": name, "role": role, "sites": None if scope is None else sorted(scope)},
        )
        return name

    def set_disabled(self, username: str, disabled: bool, *, actor: str, ip: str | None = None) -> bool:
        """Disable (signing it out everywhere) or enable an account; False when there is none."""
        name = normalize_username(username)
        found = bool(self.store.set_user_disabled(name, disabled))
        if found:
            if not disabled:
                self.store.clear_login_failures(name)
            action = "user.disabled" if disabled else "user.enabled"
            self.store.audit(action, ok=True, actor=actor, actor_kind="session", ip=ip, detail={"username": name})
        return found

    # sign-in and sessions
    def sign_in(self, username: str, password: str, *, ip: str | None = None) -> SignIn:
        """Check a username and password (with lock-out); on success a new session."""
        name = normalize_username(username)[:64]
        now = self.clock()
        failures, locked_until = self.store.login_failures(name)
        if is_locked(locked_until, now):
            self.store.audit(
                "sign_in", ok=False, actor=name, actor_kind="anonymous", ip=ip, detail={"reason": "locked"}
            )
            return SignIn(False, "locked", locked_until=locked_until)
        user = self.store.user(name) if name else None
        matched = self.passwords.verify(user.password_hash if user else None, password)
        if user is None or not matched or user.disabled:
            failures, locked_until = lock_after_failure(failures, now)
            self.store.set_login_failures(name, failures, locked_until)
            self.store.audit(
                "sign_in",
                ok=False,
                actor=name,
                actor_kind="anonymous",
                ip=ip,
                detail={"reason": "locked" if locked_until else "bad_credentials"},
            )
            if locked_until is not None:
                logger.warning("monitor sign-in paused for a username after repeated failures")
                return SignIn(False, "locked", locked_until=locked_until)
            return SignIn(False, "bad_credentials")
        self.store.clear_login_failures(name)
        if self.passwords.needs_rehash(user.password_hash):
            self.store.set_password_hash(name, self.passwords.hash(password))
        cookie, session_id, csrf = secrets.token_urlsafe(32), secrets.token_hex(8), secrets.token_urlsafe(32)
        self.store.create_session(secret_hash(cookie), session_id, name, csrf, now + self.session_length, at=now)
        self.store.delete_expired_sessions(now)
        self.store.prune_login_failures(now - FORGET_FAILURES_AFTER)
        principal = Principal("session", name, user.role, user.sites, session_id)
        self.store.audit("sign_in", ok=True, actor=name, actor_kind="session", ip=ip, detail={"session": session_id})
        return SignIn(True, principal=principal, cookie=cookie, csrf_token=csrf)

    def session(self, cookie: str | None) -> SessionInfo | None:
        """The valid session of a cookie (extending its idle time), or None."""
        if not cookie:
            return None
        key = secret_hash(cookie)
        row = self.store.session(key)
        if row is None:
            return None
        now = self.clock()
        if now >= row.expires_at or now >= row.last_seen + self.idle:
            self.store.delete_session(key)
            return None
        user = self.store.user(row.username)
        if user is None or user.disabled:
            self.store.delete_session(key)
            return None
        if now - row.last_seen >= TOUCH_EVERY:
            self.store.touch_session(key, now)
        return SessionInfo(Principal("session", user.username, user.role, user.sites, row.session_id), row.csrf_token)

    def sign_out(self, cookie: str, principal: Principal, *, ip: str | None = None) -> None:
        """End the session of ``cookie``."""
        self.store.delete_session(secret_hash(cookie))
        self.store.audit(
            "sign_out", ok=True, actor=principal.name, actor_kind="session", ip=ip, detail={"session": principal.ref}
        )

    @staticmethod
    def csrf_matches(expected: str, given: str | None) -> bool:
        """Constant-time comparison of a CSRF token."""
        return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())

    # API tokens
    def create_token(
        self,
        name: str,
        role: str,
        sites: Iterable[str] | None,
        *,
        actor: str,
        actor_kind: str = "session",
        days: float | None = None,
        ip: str | None = None,
    ) -> tuple[str, str]:
        """A new API token: (token id, the token, shown once). ValueError on a bad role or sites."""
        scope = check_scope(role, None if sites is None else list(sites))
        if not name.strip():
            raise ValueError("a token needs a name (who or what uses it)")
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        expires = None if days is None else self.clock() + timedelta(days=days)
        self.store.create_api_token(token_id, secret_hash(secret), name.strip(), role, scope, actor, expires)
        self.store.audit(
            "token.created",
            ok=True,
            actor=actor,
            actor_kind=actor_kind,
            ip=ip,
            detail={
                "token": token_id,
                "name": name.strip(),
                "role": role,
                "sites": None if scope is None else sorted(scope),
            },
        )
        return token_id, f"{TOKEN_PREFIX}{token_id}_{secret}"

    def revoke_token(self, token_id: str, *, actor: str, ip: str | None = None) -> bool:
        """Revoke a token; False when there is none (or it was revoked already)."""
        done = bool(self.store.revoke_api_token(token_id, self.clock()))
        if done:
            self.store.audit(
                "token.revoked", ok=True, actor=actor, actor_kind="session", ip=ip, detail={"token": token_id}
            )
        return done

    def token(self, bearer: str) -> Principal | None:
        """The principal of a valid API token, or None (unknown, malformed, revoked or expired)."""
        if not bearer.startswith(TOKEN_PREFIX):
            return None
        token_id, sep, secret = bearer.removeprefix(TOKEN_PREFIX).partition("_")
        if not sep or not secret:
            return None
        row = self.store.api_token(token_id)
        if row is None or not hmac.compare_digest(row.token_hash, secret_hash(secret)):
            return None
        now = self.clock()
        if row.revoked_at is not None or (row.expires_at is not None and now >= row.expires_at):
            return None
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
            self.store.touch_api_token(token_id, now)
        return Principal("token", row.name, row.role, row.sites, row.token_id)

    # the audit log
    def audit(self, action: str, principal: Principal | None, *, ok: bool = True, **fields: Any) -> None:
        """Record ``action`` by ``principal`` (a token's use is recorded with the token's id)."""
        detail = dict(fields.pop("detail", {}) or {})
        if principal is not None and principal.kind == "token":
            detail.setdefault("token", principal.ref)
        self.store.audit(
            action,
            ok=ok,
            actor=principal.name if principal else "",
            actor_kind=principal.kind if principal else "anonymous",
            detail=detail,
            **fields,
        )
