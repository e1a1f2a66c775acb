"""The uplink from a site's edge agent to the provincial monitor: events, batches, acknowledgements.

Over MQTT (the site's broker bridged to the province broker):

| topic                         | QoS | direction          | payload      |
|-------------------------------|-----|--------------------|--------------|
| ``motcua/{site}/uplink``      | 1   | agent → monitor    | UplinkBatch  |
| ``motcua/{site}/uplink/ack``  | 1   | monitor → agent    | UplinkAck    |
| ``motcua/province/alerts``    | 1   | monitor → anyone   | Alert        |

Over HTTPS: ``POST {monitor}/api/v1/ingest`` with an UplinkBatch, answered by an UplinkAck.

Each event carries a per-site sequence number that only grows; the monitor stores an event once per
(site, seq), so a resend never counts twice, and acknowledges what it has stored. No citizen personal
data crosses the uplink: ticket numbers, services, counters, staff ids, times, ratings and sentiment;
comment text only after redaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from motcua.contract.mqtt import _Payload, _root

PROVINCE = "province"


def topic_uplink(site: str) -> str:
    """Where a site's agent publishes its event batches."""
    return f"{_root(site)}/uplink"


def topic_uplink_ack(site: str) -> str:
    """Where the monitor acknowledges a site's events."""
    return f"{_root(site)}/uplink/ack"


def topic_uplink_all() -> str:
    """Subscription filter of the monitor for every site's uplink."""
    return "motcua/+/uplink"


def topic_alerts() -> str:
    """Alerts raised by the provincial monitor."""
    return f"motcua/{PROVINCE}/alerts"


class UplinkEvent(_Payload):
    """One site event on its way to the province."""

    v: Literal[1] = 1
    site: str
    seq: int = Field(ge=1, description="Per-site sequence assigned by the agent's outbox; only grows.")
    kind: Literal["business", "health"] = Field(
        description="Health samples may be dropped under pressure; business events never silently."
    )
    type: str = Field(
        max_length=64,
        description="e.g. ticket.issued, ticket.called, feedback.submitted, "
        "device.health, kpi.snapshot, outbox.overflow",
    )
    at: datetime
    source_seq: int | None = Field(None, description="Sequence in the site's event log, when it came from there.")
    data: dict[str, Any] = Field(default_factory=dict)


class UplinkBatch(_Payload):
    """Events of one site, in sequence order."""

    v: Literal[1] = 1
    site: str
    events: list[UplinkEvent] = Field(max_length=5000)


class UplinkAck(_Payload):
    """What the monitor has stored (new or already known) of a batch."""

    v: Literal[1] = 1
    site: str
    acked: list[int] = Field(description="Sequences now stored at the monitor, duplicates included.")


class Alert(_Payload):
    """Something the province should look at."""

    v: Literal[1] = 1
    site: str
    kind: Literal["long_wait", "device_offline", "negative_feedback_burst", "outbox_overflow"]
    severity: Literal["info", "warning", "critical"] = "warning"
    message_vi: str
    message_en: str
    at: datetime
    data: dict[str, Any] = Field(default_factory=dict)
