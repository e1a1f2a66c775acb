"""Staff accounts of the site: people who sign in at a counter with a username and a PIN (or password).

- A person has an ``id`` that never changes (what tickets, dossiers and feedback record as ``staff_id``), a
  ``username`` and a ``display_name`` that may change, a role, the services they may serve, an argon2id hash
  of their PIN, and an enabled/disabled flag.
- Lock-out: ``MAX_FAILURES`` wrong PINs in a row for one username (whether or not it has an account) pause
  its sign-in for ``LOCK_FOR``. The answer is the same for an unknown username, a wrong PIN and a disabled
  person, and an unknown username costs one argon2 verification too, so neither tells who exists.
- Clerks and department staff serve a counter only if they may serve at least one of its services; site
  managers and admins may serve any counter.

The monitor has its own accounts (monitor/auth); the two deployables share no code (the package rule), and
this module keeps the same parameters: argon2-cffi defaults (RFC 9106), 5 failures, 15 minutes.
"""

from __future__ import annotations

import builtins
import json
import logging
import re
import secrets
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from queue_server.core.errors import DomainError, NotFound
from queue_server.store.db import Database

logger = logging.getLogger(__name__)

CLERK: Final = "clerk"
DEPARTMENT: Final = "department"
MANAGER: Final = "manager"
ADMIN: Final = "admin"
ROLES: Final = (CLERK, DEPARTMENT, MANAGER, ADMIN)
ROLE_NAMES: Final = {
    CLERK: ("Cán bộ một cửa", "Clerk"),
    DEPARTMENT: ("Cán bộ chuyên môn", "Department staff"),
    MANAGER: ("Quản lý trung tâm", "Site manager"),
    ADMIN: ("Quản trị", "Administrator"),
}
SERVE_ANY: Final = frozenset({MANAGER, ADMIN})

MAX_FAILURES: Final = 5
LOCK_FOR: Final = timedelta(minutes=15)
MIN_PIN: Final = 6
MAX_PIN: Final = 128
USERNAME_RE: Final = re.compile(r"^[a-z0-9_.-]{1,32}$")
Mode = Literal["required", "optional"]


def normalize_username(username: str) -> str:
    """Usernames compare case-insensitively, NFC, without surrounding spaces."""
    return unicodedata.normalize("NFC", username).strip().lower()


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` is not acceptable (bilingual ``(vi, en)`` joined by ``|``), or None."""
    if len(pin) < MIN_PIN or len(pin) > MAX_PIN:
        return f"Mã PIN/mật khẩu cần {MIN_PIN}–{MAX_PIN} ký tự.|A PIN or password needs {MIN_PIN}-{MAX_PIN} characters."
    if len(set(pin)) == 1:
        return "Mã PIN không được là một ký tự lặp lại.|A PIN may not be one repeated character."
    return None


@dataclass(frozen=True, slots=True)
class Person:
    """A staff account (never with its hash)."""

    id: str
    username: str
    display_name: str
    role: str
    services: tuple[str, ...]
    disabled: bool
    created_at: str
    updated_at: str

    def may_serve(self, services: Iterable[str]) -> bool:
        """Whether this person may sign in at a counter serving ``services``."""
        return self.role in SERVE_ANY or bool(set(self.services) & set(services))

    def public(self) -> dict[str, Any]:
        """The person as the API shows it."""
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "services": list(self.services),
            "disabled": self.disabled,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


class PersonError(DomainError):
    """Bad input or a refused sign-in."""

    status = 422


def _error(status: int, code: str, text: str) -> PersonError:
    vi, en = text.split("|")
    return PersonError(code, vi, en, status=status)


def _bad_credentials() -> PersonError:
    return _error(
        403,
        "sign_in_failed",
        "Tên đăng nhập hoặc mã PIN không đúng (hoặc tài khoản đã bị khóa)."
        "|Wrong username or PIN (or the account is disabled).",
    )


def _locked(until: datetime) -> PersonError:
    minutes = max(1, round((until - datetime.now(UTC)).total_seconds() / 60)) if until.tzinfo else 15
    return _error(
        429,
        "sign_in_locked",
        f"Đăng nhập sai quá {MAX_FAILURES} lần: tên đăng nhập này tạm khóa khoảng {minutes} phút."
        f"|More than {MAX_FAILURES} failed sign-ins: this username is paused for about {minutes} minutes.",
    )


class People:
    """The site's staff accounts over its SQLite database (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], datetime] | None = None,
        hasher: PasswordHasher | None = None,
        mode: Mode = "optional",
    ) -> None:
        self.db = db
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.hasher = hasher or PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4
        self.mode: Mode = mode
        self._dummy: str | None = None

    # reading
    def list(self) -> builtins.list[Person]:
        """Every person, by display name."""
        rows = self.db.query("SELECT * FROM people ORDER BY display_name COLLATE NOCASE, id")
        return [_person(r) for r in rows]

    def get(self, person_id: str) -> Person:
        """One person by id; NotFound."""
        rows = self.db.query("SELECT * FROM people WHERE id = ?", (person_id,))
        if not rows:
            raise NotFound("unknown_person", f"Không có cán bộ {person_id}.", f"No person {person_id}.")
        return _person(rows[0])

    def is_person(self, staff_id: str) -> bool:
        """Whether ``staff_id`` is a person's id or username (a typed staff id must not pose as one)."""
        name = normalize_username(staff_id)
        return bool(self.db.query("SELECT 1 FROM people WHERE id = ? OR username = ?", (staff_id, name)))

    # writing
    def create(
        self,
        username: str,
        display_name: str,
        role: str,
        pin: str,
        services: Iterable[str] = (),
        *,
        person_id: str | None = None,
    ) -> Person:
        """Add a person; PersonError for a bad field or a taken username/id."""
        name = self._username(username)
        self._check(display_name, role)
        self._check_pin(pin)
        pid = person_id or f"cb-{secrets.token_hex(4)}"
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,32}", pid):
            raise _error(422, "invalid_person_id", "Mã cán bộ không hợp lệ.|Invalid person id.")
        now = self.clock().isoformat()
        codes = self._services(services)
        try:
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT INTO people (id, username, display_name, role, services, secret_hash, disabled,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    (pid, name, display_name.strip(), role, json.dumps(codes), self.hasher.hash(pin), now, now),
                )
        except sqlite3.IntegrityError:
            raise _error(
                409, "person_exists", f"Tên đăng nhập {name} đã có.|The username {name} is taken."
            ) from None
        return self.get(pid)

    def update(self, person_id: str, **changes: Any) -> Person:
        """Change ``username``, ``display_name``, ``role``, ``services`` or ``disabled``; the id stays."""
        person = self.get(person_id)
        fields: dict[str, Any] = {}
        if changes.get("username") is not None:
            fields["username"] = self._username(changes["username"])
        if changes.get("display_name") is not None:
            fields["display_name"] = changes["display_name"].strip()
        if changes.get("role") is not None:
            fields["role"] = changes["role"]
        self._check(fields.get("display_name", person.display_name), fields.get("role", person.role))
        if changes.get("services") is not None:
            fields["services"] = json.dumps(self._services(changes["services"]))
        if changes.get("disabled") is not None:
            fields["disabled"] = 1 if changes["disabled"] else 0
        if not fields:
            return person
        fields["updated_at"] = self.clock().isoformat()
        assignments = ", ".join(f"{k} = ?" for k in fields)
        try:
            with self.db.transaction() as conn:
                conn.execute(f"UPDATE people SET {assignments} WHERE id = ?", (*fields.values(), person_id))
                if fields.get("disabled") == 0:
                    conn.execute("DELETE FROM people_sign_in_failures WHERE username = ?", (person.username,))
        except sqlite3.IntegrityError:
            raise _error(409, "person_exists", "Tên đăng nhập đã có.|The username is taken.") from None
        return self.get(person_id)

    def reset_pin(self, person_id: str, pin: str) -> Person:
        """Set a new PIN and lift a lock-out of the person's username."""
        person = self.get(person_id)
        self._check_pin(pin)
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE people SET secret_hash = ?, updated_at = ? WHERE id = ?",
                (self.hasher.hash(pin), self.clock().isoformat(), person_id),
            )
            conn.execute("DELETE FROM people_sign_in_failures WHERE username = ?", (person.username,))
        return self.get(person_id)

    # sign-in
    def authenticate(self, username: str, pin: str) -> Person:
        """The enabled person with this username and PIN; PersonError 403 ``sign_in_failed`` or 429 ``locked``."""
        name = normalize_username(username)[:64]
        now = self.clock()
        failures, locked_until = self._failures(name)
        if locked_until is not None and now < locked_until:
            raise _locked(locked_until)
        rows = self.db.query("SELECT * FROM people WHERE username = ?", (name,)) if name else []
        stored = str(rows[0]["secret_hash"]) if rows else None
        matched = self._verify(stored, pin[:MAX_PIN])
        if not rows or not matched or rows[0]["disabled"]:
            failures = failures + 1 if locked_until is None or now < locked_until else 1
            until = now + LOCK_FOR if failures >= MAX_FAILURES else None
            with self.db.transaction() as conn:
                conn.execute(
                    "INSERT INTO people_sign_in_failures (username, failures, locked_until, last_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT(username) DO UPDATE SET failures = excluded.failures,"
                    " locked_until = excluded.locked_until, last_at = excluded.last_at",
                    (name, 0 if until else failures, until.isoformat() if until else None, now.isoformat()),
                )
            if until is not None:
                logger.warning("counter sign-in paused for a username after %d failures", MAX_FAILURES)
                raise _locked(until)
            raise _bad_credentials()
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM people_sign_in_failures WHERE username = ?", (name,))
            if stored is not None and self.hasher.check_needs_rehash(stored):
                conn.execute("UPDATE people SET secret_hash = ? WHERE username = ?", (self.hasher.hash(pin), name))
        return _person(rows[0])

    def check_may_serve(self, person: Person, counter_name: tuple[str, str], services: Iterable[str]) -> None:
        """PersonError 403 ``not_allowed_here`` unless ``person`` may serve one of the counter's services."""
        if not person.may_serve(services):
            vi, en = counter_name
            raise PersonError(
                "not_allowed_here",
                f"{person.display_name} không được phân công phục vụ các dịch vụ của {vi}.",
                f"{person.display_name} is not assigned to any service of {en}.",
                status=403,
            )

    # helpers
    def _verify(self, stored: str | None, pin: str) -> bool:
        if stored is None:
            if self._dummy is None:
                self._dummy = self.hasher.hash(secrets.token_urlsafe(24))
            stored, pin = self._dummy, pin + "\x00"  # same cost, never a match
            self._check_hash(stored, pin)
            return False
        return self._check_hash(stored, pin)

    def _check_hash(self, stored: str, pin: str) -> bool:
        try:
            return bool(self.hasher.verify(stored, pin))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _failures(self, name: str) -> tuple[int, datetime | None]:
        rows = self.db.query("SELECT failures, locked_until FROM people_sign_in_failures WHERE username = ?", (name,))
        if not rows:
            return 0, None
        until = rows[0]["locked_until"]
        return int(rows[0]["failures"]), datetime.fromisoformat(until) if until else None

    @staticmethod
    def _username(username: str) -> str:
        name = normalize_username(username)
        if not USERNAME_RE.fullmatch(name):
            raise _error(
                422,
                "invalid_username",
                "Tên đăng nhập 1–32 ký tự: chữ không dấu, số, dấu chấm, gạch."
                "|A username is 1-32 letters without accents, digits, dots, dashes or underscores.",
            )
        return name

    @staticmethod
    def _check(display_name: str, role: str) -> None:
        if not display_name.strip() or len(display_name) > 80:
            raise _error(422, "invalid_name", "Họ tên cần 1–80 ký tự.|A display name needs 1-80 characters.")
        if role not in ROLES:
            raise _error(
                422, "invalid_role", f"Vai trò phải là {', '.join(ROLES)}.|The role must be one of {', '.join(ROLES)}."
            )

    @staticmethod
    def _check_pin(pin: str) -> None:
        problem = pin_problem(pin)
        if problem:
            raise _error(422, "weak_pin", problem)

    def _services(self, services: Iterable[str]) -> builtins.list[str]:
        codes = sorted({str(s).strip().upper() for s in services if str(s).strip()})
        known = {str(r["code"]) for r in self.db.query("SELECT code FROM services")}
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise NotFound(
                "unknown_service", f"Không có dịch vụ {', '.join(unknown)}.", f"No service {', '.join(unknown)}."
            )
        return codes


def _person(row: sqlite3.Row) -> Person:
    return Person(
        id=str(row["id"]),
        username=str(row["username"]),
        display_name=str(row["display_name"]),
        role=str(row["role"]),
        services=tuple(json.loads(row["services"] or "[]")),
        disabled=bool(row["disabled"]),
        created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
    )


def default_mode(environment: str) -> Mode:
    """``MOTCUA_STAFF_ACCOUNTS`` when set (``required`` or ``optional``), else required in production only."""
    import os

    value = os.environ.get("MOTCUA_STAFF_ACCOUNTS", "").strip().lower()
    if value in ("required", "optional"):
        return "required" if value == "required" else "optional"
    if value:
        raise ValueError("MOTCUA_STAFF_ACCOUNTS must be required or optional")
    return "required" if environment == "production" else "optional"
