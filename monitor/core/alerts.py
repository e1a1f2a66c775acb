"""Alert rules of the provincial monitor: pure functions over events and device rows, ``now`` passed in.

Each rule returns ``AlertCandidate``s; ``reconcile`` compares them with the open alerts so an alert is
raised once while its condition lasts and resolved when the condition clears.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

from monitor.core.roles import role_labels
from motcua.contract import events as ev
from motcua.domain.kpis import percentile

LONG_WAIT: Final = "long_wait"
DEVICE_OFFLINE: Final = "device_offline"
NEGATIVE_BURST: Final = "negative_feedback_burst"
OUTBOX_OVERFLOW: Final = "outbox_overflow"
DOSSIER_LATE: Final = "dossier_late"
# Kinds whose alert is resolved automatically when the condition no longer holds.
CONDITION_KINDS: Final = frozenset({LONG_WAIT, DEVICE_OFFLINE, NEGATIVE_BURST, DOSSIER_LATE})
# Lifecycle events the late-dossier rule folds (typed with ``motcua.contract.events``).
DOSSIER_LATE_TYPES: Final = (
    ev.DOSSIER_RECEIVED,
    ev.DOSSIER_OVERDUE,
    ev.DOSSIER_RESULT_READY,
    ev.DOSSIER_CANCELLED,
    ev.DOSSIER_REFUSED,
)

Presence = Literal["online", "offline", "silent"]
ONLINE: Final = "online"
OFFLINE: Final = "offline"
SILENT: Final = "silent"


@dataclass(frozen=True)
class AlertRules:
    """Thresholds (the province's targets)."""

    long_wait_min: float = 15.0
    device_offline_after: timedelta = timedelta(minutes=2)
    negative_burst_count: int = 3
    negative_burst_window: timedelta = timedelta(minutes=30)
    # How far back the late-dossier rule looks for received dossiers still without a result.
    dossier_window: timedelta = timedelta(days=120)
    timezone: str = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class EventView:
    """The fields of a stored event that the rules read."""

    type: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeviceView:
    """The fields of a device row that the rules read (``heartbeat``: it sends periodic samples)."""

    device_id: str
    role: str
    state: str
    last_seen: datetime
    heartbeat: bool = False


@dataclass(frozen=True)
class AlertCandidate:
    """An alert a rule wants raised; ``subject`` tells apart alerts of one kind at one site."""

    site: str
    kind: str
    subject: str
    severity: str
    message_vi: str
    message_en: str
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of the condition: (site, kind, subject)."""
        return (self.site, self.kind, self.subject)


@dataclass(frozen=True)
class OpenAlert:
    """An unresolved stored alert."""

    id: int
    site: str
    kind: str
    subject: str

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of the condition: (site, kind, subject)."""
        return (self.site, self.kind, self.subject)


def start_of_day(now: datetime, timezone: str = "Asia/Ho_Chi_Minh") -> datetime:
    """Midnight of ``now``'s local day, as an aware datetime."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def todays_waits(events: Iterable[EventView], now: datetime) -> list[float]:
    """Waits in minutes of today's tickets: queued → first call, or queued → now while still waiting."""
    queued: dict[str, datetime] = {}
    called: dict[str, datetime] = {}
    closed: set[str] = set()
    for event in events:
        ticket = str(event.data.get("ticket_id", ""))
        if not ticket:
            continue
        if event.type == "ticket.issued":
            at = _parse_time(event.data.get("queued_at")) or event.at
            queued.setdefault(ticket, at)
        elif event.type == "ticket.called":
            called.setdefault(ticket, event.at)
        elif event.type in ("ticket.cancelled", "ticket.transferred"):
            closed.add(ticket)
    waits: list[float] = []
    for ticket, at in queued.items():
        end = called.get(ticket)
        if end is None:
            if ticket in closed:
                continue
            end = now
        waits.append(max((end - at).total_seconds() / 60.0, 0.0))
    return waits


def long_wait(site: str, events: Iterable[EventView], now: datetime, rules: AlertRules) -> AlertCandidate | None:
    """A site whose median wait today (waiting citizens count with their wait so far) passes the target."""
    waits = todays_waits(events, now)
    median = percentile(waits, 50)
    if median is None or median <= rules.long_wait_min:
        return None
    return AlertCandidate(
        site=site,
        kind=LONG_WAIT,
        subject="median_wait",
        severity="critical" if median > 2 * rules.long_wait_min else "warning",
        message_vi=f"Thời gian chờ trung vị hôm nay {median:.0f} phút, vượt mục tiêu {rules.long_wait_min:.0f} phút",
        message_en=f"Median wait today is {median:.0f} min, above the {rules.long_wait_min:.0f} min target",
        data={"median_wait_min": round(median, 1), "tickets": len(waits), "limit_min": rules.long_wait_min},
    )


def presence(device: DeviceView, now: datetime, rules: AlertRules, *, site_seen: datetime | None = None) -> Presence:
    """``offline`` when the device said so (or its last will did); ``silent`` when nothing has vouched for it
    for longer than ``device_offline_after``; else ``online``.

    A device that heartbeats vouches for itself with its samples, so its silence is trouble even while its
    MQTT connection holds (a hung agent). A device that reports only changes — a retained ``online`` status
    and a last will ``offline``, as the waiting-room and counter displays do — is vouched for by its site's
    uplink (``site_seen``: when the site's last batch arrived): while the site's batches arrive, the site's
    broker would have relayed the will of a display that dropped off.
    """
    if device.state == OFFLINE:
        return OFFLINE
    if now - device.last_seen <= rules.device_offline_after:
        return ONLINE
    if not device.heartbeat and site_seen is not None and now - site_seen <= rules.device_offline_after:
        return ONLINE
    return SILENT


def devices_offline(
    site: str,
    devices: Iterable[DeviceView],
    now: datetime,
    rules: AlertRules,
    *,
    site_seen: datetime | None = None,
) -> list[AlertCandidate]:
    """Devices reported offline for longer than ``device_offline_after``, and devices ``silent`` by
    :func:`presence`."""
    found: list[AlertCandidate] = []
    for device in devices:
        quiet = now - device.last_seen
        if quiet <= rules.device_offline_after:
            continue
        state = presence(device, now, rules, site_seen=site_seen)
        if state == ONLINE:
            continue
        if state == SILENT and not device.heartbeat and site_seen is not None and site_seen > device.last_seen:
            quiet = now - site_seen  # what went quiet is the site's uplink
        minutes = quiet.total_seconds() / 60.0
        vi_role, en_role = role_labels(device.role)
        if state == OFFLINE:
            vi = f"Thiết bị {device.device_id} ({vi_role}) mất kết nối {minutes:.0f} phút"
            en = f"Device {device.device_id} ({en_role}) offline for {minutes:.0f} min"
        else:
            vi = f"Thiết bị {device.device_id} ({vi_role}) không gửi tín hiệu {minutes:.0f} phút"
            en = f"Device {device.device_id} ({en_role}) silent for {minutes:.0f} min"
        found.append(
            AlertCandidate(
                site=site,
                kind=DEVICE_OFFLINE,
                subject=device.device_id,
                severity="warning",
                message_vi=vi,
                message_en=en,
                data={
                    "device_id": device.device_id,
                    "role": device.role,
                    "state": state,
                    "since": device.last_seen.isoformat(),
                },
            )
        )
    return found


def is_negative_feedback(data: Mapping[str, Any]) -> bool:
    """Negative: the model says so, or the citizen rated the service 'dissatisfied'."""
    sentiment = data.get("sentiment")
    label = sentiment.get("label") if isinstance(sentiment, Mapping) else None
    return label == "negative" or data.get("rating") == "dissatisfied"


def negative_burst(site: str, feedback: Iterable[EventView], now: datetime, rules: AlertRules) -> AlertCandidate | None:
    """At least ``negative_burst_count`` negative feedbacks within the last ``negative_burst_window``."""
    since = now - rules.negative_burst_window
    negatives = [
        e for e in feedback if e.type == "feedback.submitted" and since <= e.at <= now and is_negative_feedback(e.data)
    ]
    if len(negatives) < rules.negative_burst_count:
        return None
    window_min = rules.negative_burst_window.total_seconds() / 60.0
    services = sorted({str(e.data.get("service", "")) for e in negatives if e.data.get("service")})
    return AlertCandidate(
        site=site,
        kind=NEGATIVE_BURST,
        subject="feedback",
        severity="warning",
        message_vi=f"{len(negatives)} phản hồi tiêu cực trong {window_min:.0f} phút",
        message_en=f"{len(negatives)} negative feedbacks within {window_min:.0f} min",
        data={"count": len(negatives), "window_min": window_min, "services": services},
    )


def outbox_overflow(site: str, event: EventView) -> AlertCandidate:
    """A site's outbox dropped events while its uplink was down."""
    business = int(event.data.get("dropped_business", 0) or 0)
    health = int(event.data.get("dropped_health", 0) or 0)
    return AlertCandidate(
        site=site,
        kind=OUTBOX_OVERFLOW,
        subject=f"{event.data.get('first_seq', '?')}-{event.data.get('last_seq', '?')}",
        severity="critical" if business else "info",
        message_vi=f"Hàng đợi gửi lên tỉnh bị tràn: bỏ {business} sự kiện nghiệp vụ, {health} mẫu tình trạng",
        message_en=f"Uplink outbox overflowed: dropped {business} business events, {health} health samples",
        data=dict(event.data),
    )


@dataclass
class _Late:
    code: str | None = None
    procedure_code: str = ""
    service: str | None = None
    received: bool = False
    due_at: datetime | None = None
    overdue_at: datetime | None = None
    done: bool = False


def late_dossiers(site: str, events: Iterable[EventView], now: datetime) -> list[AlertCandidate]:
    """One candidate per received dossier that is late at ``now``: a ``dossier.overdue`` was sent, or its
    ``due_at`` has passed, and no ``dossier.result_ready`` (nor cancel/refusal) has come.

    ``subject`` is the dossier id, so the alert is raised once per dossier and resolved by :func:`reconcile`
    when the result is ready. Payloads are decoded with their typed models; ones that do not fit are skipped.
    """
    cases: dict[str, _Late] = {}
    for event in events:
        payload = ev.event_data(event.type, event.data)
        if not isinstance(payload, ev.DossierEvent):
            continue
        case = cases.setdefault(payload.dossier_id, _Late())
        case.code = payload.code or case.code
        case.procedure_code = payload.procedure_code or case.procedure_code
        case.service = payload.service or case.service
        due = _parse_time(payload.due_at)
        if due is not None and due.tzinfo is not None:
            case.due_at = due
        if event.type == ev.DOSSIER_RECEIVED:
            case.received = True
        elif event.type == ev.DOSSIER_OVERDUE:
            case.received = True  # only a received dossier can be overdue
            case.overdue_at = case.overdue_at or event.at
        elif event.type in (ev.DOSSIER_RESULT_READY, ev.DOSSIER_CANCELLED, ev.DOSSIER_REFUSED):
            case.done = True
    found: list[AlertCandidate] = []
    for dossier_id, case in sorted(cases.items()):
        if not case.received or case.done:
            continue
        late = case.overdue_at is not None or (case.due_at is not None and now > case.due_at)
        if not late:
            continue
        since = case.due_at or case.overdue_at or now
        days = max((now - since).total_seconds(), 0.0) / 86400.0
        label = case.code or dossier_id
        found.append(
            AlertCandidate(
                site=site,
                kind=DOSSIER_LATE,
                subject=dossier_id,
                severity="critical" if days >= 3 else "warning",
                message_vi=f"Hồ sơ {label} ({case.procedure_code}) quá hạn trả kết quả {days:.1f} ngày",
                message_en=f"Dossier {label} ({case.procedure_code}) is {days:.1f} days past its due date",
                data={
                    "dossier_id": dossier_id,
                    "code": case.code,
                    "procedure_code": case.procedure_code,
                    "service": case.service,
                    "due_at": None if case.due_at is None else case.due_at.isoformat(),
                    "reported_overdue": case.overdue_at is not None,
                },
            )
        )
    return found


def reconcile(
    candidates: Sequence[AlertCandidate],
    open_alerts: Sequence[OpenAlert],
    evaluated: Iterable[tuple[str, str]],
) -> tuple[list[AlertCandidate], list[int]]:
    """(alerts to raise, ids of open alerts to resolve).

    A candidate is raised unless an open alert has its key. An open alert of a condition kind whose
    (site, kind) was ``evaluated`` and that no candidate matches any more is resolved.
    """
    open_keys = {a.key for a in open_alerts}
    wanted = {c.key for c in candidates}
    scopes = set(evaluated)
    raise_: list[AlertCandidate] = []
    seen: set[tuple[str, str, str]] = set()
    for candidate in candidates:
        if candidate.key in open_keys or candidate.key in seen:
            continue
        seen.add(candidate.key)
        raise_.append(candidate)
    resolve = [
        a.id for a in open_alerts if a.kind in CONDITION_KINDS and (a.site, a.kind) in scopes and a.key not in wanted
    ]
    return raise_, resolve
