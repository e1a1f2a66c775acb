"""Password hashes: argon2id (argon2-cffi, RFC 9106 parameters), verified in constant time per hash.

A sign-in for a username that has no account still runs one verification, against a hash of a random
password made once per process, so the time taken does not tell whether the account exists.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Passwords:
    """Hashes and verifies passwords with one :class:`argon2.PasswordHasher`."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 "second choice")
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        """A new salted hash of ``password``."""
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored``; with ``stored`` None, spend the same time and say no."""
        if stored is None:
            if self._dummy is None:
                self._dummy = self.hasher.hash(secrets.token_urlsafe(24))
            self._check(self._dummy, password)
            return False
        return self._check(stored, password)

    def _check(self, stored: str, password: str) -> bool:
        try:
            return bool(self.hasher.verify(stored, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with weaker parameters than the hasher's."""
        return bool(self.hasher.check_needs_rehash(stored))


@lru_cache(maxsize=1)
def default_passwords() -> Passwords:
    """The process's password hasher (argon2-cffi's defaults)."""
    return Passwords()
