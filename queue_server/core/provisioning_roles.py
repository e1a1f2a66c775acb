"""The kinds of device a technician enrols (``motcua.contract.provisioning``), and what each is to the API."""

from __future__ import annotations

from typing import Final

from motcua.contract.provisioning import DEVICE_ROLES

ROLES_WITH_COUNTER: Final[frozenset[str]] = frozenset({"counter_display", "feedback"})
ROLES_NEEDING_COUNTER: Final[frozenset[str]] = frozenset({"counter_display"})

# API token role per device role: a counter display only reads (a "display" token bound to its counter),
# it never gets the "counter" role that calls tickets. "feedback" needs the server patch that adds the role.
_TOKEN_ROLE: Final[dict[str, str]] = {
    "kiosk": "kiosk",
    "display": "display",
    "counter_display": "display",
    "feedback": "feedback",
}


def token_role(role: str) -> str:
    """The API token role given to a device of ``role``; ValueError for an unknown role."""
    try:
        return _TOKEN_ROLE[role]
    except KeyError:
        raise ValueError(f"unknown device role {role!r}; one of {', '.join(DEVICE_ROLES)}") from None


def check_role_counter(role: str, counter_id: str | None) -> None:
    """ValueError when ``role`` is unknown or its counter is missing or not allowed."""
    token_role(role)
    if role in ROLES_NEEDING_COUNTER and not counter_id:
        raise ValueError(f"a {role} device needs a counter")
    if counter_id and role not in ROLES_WITH_COUNTER:
        raise ValueError(f"a {role} device is not bound to a counter")
