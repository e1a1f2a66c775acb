"""The uplink from a site's edge agent to the provincial monitor: events, batches, acknowledgements.

Over MQTT (the site's broker bridged to the province broker):

| topic                         | QoS | direction          | payload      |
|-------------------------------|-----|--------------------|--------------|
| ``motcua/{site}/uplink``      | 1   | agent → monitor    | UplinkBatch  |
| ``motcua/{site}/uplink/ack``  | 1   | monitor → agent    | UplinkAck    |
| ``motcua/province/alerts``    | 1   | monitor → anyone   | Alert        |

Over HTTPS: ``POST {monitor}/api/v1/ingest`` with an UplinkBatch, answered by an UplinkAck.

Over HTTP on the site's LAN, the agent also reads the queue server's event log to replay what its MQTT
session did not see: ``GET {server}/api/v1/events?after=SEQ&limit=N`` (agent or admin token), answered
by an ``EventPage`` of ``EventEnvelope`` s.

Each event carries a per-site sequence number that only grows within its outbox **epoch**: a random id
created once with the agent's outbox file and kept in it. A new outbox file (disk replaced, device
re-imaged) starts a new epoch and numbers from 1 again. The monitor stores an event once per
(site, epoch, seq), so a resend never counts twice and a new outbox is never taken for resends, and
acknowledges what it has stored, saying of which epoch; an agent applies only acks of its own epoch.
No citizen personal data crosses the uplink: ticket numbers, services, counters, staff ids, times,
ratings and sentiment; comment text only after redaction.

Versions: ``v`` changes only for a change an older reader could not survive. Adding a field with a
default is not such a change: ``_Payload`` ignores unknown fields (an older monitor reads a newer
agent's events), and a newer reader fills in the default (a newer monitor reads an older agent's).
``epoch`` was added that way, so these payloads are still ``v`` 1: ``epoch=""`` on an event is the one
epoch of an agent that predates epochs, and ``epoch=None`` on an ack is an ack from a monitor that
predates them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from motcua.contract.mqtt import EventEnvelope, _Payload, _root

PROVINCE = "province"
LEGACY_EPOCH = ""  # the epoch of an agent (outbox) that predates epochs
EPOCH_PATTERN = r"^([0-9a-f]{16,64})?$"  # an agent creates uuid4().hex (32 hex digits); or LEGACY_EPOCH


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
    epoch: str = Field(
        LEGACY_EPOCH,
        pattern=EPOCH_PATTERN,
        description="Random id of the agent's outbox file (16-64 lowercase hex digits), created with it; "
        '"" (the default) is the single epoch of an agent that predates epochs.',
    )
    seq: int = Field(ge=1, description="Sequence assigned by the agent's outbox; only grows within an epoch.")
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
    """Events of one site and one epoch, in sequence order."""

    v: Literal[1] = 1
    site: str
    events: list[UplinkEvent] = Field(max_length=5000)

    @model_validator(mode="after")
    def _one_epoch(self) -> UplinkBatch:
        if len({e.epoch for e in self.events}) > 1:
            raise ValueError("the events of a batch must share one epoch")
        return self

    @property
    def epoch(self) -> str | None:
        """The epoch of the batch's events (None for an empty batch)."""
        return self.events[0].epoch if self.events else None


class UplinkAck(_Payload):
    """What the monitor has stored (new or already known) of a batch."""

    v: Literal[1] = 1
    site: str
    epoch: str | None = Field(
        None,
        description="The epoch of the acknowledged sequences; None only from a monitor that predates epochs "
        "(its acks then apply to whichever outbox receives them).",
    )
    acked: list[int] = Field(description="Sequences of that epoch now stored at the monitor, duplicates included.")


class EventPage(_Payload):
    """A page of the site's event log (``GET /api/v1/events`` of the queue server), in sequence order."""

    v: Literal[1] = 1
    site: str
    after: int = Field(ge=0, description="The ``after`` asked for.")
    next_after: int = Field(
        ge=0, description="Ask with this ``after`` for the next page: the last sequence returned, else ``after``."
    )
    last_seq: int = Field(ge=0, description="The newest sequence in the log when the page was read.")
    events: list[EventEnvelope] = Field(description="Events with ``seq`` > ``after``, oldest first.")


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
