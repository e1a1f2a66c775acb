"""The store behaves the same on SQLite and on PostgreSQL: dedup by (site, seq), reads, devices, alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from motcua.contract.uplink import Alert, UplinkBatch, UplinkEvent

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def ev(site, seq, type_="ticket.issued", at=None, kind="business", **data):
    return UplinkEvent(site=site, seq=seq, kind=kind, type=type_, at=at or T0 + timedelta(seconds=seq), data=data)


def test_resend_never_counts_twice_and_is_acked(store):
    batch = UplinkBatch(site="bn", events=[ev("bn", i, number=f"A{i:03d}") for i in range(1, 101)])
    ack, new = store.ingest_new(batch)
    assert ack.acked == list(range(1, 101))
    assert len(new) == 100
    overlapping = UplinkBatch(site="bn", events=[ev("bn", i) for i in range(51, 151)])
    ack2, new2 = store.ingest_new(overlapping)
    assert ack2.acked == list(range(51, 151))
    assert [e.seq for e in new2] == list(range(101, 151))
    assert store.count_events("bn") == 150
    assert store.seqs("bn") == list(range(1, 151))
    # the first version of an event wins
    assert store.events("bn", types=["ticket.issued"], limit=1)[0].data == {"number": "A001"}


def test_same_seq_of_two_sites_are_two_events(store):
    store.ingest(UplinkBatch(site="a", events=[ev("a", 1)]))
    store.ingest(UplinkBatch(site="b", events=[ev("b", 1)]))
    assert store.count_events() == 2
    assert {s.site for s in store.sites()} == {"a", "b"}


def test_event_filters_and_json_round_trip(store):
    store.ingest(
        UplinkBatch(
            site="bn",
            events=[
                ev("bn", 1, "ticket.issued", T0, number="A001", nested={"k": [1, 2]}, text="Phòng Tư pháp"),
                ev("bn", 2, "ticket.called", T0 + timedelta(minutes=5)),
                ev("bn", 3, "feedback.submitted", T0 + timedelta(minutes=10), rating="satisfied"),
            ],
        )
    )
    got = store.events(site="bn", since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=10))
    assert [e.seq for e in got] == [2]
    first = store.events(types=["ticket.issued"])[0]
    assert first.data == {"number": "A001", "nested": {"k": [1, 2]}, "text": "Phòng Tư pháp"}
    assert first.at == T0
    assert first.at.tzinfo is not None
    assert store.events(types=[]) == []
    assert store.count_events(types=["ticket.called", "feedback.submitted"]) == 2


def test_devices_keep_the_newest_status(store):
    later = ev(
        "bn",
        2,
        "device.health",
        T0 + timedelta(minutes=2),
        "health",
        device_id="k1",
        role="kiosk",
        state="online",
        version="1.1",
        details={"printer": {"state": "paper_low"}},
    )
    earlier = ev("bn", 1, "device.status", T0, device_id="k1", role="kiosk", state="offline", version="1.0")
    store.ingest(UplinkBatch(site="bn", events=[later]))
    store.ingest(UplinkBatch(site="bn", events=[earlier]))  # arrives late: does not win
    (device,) = store.devices("bn")
    assert (device.state, device.version, device.details["printer"]["state"]) == ("online", "1.1", "paper_low")


def test_a_device_that_sends_samples_is_marked_as_heartbeating_for_good(store):
    status = ev("bn", 1, "device.status", T0, device_id="tv", role="display-waiting-room", state="online")
    store.ingest(UplinkBatch(site="bn", events=[status]))
    assert [(d.device_id, d.heartbeat) for d in store.devices("bn")] == [("tv", False)]
    sample = ev("bn", 2, "device.health", T0 + timedelta(minutes=1), "health", device_id="k1", role="kiosk")
    change = ev("bn", 3, "device.status", T0 + timedelta(minutes=2), device_id="k1", role="kiosk", state="offline")
    store.ingest(UplinkBatch(site="bn", events=[sample]))
    store.ingest(UplinkBatch(site="bn", events=[change]))  # a change after samples keeps the mark
    late = ev("bn", 4, "device.health", T0, "health", device_id="tv", role="display-waiting-room")
    store.ingest(UplinkBatch(site="bn", events=[late]))  # an older sample does not win, but marks the device
    devices = {d.device_id: d for d in store.devices("bn")}
    assert (devices["k1"].heartbeat, devices["k1"].state) == (True, "offline")
    assert (devices["tv"].heartbeat, devices["tv"].last_seen) == (True, T0)


def test_sites_upsert_and_alerts(store):
    store.upsert_site("bn-tinh", name="Trung tâm PVHCC tỉnh", level="province", one_stop_staff=60)
    store.upsert_site("bn-tinh", one_stop_staff=62)
    (site,) = store.sites()
    assert (site.name, site.level, site.one_stop_staff) == ("Trung tâm PVHCC tỉnh", "province", 62)
    with pytest.raises(ValueError, match="level"):
        store.upsert_site("x", level="village")
    with pytest.raises(ValueError, match="one_stop_staff"):
        store.upsert_site("x", one_stop_staff=-1)
    store.upsert_site("bn-tinh", one_stop_staff=0)  # none declared
    assert store.sites()[0].one_stop_staff == 0
    alert_id = store.add_alert(
        Alert(
            site="bn-tinh", kind="long_wait", message_vi="Chờ lâu", message_en="Long wait", at=T0, data={"subject": "m"}
        )
    )
    assert [a.id for a in store.alerts(open_only=True)] == [alert_id]
    store.resolve_alert(alert_id, T0 + timedelta(hours=1))
    assert store.alerts(open_only=True) == []
    assert store.alerts()[0].resolved_at == T0 + timedelta(hours=1)


def test_site_tokens(store):
    token = store.create_site_token("bn")
    assert store.site_for_token(token) == "bn"
    assert store.site_for_token("nope") is None
