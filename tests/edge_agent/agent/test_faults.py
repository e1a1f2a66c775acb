"""Nothing lost, nothing counted twice: outage, kill -9 of the agent mid-send, province broker restart."""

from __future__ import annotations

import signal

import pytest

BUSINESS = ["ticket.issued", "ticket.called", "ticket.done"]


def _site_events_at_monitor(uplink):
    return [e for e in uplink.store.events(uplink.site) if e.source_seq is not None]


def _assert_exactly_once(uplink, n):
    events = _site_events_at_monitor(uplink)
    source = sorted(e.source_seq for e in events)
    assert source == list(range(1, n + 1)), f"missing {set(range(1, n + 1)) - set(source)}"
    seqs = uplink.store.seqs(uplink.site)
    assert len(seqs) == len(set(seqs))


@pytest.mark.slow
def test_outage_then_restore_drains_in_order_exactly_once(uplink, helpers):
    uplink.start_agent()
    assert uplink.agent_ready()
    uplink.province.stop()  # the province is unreachable
    publisher = uplink.publisher()
    n = publisher.tickets(1500)
    publisher.close()
    # the agent has them all, in its outbox, and none went anywhere
    assert helpers.wait_until(lambda: helpers.outbox_tickets(uplink.tmp / "agent" / "agent-outbox.db") == n, 60)
    assert len(_site_events_at_monitor(uplink)) == 0
    uplink.province.start()
    assert helpers.wait_until(lambda: len(_site_events_at_monitor(uplink)) >= n, 90)
    _assert_exactly_once(uplink, n)
    # in order: the outbox seq grows with the site's source_seq
    events = sorted(_site_events_at_monitor(uplink), key=lambda e: e.seq)
    assert [e.source_seq for e in events] == sorted(e.source_seq for e in events)


@pytest.mark.slow
def test_kill_9_of_the_agent_mid_send_loses_nothing(uplink, helpers):
    agent = uplink.start_agent()
    assert uplink.agent_ready()
    publisher = uplink.publisher()
    n = 0
    for _round in range(3):
        before = len(_site_events_at_monitor(uplink))
        n += publisher.tickets(300)
        # mid-send: once this round's events have begun to reach the monitor
        assert helpers.wait_until(lambda b=before: len(_site_events_at_monitor(uplink)) > b, 30)
        agent.send_signal(signal.SIGKILL)
        agent.wait(10)
        n += publisher.tickets(100)  # events while the agent is dead: queued in its persistent session
        agent = uplink.start_agent()
    publisher.close()
    assert helpers.wait_until(lambda: len(_site_events_at_monitor(uplink)) >= n, 90)
    _assert_exactly_once(uplink, n)


@pytest.mark.slow
def test_province_broker_restart_mid_stream_loses_nothing(uplink, helpers):
    uplink.start_agent()
    assert uplink.agent_ready()
    publisher = uplink.publisher()
    n = 0
    for _round in range(2):
        n += publisher.tickets(400)
        uplink.province.restart(down_seconds=0.5)
    n += publisher.tickets(200)
    publisher.close()
    assert helpers.wait_until(lambda: len(_site_events_at_monitor(uplink)) >= n, 90)
    _assert_exactly_once(uplink, n)
