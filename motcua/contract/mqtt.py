"""Every MQTT topic of motcua is built here, and every payload is a versioned pydantic model here.

Layout under the root ``motcua/{site}/``:

| topic                                   | QoS | retained | payload        | publisher      |
|-----------------------------------------|-----|----------|----------------|----------------|
| ``call``                                | 1   | no       | CallEvent      | queue server   |
| ``counter/{counter}/state``             | 1   | yes      | CounterState   | queue server   |
| ``queue/summary``                       | 1   | yes      | QueueSummary   | queue server   |
| ``events``                              | 1   | no       | EventEnvelope  | queue server   |
| ``device/{device}/status``              | 1   | yes      | DeviceStatus   | each device    |
| ``device/{device}/config``              | 1   | yes      | DeviceConfig   | queue server   |

``DeviceConfig`` lives in ``motcua.contract.provisioning``. The module owns no connection: callers hand the topic
and bytes to their own client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ROOT = "motcua"
_SEGMENT = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

QOS_EVENTS = 1  # MQTT 3.1.1 §4.3.2: at-least-once; receivers de-duplicate by ``seq``.


def _segment(value: str, what: str) -> str:
    """Return ``value`` if it is a safe single topic level, else raise ValueError."""
    if not _SEGMENT.match(value):
        raise ValueError(f"invalid {what} for an MQTT topic level: {value!r}")
    return value


def _root(site: str) -> str:
    return f"{ROOT}/{_segment(site, 'site id')}"


def topic_call(site: str) -> str:
    """Topic of call events (a counter calls or recalls a ticket)."""
    return f"{_root(site)}/call"


def topic_counter_state(site: str, counter_id: str) -> str:
    """Retained state of one counter: what it serves, open or paused."""
    return f"{_root(site)}/counter/{_segment(counter_id, 'counter id')}/state"


def topic_counter_states(site: str) -> str:
    """Subscription filter for the states of every counter of a site."""
    return f"{_root(site)}/counter/+/state"


def topic_queue_summary(site: str) -> str:
    """Retained summary of the waiting queue and the last calls."""
    return f"{_root(site)}/queue/summary"


def topic_events(site: str) -> str:
    """Every event of the site's append-only event log, in order."""
    return f"{_root(site)}/events"


def topic_device_status(site: str, device_id: str) -> str:
    """Retained status of one device; its last will says offline."""
    return f"{_root(site)}/device/{_segment(device_id, 'device id')}/status"


def topic_device_statuses(site: str) -> str:
    """Subscription filter for the status of every device of a site."""
    return f"{_root(site)}/device/+/status"


def topic_device_config(site: str, device_id: str) -> str:
    """Retained configuration published to one device."""
    return f"{_root(site)}/device/{_segment(device_id, 'device id')}/config"


@dataclass(frozen=True)
class Topic:
    """An MQTT topic name or filter with MQTT wildcard matching (MQTT 3.1.1 §4.7)."""

    value: str

    def matches(self, topic: str) -> bool:
        """True when the concrete ``topic`` matches this filter."""
        pattern = self.value.split("/")
        parts = topic.split("/")
        for index, level in enumerate(pattern):
            if level == "#":
                return True
            if index >= len(parts):
                return False
            if level not in ("+", parts[index]):
                return False
        return len(parts) == len(pattern)


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class CallEvent(_Payload):
    """A counter calls (or recalls) a ticket: displays show it and announce it."""

    v: Literal[1] = 1
    site: str
    seq: int = Field(description="Sequence of the event in the site's event log; increases strictly.")
    ticket_id: str
    number: str = Field(description="Ticket number as printed, e.g. B012.")
    service: str
    service_name_vi: str
    service_name_en: str
    counter_id: str
    counter_name_vi: str
    counter_name_en: str
    priority: str | None = None
    recall_count: int = 0
    called_at: datetime = Field(description="Time of this call or recall (a recall carries the recall's time).")


class ServingTicket(_Payload):
    """The ticket a counter has called or is serving."""

    ticket_id: str
    number: str
    service: str
    status: Literal["called", "serving"]
    priority: str | None = None
    called_at: datetime


class CounterState(_Payload):
    """Retained state of a counter."""

    v: Literal[1] = 1
    site: str
    seq: int
    counter_id: str
    counter_name_vi: str
    counter_name_en: str
    status: Literal["open", "paused", "closed"]
    serving: ServingTicket | None = None
    updated_at: datetime


class ServiceWaiting(_Payload):
    """Waiting count of one service."""

    code: str
    letter: str
    name_vi: str
    name_en: str
    waiting: int
    priority_waiting: int
    estimated_wait_min: float


class RecentCall(_Payload):
    """One of the last calls, for a display that connects late."""

    number: str
    counter_id: str
    counter_name_vi: str
    counter_name_en: str
    called_at: datetime


class QueueSummary(_Payload):
    """Retained summary of the queue: waiting per service and the last calls."""

    v: Literal[1] = 1
    site: str
    seq: int
    updated_at: datetime
    services: list[ServiceWaiting]
    recent_calls: list[RecentCall] = Field(default_factory=list, description="The last calls, newest first.")


class EventEnvelope(_Payload):
    """One entry of the site's append-only event log."""

    v: Literal[1] = 1
    site: str
    seq: int
    type: str
    at: datetime
    data: dict[str, Any]


class DeviceStatus(_Payload):
    """Retained status of a device; the last will carries ``state="offline"``."""

    v: Literal[1] = 1
    device_id: str
    role: str
    state: Literal["online", "offline"]
    version: str = ""
    at: datetime | None = None
    details: dict[str, Any] = Field(default_factory=dict)


P = TypeVar("P", bound=BaseModel)


def encode_payload(payload: BaseModel) -> bytes:
    """Serialise a payload to the UTF-8 JSON sent on the wire."""
    return payload.model_dump_json().encode("utf-8")


def decode_payload(model: type[P], data: bytes | str) -> P:
    """Parse wire bytes into ``model``; raise ValueError with a readable reason on bad input."""
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {"msg": str(exc), "loc": ()}
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise ValueError(f"malformed {model.__name__} payload at {where or 'root'}: {first['msg']}") from None
