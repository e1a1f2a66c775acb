"""Signed A/B updates, the pure part: the bundle manifest, slot choice and what to do after a crash.

A device has two install slots (``a``, ``b``) and a ``current`` symlink to one of them. An update is
installed into the other slot, ``current`` is switched (an atomic rename), the units restart, and the new
slot is kept only if the health check passes before the deadline; otherwise ``current`` goes back. The
state file records each step before it happens, so that after a power cut or a kill -9 ``recovery``
knows whether to discard a half-installed slot, roll back an unconfirmed switch, or do nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final, Literal

SLOTS: Final[tuple[str, str]] = ("a", "b")
Phase = Literal["idle", "installing", "switched", "committed", "rolled_back"]
Recovery = Literal["none", "discard", "rollback"]
_WHEEL = re.compile(r"^[A-Za-z0-9_.+-]+\.whl$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^[0-9A-Za-z.+-]{1,40}$")


@dataclass(frozen=True)
class Manifest:
    """What a bundle holds: the version, the role it is for, the pip requirement and each wheel's SHA-256."""

    version: str
    role: str
    requirement: str
    wheels: dict[str, str]

    def to_json(self) -> bytes:
        """The canonical bytes that are signed."""
        body = {"v": 1, "version": self.version, "role": self.role, "requirement": self.requirement}
        return json.dumps({**body, "wheels": dict(sorted(self.wheels.items()))}, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Parse and check a manifest; ValueError names what is wrong."""
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("v") != 1:
            raise ValueError("not a version 1 update manifest")
        wheels = data.get("wheels")
        if not isinstance(wheels, dict) or not wheels:
            raise ValueError("the manifest lists no wheels")
        for name, digest in wheels.items():
            if not _WHEEL.match(str(name)) or not _SHA256.match(str(digest)):
                raise ValueError(f"bad wheel entry {name!r}")
        version, role, requirement = (str(data.get(k, "")) for k in ("version", "role", "requirement"))
        if not _VERSION.match(version):
            raise ValueError("bad version")
        if not re.fullmatch(r"[a-z_]{1,32}", role) or not re.fullmatch(r"[A-Za-z0-9_.\[\],-]{1,120}", requirement):
            raise ValueError("bad role or requirement")
        return cls(version, role, requirement, {str(k): str(v) for k, v in wheels.items()})


def other_slot(active: str | None) -> str:
    """The slot to install into: the one ``current`` does not point at (``a`` on a fresh device)."""
    return "b" if active == "a" else "a"


def recovery(phase: str, active: str | None, previous: str | None, candidate: str | None) -> Recovery:
    """What to do at start-up about an update interrupted in ``phase``.

    - ``installing``: ``current`` was never switched; the candidate slot may be half written: discard it.
    - ``switched``: the new slot runs but was not confirmed healthy: roll back to ``previous`` (or, if the
      switch itself did not happen, just discard the candidate).
    - ``idle``, ``committed``, ``rolled_back``: nothing to do.
    """
    if phase == "installing":
        return "discard"
    if phase == "switched":
        if active == candidate and previous is not None:
            return "rollback"
        return "discard"
    return "none"
