"""What of a site event goes up to the province: the contract's fields per event type, comments redacted.

``uplink_fields(type, data)`` returns the kind (business or health) and the data to send. Known types
keep only their listed fields; unknown types keep scalar fields whose names do not look personal;
every free-text value passes through ``redact``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from edge_agent.core.redact import redact
from motcua.contract.events import EVENT_MODELS

__all__ = ["FIELDS", "PERSONAL_KEYS", "health_kind", "uplink_fields"]

# The fields each event type may carry upward: those of its payload model in the wire contract. Every
# model field is free of personal data by the contract's rule; free text (the feedback comment) is redacted.
FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    event_type: tuple(model.model_fields) for event_type, model in EVENT_MODELS.items()
}

# Field names that suggest personal data: never sent for unknown event types.
PERSONAL_KEYS: Final = (
    "name",
    "phone",
    "email",
    "address",
    "id_number",
    "cccd",
    "cmnd",
    "birth",
    "dob",
    "form",
    "fields",
    "citizen",
    "gender",
    "passport",
)

_HEALTH_TYPES: Final = frozenset({"device.health"})


def health_kind(event_type: str) -> str:
    """``health`` for samples that may be dropped under pressure, else ``business``."""
    return "health" if event_type in _HEALTH_TYPES else "business"


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items() if not _personal(str(k))}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _personal(key: str) -> bool:
    lower = key.lower()
    return any(word in lower for word in PERSONAL_KEYS)


def uplink_fields(event_type: str, data: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """(kind, data to send) of a site event; free text redacted, personal fields dropped."""
    allowed = FIELDS.get(event_type)
    if allowed is None:
        kept = {k: _clean(v) for k, v in data.items() if not _personal(k)}
    else:
        kept = {k: _clean(data[k]) for k in allowed if k in data}
    return health_kind(event_type), kept
