"""Ticket and counter transitions. Each returns the new state and the events it produced."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from motcua.contract import events as ev
from motcua.contract.events import CounterEvent, DomainEvent, ticket_event
from queue_server.core.errors import InvalidTransition
from queue_server.core.model import ACTIVE_AT_COUNTER, Counter, CounterStatus, Hop, QueueConfig, Ticket, TicketStatus


@dataclass(frozen=True)
class Outcome:
    """Tickets and counters changed by a transition, and the events to append."""

    tickets: tuple[Ticket, ...] = ()
    counters: tuple[Counter, ...] = ()
    events: tuple[DomainEvent, ...] = ()

    @property
    def ticket(self) -> Ticket:
        """The main ticket of the outcome."""
        return self.tickets[0]


def _refuse(action_vi: str, action_en: str, ticket: Ticket) -> InvalidTransition:
    return InvalidTransition(
        "invalid_transition",
        f"Không thể {action_vi} vé {ticket.number} ở trạng thái {ticket.status.value}.",
        f"Cannot {action_en} ticket {ticket.number} in state {ticket.status.value}.",
    )


def require_open(counter: Counter) -> None:
    """Raise unless staff are signed in at the counter and it is not paused."""
    if counter.status == CounterStatus.CLOSED:
        raise InvalidTransition(
            "counter_closed",
            f"{counter.name_vi} chưa mở: cán bộ cần đăng nhập.",
            f"{counter.name_en} is closed: staff must sign in.",
        )
    if counter.status == CounterStatus.PAUSED:
        raise InvalidTransition(
            "counter_paused",
            f"{counter.name_vi} đang tạm dừng.",
            f"{counter.name_en} is paused.",
        )


def call(ticket: Ticket, counter: Counter, now: datetime, *, priority_streak: int, reason: str) -> Outcome:
    """The counter calls a waiting ticket."""
    if ticket.status != TicketStatus.WAITING:
        raise _refuse("gọi", "call", ticket)
    called = replace(
        ticket,
        status=TicketStatus.CALLED,
        counter_id=counter.id,
        staff_id=counter.staff_id,
        called_at=now,
        recall_count=0,
        head_of_queue=False,
    )
    new_counter = replace(counter, priority_streak=priority_streak)
    event = ticket_event(ev.TICKET_CALLED, now, called, reason=reason)
    return Outcome((called,), (new_counter,), (event,))


def recall(ticket: Ticket, now: datetime, config: QueueConfig) -> Outcome:
    """Announce a called ticket again; past ``max_recalls`` the ticket becomes a no-show."""
    if ticket.status != TicketStatus.CALLED:
        raise _refuse("gọi lại", "recall", ticket)
    if ticket.recall_count >= config.max_recalls:
        return no_show(ticket, now, reason="max_recalls")
    recalled = replace(ticket, recall_count=ticket.recall_count + 1)
    return Outcome((recalled,), (), (ticket_event(ev.TICKET_RECALLED, now, recalled),))


def start(ticket: Ticket, now: datetime) -> Outcome:
    """The citizen has come to the counter; service begins."""
    if ticket.status != TicketStatus.CALLED:
        raise _refuse("bắt đầu phục vụ", "start serving", ticket)
    serving = replace(ticket, status=TicketStatus.SERVING, started_at=now)
    return Outcome((serving,), (), (ticket_event(ev.TICKET_STARTED, now, serving),))


def done(ticket: Ticket, now: datetime) -> Outcome:
    """Service finished. A called ticket may be finished directly (start implied at call time)."""
    if ticket.status not in ACTIVE_AT_COUNTER:
        raise _refuse("hoàn thành", "finish", ticket)
    started = ticket.started_at or now
    finished = replace(ticket, status=TicketStatus.DONE, started_at=started, finished_at=now)
    service_min = (now - started).total_seconds() / 60.0
    event = ticket_event(ev.TICKET_DONE, now, finished, service_min=round(service_min, 3))
    return Outcome((finished,), (), (event,))


def no_show(ticket: Ticket, now: datetime, *, reason: str = "staff") -> Outcome:
    """The called citizen did not come."""
    if ticket.status != TicketStatus.CALLED:
        raise _refuse("đánh dấu vắng mặt", "mark as no-show", ticket)
    absent = replace(ticket, status=TicketStatus.NO_SHOW, finished_at=now)
    return Outcome((absent,), (), (ticket_event(ev.TICKET_NO_SHOW, now, absent, reason=reason),))


def reinstate(ticket: Ticket, now: datetime, config: QueueConfig) -> Outcome:
    """A no-show who turns up within the window goes back to the head of its queue."""
    if ticket.status != TicketStatus.NO_SHOW:
        raise _refuse("khôi phục", "reinstate", ticket)
    absent_since = ticket.finished_at or ticket.called_at or ticket.issued_at
    if now - absent_since > timedelta(minutes=config.reinstate_window_min):
        raise InvalidTransition(
            "reinstate_window_passed",
            f"Đã quá {config.reinstate_window_min:g} phút: vé {ticket.number} không thể khôi phục, xin lấy số mới.",
            f"More than {config.reinstate_window_min:g} minutes have passed: ticket {ticket.number} "
            "cannot be reinstated; please take a new ticket.",
        )
    back = replace(
        ticket,
        status=TicketStatus.WAITING,
        head_of_queue=True,
        counter_id=None,
        called_at=None,
        finished_at=None,
        recall_count=0,
    )
    return Outcome((back,), (), (ticket_event(ev.TICKET_REINSTATED, now, back),))


def transfer(ticket: Ticket, to_service: str, new_id: str, now: datetime) -> Outcome:
    """Send the citizen to another service without losing their place: the issue time is kept.

    The original ticket ends as ``transferred``; a child ticket with the same number waits in the
    target service, ordered by the original issue time, with the hop recorded.
    """
    if ticket.status not in ACTIVE_AT_COUNTER:
        raise _refuse("chuyển", "transfer", ticket)
    if to_service == ticket.service:
        raise InvalidTransition(
            "same_service",
            "Không thể chuyển vé sang chính dịch vụ hiện tại.",
            "Cannot transfer a ticket to the service it is already in.",
        )
    hop = Hop(ticket.service, to_service, ticket.counter_id or "", now)
    moved = replace(ticket, status=TicketStatus.TRANSFERRED, finished_at=now, started_at=ticket.started_at or now)
    child = replace(
        ticket,
        id=new_id,
        service=to_service,
        status=TicketStatus.WAITING,
        queued_at=now,
        counter_id=None,
        staff_id=None,
        called_at=None,
        started_at=None,
        finished_at=None,
        recall_count=0,
        head_of_queue=False,
        parent_id=ticket.id,
        hops=(*ticket.hops, hop),
        appointment_start=None,
        appointment_end=None,
    )
    event = ticket_event(
        ev.TICKET_TRANSFERRED, now, moved, to_service=to_service, new_ticket_id=new_id, hops=len(child.hops)
    )
    return Outcome((moved, child), (), (event,))


def cancel(ticket: Ticket, now: datetime) -> Outcome:
    """A waiting ticket is withdrawn (the citizen left, or a kiosk voided it)."""
    if ticket.status != TicketStatus.WAITING:
        raise _refuse("huỷ", "cancel", ticket)
    cancelled = replace(ticket, status=TicketStatus.CANCELLED, finished_at=now)
    return Outcome((cancelled,), (), (ticket_event(ev.TICKET_CANCELLED, now, cancelled),))


def sign_in(counter: Counter, staff_id: str, now: datetime, *, takeover_by: str | None = None) -> Outcome:
    """Staff sign in: the counter opens.

    One clerk per counter: a counter held by another clerk (open or paused) is refused unless
    ``takeover_by`` names who authorised the hand-over (a manager), which the event records. The same
    clerk signing in again changes nothing.
    """
    held_by = counter.staff_id if counter.status != CounterStatus.CLOSED else None
    if held_by == staff_id:
        return Outcome()
    if held_by is not None and takeover_by is None:
        raise InvalidTransition(
            "counter_taken",
            f"{counter.name_vi} đang do cán bộ {held_by} phụ trách. Cán bộ {held_by} cần đăng xuất trước,"
            " hoặc quản lý tiếp quản quầy.",
            f"{counter.name_en} is held by staff {held_by}. {held_by} must sign out first,"
            " or a manager can take the counter over.",
        )
    opened = replace(counter, status=CounterStatus.OPEN, staff_id=staff_id, priority_streak=0)
    payload = CounterEvent(counter_id=counter.id, staff_id=staff_id)
    if held_by is not None:
        payload = CounterEvent(
            counter_id=counter.id, staff_id=staff_id, previous_staff_id=held_by, takeover_by=takeover_by
        )
    return Outcome((), (opened,), (DomainEvent.of(ev.COUNTER_OPENED, now, payload),))


def sign_out(counter: Counter, now: datetime) -> Outcome:
    """Staff sign out: the counter closes."""
    closed = replace(counter, status=CounterStatus.CLOSED, staff_id=None)
    event = DomainEvent.of(ev.COUNTER_CLOSED, now, CounterEvent(counter_id=counter.id, staff_id=counter.staff_id))
    return Outcome((), (closed,), (event,))


def pause(counter: Counter, now: datetime) -> Outcome:
    """The counter stops calling for a while (break, meeting)."""
    require_open(counter)
    paused = replace(counter, status=CounterStatus.PAUSED)
    event = DomainEvent.of(ev.COUNTER_PAUSED, now, CounterEvent(counter_id=counter.id, staff_id=counter.staff_id))
    return Outcome((), (paused,), (event,))


def resume(counter: Counter, now: datetime) -> Outcome:
    """The counter calls again after a pause."""
    if counter.status != CounterStatus.PAUSED:
        raise InvalidTransition(
            "counter_not_paused", f"{counter.name_vi} không tạm dừng.", f"{counter.name_en} is not paused."
        )
    opened = replace(counter, status=CounterStatus.OPEN)
    event = DomainEvent.of(ev.COUNTER_RESUMED, now, CounterEvent(counter_id=counter.id, staff_id=counter.staff_id))
    return Outcome((), (opened,), (event,))
