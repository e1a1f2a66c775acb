"""Ticket lifecycle, numbering, wait estimates and KPIs of the pure core."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from queue_factories import at, counter, ticket

from motcua.contract import events as ev
from motcua.domain.kpis import compute_kpis, percentile
from queue_server.core import lifecycle
from queue_server.core.errors import InvalidTransition
from queue_server.core.estimate import estimate_wait, update_ewma
from queue_server.core.model import CounterStatus, QueueConfig, Service, TicketStatus
from queue_server.core.numbering import format_number, service_day

CONFIG = QueueConfig(max_recalls=2, reinstate_window_min=15)
SERVICES = {
    "HT": Service("HT", "A", "Hộ tịch", "Civil status", 10.0),
    "CT": Service("CT", "B", "Chứng thực", "Cert", 4.0),
}


def test_full_visit_emits_events_in_order():
    t = ticket(1, 0)
    called = lifecycle.call(t, counter(), at(5), priority_streak=0, reason="fifo")
    started = lifecycle.start(called.ticket, at(6))
    finished = lifecycle.done(started.ticket, at(16))
    assert [o.events[0].type for o in (called, started, finished)] == [
        ev.TICKET_CALLED,
        ev.TICKET_STARTED,
        ev.TICKET_DONE,
    ]
    assert finished.ticket.status == TicketStatus.DONE
    assert finished.events[0].data["service_min"] == pytest.approx(10.0)
    assert "full_name" not in finished.events[0].data and "id_number" not in finished.events[0].data


def test_recall_past_the_limit_becomes_no_show():
    t = lifecycle.call(ticket(1), counter(), at(1), priority_streak=0, reason="fifo").ticket
    t = lifecycle.recall(t, at(2), CONFIG).ticket
    t = lifecycle.recall(t, at(3), CONFIG).ticket
    assert t.recall_count == 2 and t.status == TicketStatus.CALLED
    outcome = lifecycle.recall(t, at(4), CONFIG)
    assert outcome.ticket.status == TicketStatus.NO_SHOW
    assert outcome.events[0].data["reason"] == "max_recalls"


def test_no_show_reinstated_within_window_goes_to_head():
    called = lifecycle.call(ticket(1), counter(), at(1), priority_streak=0, reason="fifo").ticket
    absent = lifecycle.no_show(called, at(2)).ticket
    back = lifecycle.reinstate(absent, at(16), CONFIG).ticket
    assert back.status == TicketStatus.WAITING and back.head_of_queue


def test_no_show_after_window_cannot_be_reinstated():
    called = lifecycle.call(ticket(1), counter(), at(1), priority_streak=0, reason="fifo").ticket
    absent = lifecycle.no_show(called, at(2)).ticket
    with pytest.raises(InvalidTransition) as info:
        lifecycle.reinstate(absent, at(18), CONFIG)
    assert info.value.code == "reinstate_window_passed"
    assert "15" in info.value.message_vi


def test_transfer_keeps_original_issue_time_and_records_hop():
    called = lifecycle.call(ticket(1, 0), counter(), at(10), priority_streak=0, reason="fifo").ticket
    outcome = lifecycle.transfer(lifecycle.start(called, at(11)).ticket, "CT", "child", at(15))
    original, child = outcome.tickets
    assert original.status == TicketStatus.TRANSFERRED
    assert child.status == TicketStatus.WAITING and child.service == "CT"
    assert child.issued_at == at(0) and child.queued_at == at(15)
    assert child.number == original.number and child.parent_id == original.id
    assert [(h.from_service, h.to_service) for h in child.hops] == [("HT", "CT")]


@pytest.mark.parametrize("action", ["start", "done", "no_show", "recall"])
def test_actions_on_a_waiting_ticket_are_refused(action):
    def attempt() -> object:
        if action == "recall":
            return lifecycle.recall(ticket(1), at(1), CONFIG)
        return getattr(lifecycle, action)(ticket(1), at(1))

    with pytest.raises(InvalidTransition):
        attempt()


def test_paused_counter_refuses_and_resumes():
    paused = lifecycle.pause(counter(), at(0)).counters[0]
    assert paused.status == CounterStatus.PAUSED
    with pytest.raises(InvalidTransition):
        lifecycle.require_open(paused)
    assert lifecycle.resume(paused, at(1)).counters[0].status == CounterStatus.OPEN


def test_service_day_resets_at_local_hour():
    # 16:59 UTC = 23:59 in Hanoi; 17:01 UTC = 00:01 the next day.
    assert service_day(datetime(2026, 11, 30, 16, 59, tzinfo=UTC)) == "2026-11-30"
    assert service_day(datetime(2026, 11, 30, 17, 1, tzinfo=UTC)) == "2026-12-01"
    # With a 05:00 reset, 04:59 local still belongs to the previous day.
    assert service_day(datetime(2026, 11, 30, 21, 59, tzinfo=UTC), reset_hour=5) == "2026-11-30"
    assert service_day(datetime(2026, 11, 30, 22, 1, tzinfo=UTC), reset_hour=5) == "2026-12-01"


@given(st.integers(1, 9999))
def test_numbers_are_letter_plus_at_least_three_digits(n):
    number = format_number("B", n)
    assert number.startswith("B") and int(number[1:]) == n and len(number) >= 4


def test_ewma_moves_towards_observations_and_clamps():
    assert update_ewma(None, 10, 0.3) == 10
    assert update_ewma(10, 20, 0.3) == pytest.approx(13)
    assert update_ewma(None, 10_000, 0.3) == 120


def test_wait_estimate_counts_people_ahead_and_counters():
    waiting = [ticket(n, n) for n in range(1, 5)]
    new = ticket(9, 10)
    one = estimate_wait(new, [*waiting, new], [counter()], {}, SERVICES, {"HT": 10.0}, at(10), QueueConfig())
    two = estimate_wait(
        new, [*waiting, new], [counter("1"), counter("2")], {}, SERVICES, {"HT": 10.0}, at(10), QueueConfig()
    )
    assert one.people_ahead == 4 and one.minutes == pytest.approx(40)
    assert two.minutes == pytest.approx(20)


def test_wait_estimate_accounts_for_ticket_being_served():
    serving = ticket(1, 0, status=TicketStatus.SERVING, started_at=at(4), called_at=at(4), counter_id="1")
    new = ticket(2, 5)
    estimate = estimate_wait(new, [new], [counter()], {"1": serving}, SERVICES, {"HT": 10.0}, at(5), QueueConfig())
    assert estimate.minutes == pytest.approx(9)


def test_wait_estimate_none_when_no_counter_serves_service():
    new = ticket(1, 0, service="XX")
    assert estimate_wait(new, [new], [counter()], {}, SERVICES, {}, at(0), QueueConfig()) is None


def test_wait_estimate_assumes_closed_counters_open_when_none_is():
    new = ticket(2, 1)
    closed = counter(status=CounterStatus.CLOSED)
    estimate = estimate_wait(new, [ticket(1, 0), new], [closed], {}, SERVICES, {}, at(1), QueueConfig())
    assert estimate.minutes == pytest.approx(10) and estimate.counters_open == 0


def test_percentile_interpolates():
    assert percentile([], 50) is None
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 90) == 5


def _day_events():
    out = []
    for n, (issue, call_at, service_min, prio) in enumerate(
        [(0, 5, 10, None), (1, 20, 5, "elderly"), (2, 40, 3, None), (3, 4, 0, None)]
    ):
        t = ticket(n, issue, priority=prio)
        out.append(ev.DomainEvent(ev.TICKET_ISSUED, at(issue), ev.ticket_data(t)))
        called = lifecycle.call(t, counter(), at(call_at), priority_streak=0, reason="fifo")
        out += called.events
        if n == 3:
            out += lifecycle.no_show(called.ticket, at(call_at + 1)).events
            continue
        started = lifecycle.start(called.ticket, at(call_at))
        out += started.events + lifecycle.done(started.ticket, at(call_at + service_min)).events
    return out


def test_kpis_from_events():
    k = compute_kpis(_day_events())
    assert k["tickets_issued"] == 4 and k["tickets_done"] == 3 and k["no_shows"] == 1
    assert k["wait_min"]["max"] == 38 and k["wait_min"]["p50"] == pytest.approx(12)
    assert k["served_within_15_min_pct"] == 50.0 and k["served_within_30_min_pct"] == 75.0
    assert k["priority_wait_min"]["n"] == 1 and k["priority_wait_min"]["p50"] == 19
    assert k["by_counter"]["1"]["served"] == 3 and k["by_staff"]["NV01"]["served"] == 3
    assert k["no_show_rate"] == 25.0
    assert k["service_min"]["mean"] == pytest.approx(6)


def test_citizens_still_waiting_past_the_limit_count_against_the_share():
    issued = ticket(9, 0)
    events = [*_day_events(), ev.DomainEvent(ev.TICKET_ISSUED, at(0), ev.ticket_data(issued))]
    k = compute_kpis(events, now=at(20))
    assert k["served_within_15_min_pct"] == 40.0  # 2 of 4 called within 15, plus one still waiting 20 min
    assert k["waiting_over_15_min_now"] == 1 and k["longest_open_wait_min"] == 20
    assert compute_kpis(events)["served_within_15_min_pct"] == 50.0
