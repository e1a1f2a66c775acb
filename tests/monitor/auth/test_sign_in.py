"""Accounts, lock-out, sessions and API tokens of the monitor over the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from manual_clock import Clock

from monitor.auth import AuthService
from monitor.core.access import LOCK_FOR, MAX_FAILURES

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
PASSWORD = "đúng-mật-khẩu-2026"


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def auth(store, clock) -> AuthService:
    store.clock = clock
    service = AuthService(store, clock=clock, session_hours=12, idle_minutes=120)
    service.create_user("Ng.Van.An", PASSWORD, "site_manager", ["bn-yenphong"], display_name="Nguyễn Văn An")
    return service


def _dump(store) -> str:
    """Every value of the accounts, sessions, tokens, failures and audit tables, as one string."""
    with store._tx() as cur:
        text = []
        for table in ("monitor_users", "monitor_sessions", "api_tokens", "login_failures", "audit_log"):
            cur.execute(f"SELECT * FROM {table}")
            text += [str(v) for row in cur.fetchall() for v in row]
    return "\n".join(text)


def test_a_password_is_kept_as_an_argon2id_hash_and_never_in_clear(auth, store):
    user = store.user("ng.van.an")
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert (user.role, user.sites, user.display_name) == ("site_manager", frozenset({"bn-yenphong"}), "Nguyễn Văn An")
    assert auth.sign_in("ng.van.an", "sai-mật-khẩu!").ok is False
    assert auth.sign_in("NG.VAN.AN", PASSWORD).ok  # usernames are case-insensitive
    dump = _dump(store)
    assert PASSWORD not in dump and "sai-mật-khẩu!" not in dump


def test_a_weak_password_a_taken_name_or_a_bad_scope_is_refused(auth):
    with pytest.raises(ValueError, match="at least 10"):
        auth.create_user("short", "123", "viewer")
    with pytest.raises(ValueError, match="taken"):
        auth.create_user("ng.van.an", PASSWORD, "viewer")
    with pytest.raises(ValueError, match="at least one site"):
        auth.create_user("manager2", PASSWORD, "site_manager")
    with pytest.raises(ValueError, match="every site"):
        auth.create_user("op2", PASSWORD, "operator", ["bn"])
    with pytest.raises(ValueError, match="role"):
        auth.create_user("root", PASSWORD, "admin")


def test_five_wrong_passwords_pause_the_username_for_15_minutes_even_for_the_right_one(auth, clock, store):
    for _ in range(MAX_FAILURES - 1):
        assert auth.sign_in("ng.van.an", "wrong password").reason == "bad_credentials"
    fifth = auth.sign_in("ng.van.an", "wrong password")
    assert fifth.reason == "locked" and fifth.locked_until == T0 + LOCK_FOR
    clock.advance(14)
    assert auth.sign_in("ng.van.an", PASSWORD).reason == "locked"
    clock.advance(1)
    assert auth.sign_in("ng.van.an", PASSWORD).ok
    # a success clears the count: four more failures do not lock
    for _ in range(MAX_FAILURES - 1):
        assert auth.sign_in("ng.van.an", "wrong").reason == "bad_credentials"
    assert auth.sign_in("ng.van.an", PASSWORD).ok
    reasons = [(e.ok, e.detail.get("reason")) for e in reversed(store.audit_entries(action="sign_in"))]
    assert reasons[:6] == [(False, "bad_credentials")] * 4 + [(False, "locked"), (False, "locked")]


def test_an_unknown_username_answers_and_locks_exactly_like_a_wrong_password(auth):
    known = [auth.sign_in("ng.van.an", "wrong password").reason for _ in range(MAX_FAILURES + 1)]
    unknown = [auth.sign_in("khong.co.ai", "wrong password").reason for _ in range(MAX_FAILURES + 1)]
    assert known == unknown == ["bad_credentials"] * (MAX_FAILURES - 1) + ["locked", "locked"]


def test_an_unknown_username_costs_the_same_argon2_time_as_a_known_one(store, clock):
    auth = AuthService(store, clock=clock)
    auth.create_user("timed", PASSWORD, "viewer")

    def seconds(name: str) -> float:
        store.clear_login_failures(name)
        started = time.perf_counter()
        assert not auth.sign_in(name, "wrong password").ok
        return time.perf_counter() - started

    seconds("nobody")  # the dummy hash is made on first use
    # the fastest of five each: the least disturbed by other work on the machine
    known = min(seconds("timed") for _ in range(5))
    unknown = min(seconds("nobody") for _ in range(5))
    assert known > 0.02 and 0.5 < unknown / known < 2.0, (known, unknown)


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(auth):
    signed = auth.sign_in("ng.van.an", PASSWORD)
    assert auth.session(signed.cookie).principal.name == "ng.van.an"
    assert auth.set_disabled("ng.van.an", True, actor="op")
    assert auth.session(signed.cookie) is None
    assert auth.sign_in("ng.van.an", PASSWORD).reason == "bad_credentials"
    auth.set_disabled("ng.van.an", False, actor="op")
    assert auth.sign_in("ng.van.an", PASSWORD).ok


def test_a_session_ends_when_idle_at_its_absolute_expiry_and_at_sign_out(auth, clock, store):
    first = auth.sign_in("ng.van.an", PASSWORD)
    info = auth.session(first.cookie)
    assert info.principal.sites == frozenset({"bn-yenphong"}) and info.csrf_token == first.csrf_token
    assert store.session(first.cookie) is None  # the store holds only the cookie's hash
    clock.advance(119)
    assert auth.session(first.cookie) is not None  # used: idle time counts from here
    clock.advance(121)
    assert auth.session(first.cookie) is None  # unused for over 2 h
    second = auth.sign_in("ng.van.an", PASSWORD)
    for _ in range(8):  # used every 100 min, but a sign-in lasts 12 h
        clock.advance(100)
        alive = auth.session(second.cookie)
    assert alive is None
    third = auth.sign_in("ng.van.an", PASSWORD)
    auth.sign_out(third.cookie, auth.session(third.cookie).principal)
    assert auth.session(third.cookie) is None
    assert auth.session("forged-cookie") is None and auth.session(None) is None
    assert [e.action for e in store.audit_entries()][:2] == ["sign_out", "sign_in"]


def test_api_tokens_are_kept_hashed_scoped_and_end_when_revoked_or_expired(auth, clock, store):
    token_id, token = auth.create_token("bi-tool", "site_manager", ["bn-yenphong"], actor="op", days=30)
    principal = auth.token(token)
    assert (principal.kind, principal.role, principal.sites, principal.ref) == (
        "token",
        "site_manager",
        frozenset({"bn-yenphong"}),
        token_id,
    )
    assert token.split("_", 2)[2] not in _dump(store)
    assert auth.token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert auth.token("mct_nothing_here") is None and auth.token("not-a-token") is None
    clock.advance(30 * 24 * 60)
    assert auth.token(token) is None  # expired
    _, lasting = auth.create_token("wall screen", "viewer", None, actor="op")
    assert auth.token(lasting).sites is None
    assert auth.revoke_token(lasting.split("_")[1], actor="op")
    assert auth.token(lasting) is None
    assert not auth.revoke_token(lasting.split("_")[1], actor="op")
    assert [e.action for e in store.audit_entries()][:3] == ["token.revoked", "token.created", "token.created"]


def test_failures_of_a_quiet_day_are_forgotten_but_not_a_running_lock(auth, clock, store):
    for _ in range(MAX_FAILURES - 1):
        auth.sign_in("guess.one", "wrong password")
    for _ in range(MAX_FAILURES):
        auth.sign_in("guess.two", "wrong password")
    assert store.login_failures("guess.one") == (MAX_FAILURES - 1, None)
    clock.advance(25 * 60)
    assert auth.sign_in("ng.van.an", PASSWORD).ok  # sign-ins tidy the table up
    assert store.login_failures("guess.one") == (0, None)
    assert store.login_failures("guess.two") == (0, None)  # its lock ended long ago
