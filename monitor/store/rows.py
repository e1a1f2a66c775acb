"""The rows the store returns: frozen dataclasses with aware UTC datetimes and dict JSON columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua.contract.uplink import LEGACY_EPOCH, Alert, UplinkEvent


@dataclass(frozen=True)
class StoredEvent:
    """A row of ``events``: an uplinked site event and when the monitor received it."""

    site: str
    seq: int
    kind: str
    type: str
    at: datetime
    source_seq: int | None
    data: dict[str, Any]
    received_at: datetime
    epoch: str = LEGACY_EPOCH

    def to_uplink(self) -> UplinkEvent:
        """The wire form of this event."""
        return UplinkEvent(
            site=self.site,
            epoch=self.epoch,
            seq=self.seq,
            kind=self.kind,
            type=self.type,
            at=self.at,
            source_seq=self.source_seq,
            data=self.data,
        )


@dataclass(frozen=True)
class SiteRow:
    """A row of ``sites``."""

    site: str
    name: str | None
    level: str | None
    one_stop_staff: int | None
    last_seen: datetime | None


@dataclass(frozen=True)
class DeviceRow:
    """A row of ``devices``: the newest status the monitor has of one device.

    ``heartbeat``: the device has sent periodic ``device.health`` samples (it runs the agent's heartbeat),
    so its silence means trouble; a device that only reports changes (retained status + last will, as the
    waiting-room display does) is present until its will says ``offline``.
    """

    site: str
    device_id: str
    role: str
    state: str
    version: str
    last_seen: datetime
    details: dict[str, Any] = field(default_factory=dict)
    heartbeat: bool = False


@dataclass(frozen=True)
class AlertRow:
    """A row of ``alerts``."""

    id: int
    site: str
    kind: str
    severity: str
    message_vi: str
    message_en: str
    at: datetime
    data: dict[str, Any]
    resolved_at: datetime | None

    def to_alert(self) -> Alert:
        """The wire form published on ``topic_alerts()``."""
        return Alert(
            site=self.site,
            kind=self.kind,
            severity=self.severity,
            message_vi=self.message_vi,
            message_en=self.message_en,
            at=self.at,
            data={
                **self.data,
                "alert_id": self.id,
                "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
            },
        )


@dataclass(frozen=True)
class UserRow:
    """A row of ``monitor_users``: an account of the monitor (``sites`` None: every site)."""

    username: str
    display_name: str
    password_hash: str
    role: str
    sites: frozenset[str] | None
    disabled: bool
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class SessionRow:
    """A row of ``monitor_sessions``: a signed-in browser (its cookie is kept only as a hash)."""

    session_id: str
    username: str
    csrf_token: str
    created_at: datetime
    last_seen: datetime
    expires_at: datetime


@dataclass(frozen=True)
class ApiTokenRow:
    """A row of ``api_tokens``: a machine reader's bearer token, scoped like an account."""

    token_id: str
    token_hash: str
    name: str
    role: str
    sites: frozenset[str] | None
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class AuditRow:
    """A row of ``audit_log``: a sign-in, sign-out, export or change of accounts and tokens."""

    id: int
    at: datetime
    action: str
    ok: bool
    actor: str
    actor_kind: str
    site: str | None
    ip: str | None
    detail: dict[str, Any]
