"""The queue policy: priority interleave, no starvation, FIFO within a class, appointments."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from queue_factories import at, counter, ticket

from queue_server.core.model import QueueConfig, Ticket
from queue_server.core.policy import call_order, choose_next

CONFIG = QueueConfig(max_priority_in_row=2, max_wait_min=30)


def test_nobody_waiting_returns_none():
    assert choose_next([], counter(), at(0), CONFIG) is None


def test_counter_calls_only_its_services():
    waiting = [ticket(1, 0, service="DD")]
    assert choose_next(waiting, counter(services=("HT",)), at(1), CONFIG) is None


def test_priority_ticket_called_before_earlier_normal_ticket():
    waiting = [ticket(1, 0), ticket(2, 1, priority="elderly")]
    choice = choose_next(waiting, counter(), at(2), CONFIG)
    assert choice is not None and choice.ticket.id == "t2" and choice.reason == "priority"


def test_at_most_two_priority_calls_in_a_row_while_normal_waits():
    waiting = [ticket(1, 0)] + [ticket(n, n, priority="pregnant") for n in range(2, 8)]
    order = call_order(waiting, counter(), at(10), CONFIG)
    assert [t.priority is not None for t in order[:4]] == [True, True, False, True]


def test_priority_streak_not_counted_when_no_normal_waits():
    waiting = [ticket(n, n, priority="elderly") for n in range(1, 5)]
    order = call_order(waiting, counter(), at(10), CONFIG)
    assert [t.id for t in order] == ["t1", "t2", "t3", "t4"]


def test_ticket_waiting_past_max_wait_is_called_first():
    waiting = [ticket(1, 0), ticket(2, 20, priority="disability")]
    choice = choose_next(waiting, counter(), at(31), CONFIG)
    assert choice is not None and choice.ticket.id == "t1" and choice.reason == "max_wait"


def test_reinstated_no_show_goes_to_head_of_queue():
    waiting = [ticket(1, 0), ticket(2, 5, head_of_queue=True)]
    choice = choose_next(waiting, counter(), at(6), CONFIG)
    assert choice is not None and choice.ticket.id == "t2"


def test_open_appointment_is_served_ahead_of_walk_ins():
    booked = ticket(3, 0.5, appointment_start=at(12), appointment_end=at(40))
    waiting = [ticket(1, 0), ticket(2, 1, priority="elderly"), booked]
    # The window opens appointment_early_min (10) before its start: at minute 2.
    assert choose_next(waiting, counter(), at(1), CONFIG).ticket.id == "t2"
    assert choose_next(waiting, counter(), at(5), CONFIG).ticket.id == "t3"
    early = replace(booked, appointment_start=at(30), appointment_end=at(50))
    assert choose_next([ticket(1, 0), early], counter(), at(5), CONFIG).ticket.id == "t1"
    assert choose_next([ticket(1, 0), early], counter(), at(21), CONFIG).ticket.id == "t3"


def test_appointment_does_not_starve_walk_ins():
    booked = ticket(3, 29, appointment_start=at(30), appointment_end=at(60))
    walk_in = ticket(1, 0)
    choice = choose_next([walk_in, booked], counter(), at(31), CONFIG)
    assert choice is not None and choice.ticket.id == "t1" and choice.reason == "max_wait"


def test_ties_break_by_counter_service_order():
    a = ticket(1, 0, service="CT")
    b = ticket(2, 0, service="HT")
    assert choose_next([a, b], counter(services=("HT", "CT")), at(1), CONFIG).ticket.id == "t2"
    assert choose_next([a, b], counter(services=("CT", "HT")), at(1), CONFIG).ticket.id == "t1"


# --- property-based: a simulated day at one or more counters --------------------------------

arrival = st.tuples(
    st.floats(min_value=0, max_value=240, allow_nan=False),  # minute of arrival
    st.sampled_from([None, None, None, "elderly", "pregnant", "disability"]),
    st.sampled_from(["HT", "CT"]),
)


def simulate(arrivals, counters, service_min, config):
    """Run counters greedily: each free counter calls choose_next; returns the calls with context."""
    tickets = [ticket(i, minute, priority=prio, service=svc) for i, (minute, prio, svc) in enumerate(arrivals)]
    pending = sorted(tickets, key=lambda t: t.issued_at)
    waiting: list[Ticket] = []
    free_at = {c.id: at(0) for c in counters}
    state = {c.id: c for c in counters}
    calls = []
    now = at(0)
    while pending or waiting:
        cid = min(free_at, key=lambda k: (free_at[k], k))
        now = max(now, free_at[cid])
        while pending and pending[0].issued_at <= now:
            waiting.append(pending.pop(0))
        choice = choose_next(waiting, state[cid], now, config)
        if choice is None:
            others = [free_at[k] for k in free_at if k != cid and free_at[k] > now]
            nxt = [pending[0].issued_at] if pending else []
            if not nxt and not others:
                break
            free_at[cid] = min(nxt + others) if (nxt + others) else now + timedelta(minutes=1)
            continue
        calls.append((now, cid, choice, list(waiting), state[cid].priority_streak))
        state[cid] = replace(state[cid], priority_streak=choice.priority_streak)
        waiting = [t for t in waiting if t.id != choice.ticket.id]
        free_at[cid] = now + timedelta(minutes=service_min)
    return calls


@settings(max_examples=150, deadline=None)
@given(
    arrivals=st.lists(arrival, min_size=1, max_size=40),
    n_counters=st.integers(1, 3),
    service_min=st.floats(min_value=1, max_value=15),
    max_in_row=st.integers(1, 3),
)
def test_policy_invariants_hold_over_a_simulated_day(arrivals, n_counters, service_min, max_in_row):
    config = QueueConfig(max_priority_in_row=max_in_row, max_wait_min=30)
    counters = [counter(str(i), ("HT", "CT") if i % 2 else ("CT", "HT")) for i in range(n_counters)]
    calls = simulate(arrivals, counters, service_min, config)
    assert len(calls) == len(arrivals)  # everybody is called eventually
    streaks: dict[str, int] = {}
    for now, cid, choice, waiting, _streak in calls:
        eligible = [t for t in waiting if t.service in {"HT", "CT"}]
        overdue = [t for t in eligible if now - t.issued_at >= timedelta(minutes=30)]
        chosen = choice.ticket
        normal_waiting = any(t.priority is None for t in eligible)
        # A priority call while a normal ticket waits extends the run; anything else ends it.
        streaks[cid] = streaks.get(cid, 0) + 1 if chosen.priority is not None and normal_waiting else 0
        # No starvation: when anyone has waited past the bound, the longest waiter is called.
        if overdue:
            assert chosen.issued_at == min(t.issued_at for t in overdue)
        else:
            same_class = [t for t in eligible if (t.priority is None) == (chosen.priority is None)]
            # FIFO within a class.
            assert chosen.issued_at == min(t.issued_at for t in same_class)
            # The interleave holds: never more than max_in_row priority calls in a row while a normal waits.
            assert streaks[cid] <= max_in_row
            # A waiting priority ticket is not passed over unless the interleave says so.
            if chosen.priority is None and any(t.priority for t in eligible):
                assert _streak >= max_in_row


@settings(max_examples=100, deadline=None)
@given(arrivals=st.lists(arrival, min_size=1, max_size=60), service_min=st.floats(min_value=2, max_value=6))
def test_no_ticket_waits_much_beyond_the_bound_when_capacity_suffices(arrivals, service_min):
    """With two counters and at most 60 arrivals over 4 hours, waits stay under the bound plus one service."""
    config = QueueConfig(max_priority_in_row=2, max_wait_min=30)
    counters = [counter("1", ("HT", "CT")), counter("2", ("CT", "HT"))]
    calls = simulate(arrivals, counters, service_min, config)
    spread = sorted(a[0] for a in arrivals)
    # Only judge realistic loads: no more tickets in any 30-minute window than the counters can serve.
    capacity = 2 * 30 / service_min
    if any(sum(1 for b in spread if a <= b < a + 30) > capacity for a in spread):
        return
    for now, _cid, choice, _waiting, _streak in calls:
        assert now - choice.ticket.issued_at <= timedelta(minutes=30 + service_min)
