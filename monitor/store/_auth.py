"""Accounts, sign-in failures, sessions, API tokens and the audit log (the rules live in ``monitor.auth``).

The store keeps what it is given: password hashes (argon2, made by ``monitor.auth``), hashes of session
cookies and of API tokens (sha-256 of 256-bit random secrets), never a password or a secret itself.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from monitor.store._connection import StoreConnection
from monitor.store.rows import ApiTokenRow, AuditRow, SessionRow, UserRow

_USER = "username, display_name, password_hash, role, sites, disabled, created_at, created_by"
_TOKEN = "token_id, token_hash, name, role, sites, created_by, created_at, expires_at, revoked_at, last_used_at"


def _sites_in(sites: frozenset[str] | None) -> str | None:
    return None if sites is None else json.dumps(sorted(sites), ensure_ascii=False)


def _sites_out(value: Any) -> frozenset[str] | None:
    return None if value is None else frozenset(json.loads(value))


class AuthMixin(StoreConnection):
    """``create_user``, ``user``, ``users``, ``set_user_disabled``, ``set_password_hash``; sign-in failures;
    sessions; API tokens; ``audit`` and ``audit_entries``."""

    # accounts
    def _user(self, r: Any) -> UserRow:
        return UserRow(r[0], r[1], r[2], r[3], _sites_out(r[4]), bool(r[5]), self._dt(r[6]), r[7])

    def create_user(
        self,
        username: str,
        password_hash: str,
        role: str,
        sites: frozenset[str] | None,
        *,
        display_name: str = "",
        created_by: str = "",
    ) -> bool:
        """Add an account; False when the username is taken."""
        with self._tx() as cur:
            cur.execute(self._sql("SELECT 1 FROM monitor_users WHERE username = ?"), [username])
            if cur.fetchone() is not None:
                return False
            cur.execute(
                self._sql(f"INSERT INTO monitor_users ({_USER}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                [username, display_name, password_hash, role, _sites_in(sites), 0, self._ts(self.clock()), created_by],
            )
        return True

    def user(self, username: str) -> UserRow | None:
        """The account of ``username`` (already normalized), or None."""
        with self._tx() as cur:
            cur.execute(self._sql(f"SELECT {_USER} FROM monitor_users WHERE username = ?"), [username])
            row = cur.fetchone()
        return None if row is None else self._user(row)

    def users(self) -> list[UserRow]:
        """Every account, by username."""
        with self._tx() as cur:
            cur.execute(f"SELECT {_USER} FROM monitor_users ORDER BY username")
            rows = cur.fetchall()
        return [self._user(r) for r in rows]

    def set_user_disabled(self, username: str, disabled: bool) -> bool:
        """Disable (its sessions end) or enable an account; False when there is no such account."""
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE monitor_users SET disabled = ? WHERE username = ?"), [int(disabled), username]
            )
            found = bool(cur.rowcount > 0)
            if disabled:
                cur.execute(self._sql("DELETE FROM monitor_sessions WHERE username = ?"), [username])
        return found

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Store a new hash of the account's password (a rehash with stronger parameters, or a new password)."""
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE monitor_users SET password_hash = ? WHERE username = ?"), [password_hash, username]
            )

    # sign-in failures, per username whether or not it exists (so a lock-out tells nothing)
    def login_failures(self, username: str) -> tuple[int, datetime | None]:
        """(consecutive failures, locked until) of a username."""
        with self._tx() as cur:
            cur.execute(self._sql("SELECT failures, locked_until FROM login_failures WHERE username = ?"), [username])
            row = cur.fetchone()
        if row is None:
            return 0, None
        return int(row[0]), None if row[1] is None else self._dt(row[1])

    def set_login_failures(self, username: str, failures: int, locked_until: datetime | None) -> None:
        """Store a username's failure count and lock."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO login_failures (username, failures, last_failure_at, locked_until) "
                    "VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, "
                    "last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until"
                ),
                [username, failures, self._ts(self.clock()), self._ts(locked_until)],
            )

    def prune_login_failures(self, before: datetime) -> int:
        """Forget failures last seen before ``before`` whose lock (if any) is over; how many."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "DELETE FROM login_failures "
                    "WHERE last_failure_at < ? AND (locked_until IS NULL OR locked_until < ?)"
                ),
                [self._ts(before), self._ts(before)],
            )
            return int(cur.rowcount)

    def clear_login_failures(self, username: str) -> None:
        """Forget a username's failures (after a successful sign-in, or an operator's unlock)."""
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM login_failures WHERE username = ?"), [username])

    # sessions
    def create_session(
        self,
        session_hash: str,
        session_id: str,
        username: str,
        csrf_token: str,
        expires_at: datetime,
        *,
        at: datetime | None = None,
    ) -> None:
        """Store a new session (the cookie's hash, a public id, the CSRF token, the absolute expiry), made at
        ``at`` (default: the store's clock)."""
        now = self._ts(at or self.clock())
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO monitor_sessions (session_hash, session_id, username, csrf_token, created_at, "
                    "last_seen, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                [session_hash, session_id, username, csrf_token, now, now, self._ts(expires_at)],
            )

    def session(self, session_hash: str) -> SessionRow | None:
        """The session of a cookie's hash, or None."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT session_id, username, csrf_token, created_at, last_seen, expires_at "
                    "FROM monitor_sessions WHERE session_hash = ?"
                ),
                [session_hash],
            )
            r = cur.fetchone()
        if r is None:
            return None
        return SessionRow(r[0], r[1], r[2], self._dt(r[3]), self._dt(r[4]), self._dt(r[5]))

    def touch_session(self, session_hash: str, at: datetime) -> None:
        """Record that the session was used at ``at`` (its idle timeout counts from there)."""
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE monitor_sessions SET last_seen = ? WHERE session_hash = ?"),
                [self._ts(at), session_hash],
            )

    def delete_session(self, session_hash: str) -> bool:
        """End a session; False when there was none."""
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM monitor_sessions WHERE session_hash = ?"), [session_hash])
            return bool(cur.rowcount > 0)

    def delete_expired_sessions(self, now: datetime) -> int:
        """Drop sessions past their absolute expiry; how many."""
        with self._tx() as cur:
            cur.execute(self._sql("DELETE FROM monitor_sessions WHERE expires_at <= ?"), [self._ts(now)])
            return int(cur.rowcount)

    # API tokens
    def _token(self, r: Any) -> ApiTokenRow:
        opt = [None if v is None else self._dt(v) for v in (r[7], r[8], r[9])]
        return ApiTokenRow(r[0], r[1], r[2], r[3], _sites_out(r[4]), r[5], self._dt(r[6]), *opt)

    def create_api_token(
        self,
        token_id: str,
        token_hash: str,
        name: str,
        role: str,
        sites: frozenset[str] | None,
        created_by: str,
        expires_at: datetime | None,
    ) -> None:
        """Store a new API token (its hash only)."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO api_tokens (token_id, token_hash, name, role, sites, created_by, created_at, "
                    "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                [
                    token_id,
                    token_hash,
                    name,
                    role,
                    _sites_in(sites),
                    created_by,
                    self._ts(self.clock()),
                    self._ts(expires_at),
                ],
            )

    def api_token(self, token_id: str) -> ApiTokenRow | None:
        """The token of ``token_id``, or None."""
        with self._tx() as cur:
            cur.execute(self._sql(f"SELECT {_TOKEN} FROM api_tokens WHERE token_id = ?"), [token_id])
            row = cur.fetchone()
        return None if row is None else self._token(row)

    def api_tokens(self) -> list[ApiTokenRow]:
        """Every API token (revoked ones too), newest first."""
        with self._tx() as cur:
            cur.execute(f"SELECT {_TOKEN} FROM api_tokens ORDER BY created_at DESC, token_id")
            rows = cur.fetchall()
        return [self._token(r) for r in rows]

    def revoke_api_token(self, token_id: str, at: datetime) -> bool:
        """Revoke a token; False when there is no such token or it was revoked already."""
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL"),
                [self._ts(at), token_id],
            )
            return bool(cur.rowcount > 0)

    def touch_api_token(self, token_id: str, at: datetime) -> None:
        """Record the token's last use."""
        with self._tx() as cur:
            cur.execute(
                self._sql("UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?"), [self._ts(at), token_id]
            )

    # the audit log
    def audit(
        self,
        action: str,
        *,
        ok: bool,
        actor: str,
        actor_kind: str,
        site: str | None = None,
        ip: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append an entry to the audit log (no password, no secret: the caller's duty)."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO audit_log (at, action, ok, actor, actor_kind, site, ip, detail) "
                    f"VALUES (?, ?, ?, ?, ?, ?, ?, {self.dialect.json_param})"
                ),
                [self._ts(self.clock()), action, int(ok), actor, actor_kind, site, ip, self._json_in(detail or {})],
            )

    def audit_entries(
        self, *, since: datetime | None = None, action: str | None = None, limit: int = 500
    ) -> list[AuditRow]:
        """Entries of the audit log, newest first."""
        sql = "SELECT id, at, action, ok, actor, actor_kind, site, ip, detail FROM audit_log WHERE 1 = 1"
        params: list[Any] = []
        if since is not None:
            sql += " AND at >= ?"
            params.append(self._ts(since))
        if action is not None:
            sql += " AND action = ?"
            params.append(action)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(int(limit))
        with self._tx() as cur:
            cur.execute(self._sql(sql), params)
            rows = cur.fetchall()
        return [
            AuditRow(int(r[0]), self._dt(r[1]), r[2], bool(r[3]), r[4], r[5], r[6], r[7], self._json_out(r[8]))
            for r in rows
        ]
