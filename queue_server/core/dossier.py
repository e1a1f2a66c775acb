"""A dossier's life at the one-stop desk, as pure functions over frozen dataclasses (the clock passed in).

    prepared (kiosk) | draft (desk) --receive--> received --forward--> forwarded
        --request_supplement--> supplement_requested --supplement--> supplemented --(forward)--> …
        --result_ready--> result_ready --return_result--> returned
    cancel / refuse (with a reason) close it early.

"4 tại chỗ" procedures (``on_the_spot``) may go received → result_ready → returned in the same visit.
Every function returns a new ``Dossier`` or raises an ``InvalidTransition`` / ``DomainError`` with a
Vietnamese and an English message. The checklist rule: a required paper must be ticked before the
dossier is received (or declared supplemented).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from queue_server.core.catalogue import Document
from queue_server.core.errors import DomainError, InvalidTransition

__all__ = [
    "ACTIONS",
    "EDITABLE",
    "STATUS_VI",
    "TRANSITIONS",
    "Dossier",
    "HistoryEntry",
    "apply",
    "cancel",
    "check_editable",
    "forward",
    "is_late",
    "missing_required",
    "receive",
    "refuse",
    "request_supplement",
    "result_ready",
    "return_result",
    "supplement",
    "tick",
]

STATUS_VI: Final[Mapping[str, str]] = {
    "prepared": "đã chuẩn bị tại ki-ốt",
    "draft": "đang nhập tại quầy",
    "received": "đã tiếp nhận",
    "forwarded": "đã chuyển cơ quan giải quyết",
    "supplement_requested": "cần bổ sung",
    "supplemented": "đã bổ sung",
    "result_ready": "đã có kết quả",
    "returned": "đã trả kết quả",
    "cancelled": "đã hủy",
    "refused": "bị từ chối",
}

# action -> (statuses it may start from, status it leads to). ``result_ready`` from ``received`` is for
# on-the-spot procedures only (checked in the function).
TRANSITIONS: Final[Mapping[str, tuple[frozenset[str], str]]] = {
    "receive": (frozenset({"prepared", "draft"}), "received"),
    "forward": (frozenset({"received", "supplemented"}), "forwarded"),
    "request_supplement": (frozenset({"received", "forwarded", "supplemented"}), "supplement_requested"),
    "supplement": (frozenset({"supplement_requested"}), "supplemented"),
    "result_ready": (frozenset({"received", "forwarded", "supplemented"}), "result_ready"),
    "return_result": (frozenset({"result_ready"}), "returned"),
    "cancel": (
        frozenset({"prepared", "draft", "received", "forwarded", "supplement_requested", "supplemented"}),
        "cancelled",
    ),
    "refuse": (frozenset({"received", "forwarded", "supplement_requested", "supplemented"}), "refused"),
}
ACTIONS: Final = tuple(TRANSITIONS)
# Where the clerk may still change form values and ticks.
EDITABLE: Final = frozenset({"prepared", "draft", "supplement_requested"})


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One transition: to which status, when, by whom, why."""

    status: str
    at: datetime
    staff_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Dossier:
    """The state of one dossier (form values are not here: they are personal data, kept by the store)."""

    id: str
    procedure_code: str
    status: str
    channel: str  # kiosk | desk
    created_at: datetime
    on_the_spot: bool = False
    department: str | None = None
    ticks: tuple[tuple[str, int], ...] = ()  # (kind, copies received), sorted by kind; 0 = not received
    code: str | None = None
    received_at: datetime | None = None
    received_by: str | None = None
    due_at: datetime | None = None
    forwarded_at: datetime | None = None
    result_ready_at: datetime | None = None
    returned_at: datetime | None = None
    closed_at: datetime | None = None
    reason: str | None = None
    supplements: int = 0
    requested: tuple[str, ...] = ()  # kinds the department asked for in the open supplement request
    history: tuple[HistoryEntry, ...] = ()

    @property
    def received_kinds(self) -> frozenset[str]:
        """Kinds of the papers ticked as received."""
        return frozenset(kind for kind, count in self.ticks if count > 0)

    def tick_count(self, kind: str) -> int:
        """Copies of ``kind`` received (0: not ticked)."""
        return next((count for k, count in self.ticks if k == kind), 0)


def _invalid(dossier: Dossier, action: str) -> InvalidTransition:
    return InvalidTransition(
        "invalid_transition",
        f"Hồ sơ đang ở trạng thái \u201c{STATUS_VI.get(dossier.status, dossier.status)}\u201d, không thể"
        f" thực hiện thao tác này ({action}).",
        f"The dossier is {dossier.status}: it cannot be {action}.",
    )


def _move(dossier: Dossier, action: str, now: datetime, staff_id: str | None, reason: str | None = None) -> Dossier:
    sources, target = TRANSITIONS[action]
    if dossier.status not in sources:
        if action == "receive" and dossier.status not in {"cancelled", "refused"}:
            raise DomainError(
                "already_received", "Hồ sơ này đã được tiếp nhận.", "This dossier was already received.", status=409
            )
        raise _invalid(dossier, action)
    entry = HistoryEntry(target, now, staff_id, reason)
    return replace(dossier, status=target, history=(*dossier.history, entry))


def missing_required(dossier: Dossier, checklist: Sequence[Document]) -> tuple[Document, ...]:
    """The papers still missing: required ones not ticked (or with fewer copies than the checklist asks;
    one is enough for a paper only shown), and those a supplement request asked for, required or not."""

    def short(doc: Document) -> bool:
        wanted = 1 if doc.presentation == "shown" else doc.count
        return dossier.tick_count(doc.kind) < wanted

    asked = set(dossier.requested)
    return tuple(doc for doc in checklist if (doc.required or doc.kind in asked) and short(doc))


def _refuse_missing(missing: Sequence[Document]) -> DomainError:
    return DomainError(
        "missing_papers",
        "Hồ sơ còn thiếu giấy tờ bắt buộc: " + "; ".join(d.vi for d in missing) + ".",
        "Required papers are missing: " + "; ".join(d.en for d in missing) + ".",
        status=409,
    )


def check_editable(dossier: Dossier) -> None:
    """Refuse changes to form values or ticks once the dossier has left the desk."""
    if dossier.status not in EDITABLE:
        raise DomainError(
            "not_editable",
            f"Hồ sơ đang ở trạng thái \u201c{STATUS_VI.get(dossier.status, dossier.status)}\u201d, không sửa được.",
            f"The dossier is {dossier.status}: it can no longer be edited.",
            status=409,
        )


def tick(dossier: Dossier, checklist: Sequence[Document], changes: Mapping[str, int]) -> Dossier:
    """Set the copies received per kind (0 unticks); kinds outside the checklist are refused."""
    check_editable(dossier)
    known = {doc.kind for doc in checklist}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise DomainError(
            "unknown_kind",
            f"Thủ tục này không có giấy tờ loại: {', '.join(unknown)}.",
            f"This procedure has no paper of kind: {', '.join(unknown)}.",
            status=422,
        )
    if any(count < 0 for count in changes.values()):
        raise DomainError("invalid_count", "Số bản không hợp lệ.", "Invalid number of copies.", status=422)
    merged = dict(dossier.ticks)
    merged.update(changes)
    return replace(dossier, ticks=tuple(sorted((k, c) for k, c in merged.items() if c > 0)))


def receive(
    dossier: Dossier,
    checklist: Sequence[Document],
    now: datetime,
    *,
    code: str,
    due: datetime,
    staff_id: str | None,
    department: str | None,
) -> Dossier:
    """The desk takes the complete dossier: it gets its code and the date its result is due."""
    moved = _move(dossier, "receive", now, staff_id)
    missing = missing_required(dossier, checklist)
    if missing:
        raise _refuse_missing(missing)
    if due < now:
        raise ValueError("a result cannot be due before the dossier is received")
    return replace(
        moved, code=code, received_at=now, received_by=staff_id, due_at=due, department=department or dossier.department
    )


def forward(dossier: Dossier, now: datetime, *, staff_id: str | None, department: str | None = None) -> Dossier:
    """Send it to the competent department (again after a supplement)."""
    moved = _move(dossier, "forward", now, staff_id)
    return replace(moved, forwarded_at=now, department=department or dossier.department)


def request_supplement(
    dossier: Dossier,
    checklist: Sequence[Document],
    now: datetime,
    *,
    staff_id: str | None,
    reason: str,
    kinds: Sequence[str],
) -> Dossier:
    """The department needs more papers: the named kinds are unticked until the citizen brings them."""
    if not reason.strip():
        raise DomainError("reason_required", "Cần nêu lý do.", "A reason is required.", status=422)
    known = {doc.kind for doc in checklist}
    unknown = sorted(set(kinds) - known)
    if unknown:
        raise DomainError(
            "unknown_kind",
            f"Thủ tục này không có giấy tờ loại: {', '.join(unknown)}.",
            f"This procedure has no paper of kind: {', '.join(unknown)}.",
            status=422,
        )
    moved = _move(dossier, "request_supplement", now, staff_id, reason.strip())
    ticks = tuple((k, c) for k, c in dossier.ticks if k not in set(kinds))
    return replace(
        moved,
        ticks=ticks,
        reason=reason.strip(),
        supplements=dossier.supplements + 1,
        requested=tuple(sorted(set(kinds))),
    )


def supplement(dossier: Dossier, checklist: Sequence[Document], now: datetime, *, staff_id: str | None) -> Dossier:
    """The citizen brought what was asked: every required paper is ticked again."""
    moved = _move(dossier, "supplement", now, staff_id)
    missing = missing_required(dossier, checklist)
    if missing:
        raise _refuse_missing(missing)
    return replace(moved, reason=None, requested=())


def result_ready(dossier: Dossier, now: datetime, *, staff_id: str | None) -> Dossier:
    """The department has the result (an on-the-spot procedure may skip forwarding)."""
    if dossier.status == "received" and not dossier.on_the_spot:
        raise DomainError(
            "not_forwarded",
            "Hồ sơ phải được chuyển cơ quan giải quyết trước khi có kết quả (trừ thủ tục giải quyết tại chỗ).",
            "The dossier must be forwarded before its result is ready (unless handled on the spot).",
            status=409,
        )
    moved = _move(dossier, "result_ready", now, staff_id)
    return replace(moved, result_ready_at=now)


def return_result(dossier: Dossier, now: datetime, *, staff_id: str | None) -> Dossier:
    """The result is handed to the citizen."""
    moved = _move(dossier, "return_result", now, staff_id)
    return replace(moved, returned_at=now, closed_at=now)


def _close(dossier: Dossier, action: str, now: datetime, staff_id: str | None, reason: str) -> Dossier:
    if not reason.strip():
        raise DomainError("reason_required", "Cần nêu lý do.", "A reason is required.", status=422)
    moved = _move(dossier, action, now, staff_id, reason.strip())
    return replace(moved, closed_at=now, reason=reason.strip())


def cancel(dossier: Dossier, now: datetime, *, staff_id: str | None, reason: str) -> Dossier:
    """Withdrawn (by the citizen, or a draft abandoned)."""
    return _close(dossier, "cancel", now, staff_id, reason)


def refuse(dossier: Dossier, now: datetime, *, staff_id: str | None, reason: str) -> Dossier:
    """Refused by the competent authority, with the reason the citizen is told."""
    return _close(dossier, "refuse", now, staff_id, reason)


def apply(
    dossier: Dossier,
    action: str,
    checklist: Sequence[Document],
    now: datetime,
    *,
    staff_id: str | None = None,
    reason: str = "",
    kinds: Sequence[str] = (),
    code: str = "",
    due: datetime | None = None,
    department: str | None = None,
) -> Dossier:
    """One action by name (the HTTP layer and the tests dispatch through this)."""
    if action == "receive":
        return receive(dossier, checklist, now, code=code, due=due or now, staff_id=staff_id, department=department)
    if action == "forward":
        return forward(dossier, now, staff_id=staff_id, department=department)
    if action == "request_supplement":
        return request_supplement(dossier, checklist, now, staff_id=staff_id, reason=reason, kinds=kinds)
    if action == "supplement":
        return supplement(dossier, checklist, now, staff_id=staff_id)
    if action == "result_ready":
        return result_ready(dossier, now, staff_id=staff_id)
    if action == "return_result":
        return return_result(dossier, now, staff_id=staff_id)
    if action == "cancel":
        return cancel(dossier, now, staff_id=staff_id, reason=reason)
    if action == "refuse":
        return refuse(dossier, now, staff_id=staff_id, reason=reason)
    raise ValueError(f"unknown action {action!r}")


def is_late(dossier: Dossier, now: datetime) -> bool:
    """Past its due time and still without a result (received, forwarded, awaiting a supplement)."""
    if dossier.due_at is None or dossier.status not in {
        "received",
        "forwarded",
        "supplement_requested",
        "supplemented",
    }:
        return False
    return now > dossier.due_at
