"""Provisioning: single-use enrolment codes: format, expiry and the wrong-attempt lock.

A code reads ``K7QM-2X9D-PT4A``: the first group names the code (looked up), the other two are its
secret (only a hash is stored). 40 bits of secret, at most ``max_attempts`` guesses per code and a
per-address rate limit make guessing hopeless within the code's ten minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final, Literal

ALPHABET: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud and typed by technicians
CODE_TTL: Final = timedelta(minutes=10)
MAX_ATTEMPTS: Final = 5
_CODE = re.compile(r"^([A-Z2-9]{4})-?([A-Z2-9]{4})-?([A-Z2-9]{4})$")

CodeStatus = Literal["pending", "used", "expired", "locked", "revoked"]
Outcome = Literal["accept", "wrong", "locked", "expired", "used", "revoked"]


@dataclass(frozen=True)
class Code:
    """A code as the technician sees it: its id and its secret."""

    code_id: str
    secret: str

    @property
    def text(self) -> str:
        """The code as printed, ``XXXX-XXXX-XXXX``."""
        return f"{self.code_id}-{self.secret[:4]}-{self.secret[4:]}"


def new_code(random_choice: Callable[[str], str]) -> Code:
    """A fresh code; ``random_choice`` is ``secrets.choice`` (passed in so tests can fix it)."""
    chars = "".join(random_choice(ALPHABET) for _ in range(12))
    return Code(chars[:4], chars[4:])


def parse_code(text: str) -> Code | None:
    """The code typed or scanned by a technician (case, spaces and dashes forgiven), else None."""
    cleaned = unicodedata.normalize("NFKC", text).upper().replace(" ", "")
    match = _CODE.match(cleaned)
    if match is None:
        return None
    return Code(match.group(1), match.group(2) + match.group(3))


def hash_secret(secret: str) -> str:
    """The stored form of a code's secret."""
    return hashlib.sha256(f"motcua-enrol:{secret}".encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented secret with the stored hash."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)


@dataclass(frozen=True)
class CodeState:
    """What the registry knows about one issued code."""

    code_id: str
    expires_at: datetime
    attempts: int = 0
    used: bool = False
    revoked: bool = False
    max_attempts: int = MAX_ATTEMPTS


def code_status(state: CodeState, now: datetime) -> CodeStatus:
    """The status of a code at ``now``; a used code stays used, a locked one stays locked."""
    if state.revoked:
        return "revoked"
    if state.used:
        return "used"
    if state.attempts >= state.max_attempts:
        return "locked"
    if now >= state.expires_at:
        return "expired"
    return "pending"


@dataclass(frozen=True)
class Verdict:
    """The answer to one enrolment attempt and the code's state after it."""

    outcome: Outcome
    state: CodeState


def judge_attempt(state: CodeState, secret_ok: bool, now: datetime) -> Verdict:
    """Judge one attempt: a wrong secret counts towards the lock; only a pending code accepts."""
    status = code_status(state, now)
    if status != "pending":
        return Verdict(status, state)
    if not secret_ok:
        return Verdict("wrong", replace(state, attempts=state.attempts + 1))
    return Verdict("accept", replace(state, used=True))
