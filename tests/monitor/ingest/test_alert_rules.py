"""Alert rules (pure, clock passed in) and the engine over a real store."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta

from monitor.alerts import AlertEngine
from monitor.core.alerts import (
    AlertRules,
    DeviceView,
    EventView,
    OpenAlert,
    devices_offline,
    long_wait,
    negative_burst,
    presence,
    reconcile,
    todays_waits,
)
from monitor.core.roles import ROLE_LABELS, role_labels
from motcua.contract.uplink import UplinkBatch, UplinkEvent

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
RULES = AlertRules()


def issued(tid, minutes_ago):
    at = NOW - timedelta(minutes=minutes_ago)
    return EventView("ticket.issued", at, {"ticket_id": tid, "queued_at": at.isoformat()})


def called(tid, minutes_ago):
    return EventView("ticket.called", NOW - timedelta(minutes=minutes_ago), {"ticket_id": tid})


def test_long_wait_counts_waiting_citizens():
    events = [issued("a", 60), called("a", 55), issued("b", 40), issued("c", 30), called("c", 28)]
    assert sorted(todays_waits(events, NOW)) == [2.0, 5.0, 40.0]
    assert long_wait("bn", events, NOW, RULES) is None  # median 5
    slow = [issued("a", 60), called("a", 30), issued("b", 20), issued("c", 5)]
    alert = long_wait("bn", slow, NOW, RULES)
    assert alert is not None
    assert alert.data["median_wait_min"] == 20.0
    assert "15" in alert.message_vi


def test_device_offline_after_two_minutes():
    devices = [
        DeviceView("k1", "kiosk", "offline", NOW - timedelta(minutes=3)),
        DeviceView("k2", "kiosk", "offline", NOW - timedelta(minutes=1)),
        DeviceView("d1", "display", "online", NOW - timedelta(minutes=5)),
    ]
    found = devices_offline("bn", devices, NOW, RULES)
    assert [a.subject for a in found] == ["k1", "d1"]


def test_a_display_that_reports_only_changes_is_online_while_its_site_is_heard():
    tv = DeviceView("tv", "display-waiting-room", "online", NOW - timedelta(hours=3))
    hung = DeviceView("k9", "kiosk", "online", NOW - timedelta(minutes=5), heartbeat=True)
    site_heard = NOW - timedelta(seconds=40)
    assert presence(tv, NOW, RULES, site_seen=site_heard) == "online"
    assert presence(hung, NOW, RULES, site_seen=site_heard) == "silent"
    # the site's uplink itself went quiet: nothing vouches for the display any more
    assert presence(tv, NOW, RULES, site_seen=NOW - timedelta(minutes=7)) == "silent"
    assert presence(tv, NOW, RULES) == "silent"
    assert presence(DeviceView("k2", "kiosk", "offline", NOW), NOW, RULES, site_seen=site_heard) == "offline"
    found = devices_offline("bn", [tv, hung], NOW, RULES, site_seen=site_heard)
    assert [(a.subject, a.data["state"]) for a in found] == [("k9", "silent")]
    assert found[0].message_vi == "Thiết bị k9 (Ki-ốt) không gửi tín hiệu 5 phút"
    assert found[0].message_en == "Device k9 (Kiosk) silent for 5 min"
    (quiet_site,) = devices_offline("bn", [tv], NOW, RULES, site_seen=NOW - timedelta(minutes=7))
    assert quiet_site.message_vi == "Thiết bị tv (Màn hình phòng chờ) không gửi tín hiệu 7 phút"


def test_every_role_has_a_name_in_both_languages_and_unknown_roles_show_as_sent():
    assert role_labels("display-waiting-room") == ("Màn hình phòng chờ", "Waiting-room display")
    assert role_labels("something-new") == ("something-new", "something-new")
    for vi, en in ROLE_LABELS.values():
        assert vi and en and unicodedata.is_normalized("NFC", vi)


def test_negative_burst_within_thirty_minutes():
    def fb(minutes_ago, label="negative", rating="satisfied"):
        return EventView(
            "feedback.submitted",
            NOW - timedelta(minutes=minutes_ago),
            {"rating": rating, "sentiment": {"label": label}},
        )

    assert negative_burst("bn", [fb(1), fb(5), fb(40)], NOW, RULES) is None
    assert negative_burst("bn", [fb(1), fb(5), fb(20, "neutral", "dissatisfied")], NOW, RULES) is not None


def test_reconcile_raises_once_and_resolves_cleared_conditions():
    alert = long_wait("bn", [issued("a", 60)], NOW, RULES)
    assert alert is not None
    new, resolve = reconcile([alert], [], [("bn", "long_wait")])
    assert new == [alert]
    assert resolve == []
    new, resolve = reconcile([alert], [OpenAlert(7, "bn", "long_wait", "median_wait")], [("bn", "long_wait")])
    assert (new, resolve) == ([], [])
    new, resolve = reconcile([], [OpenAlert(7, "bn", "long_wait", "median_wait")], [("bn", "long_wait")])
    assert resolve == [7]
    overflow = OpenAlert(8, "bn", "outbox_overflow", "1-5")
    assert reconcile([], [overflow], [("bn", "outbox_overflow")]) == ([], [])


def test_engine_stores_and_publishes_alerts(store):
    clock_now = [NOW]
    published = []
    engine = AlertEngine(store, publish=published.append, clock=lambda: clock_now[0])

    def ingest(events):
        _ack, new = store.ingest_new(UplinkBatch(site="bn", events=events))
        engine.on_ingest("bn", new)

    ingest(
        [
            UplinkEvent(
                site="bn",
                seq=i + 1,
                kind="business",
                type="feedback.submitted",
                at=NOW - timedelta(minutes=i),
                data={"rating": "dissatisfied", "sentiment": {"label": "negative"}},
            )
            for i in range(3)
        ]
        + [
            UplinkEvent(
                site="bn",
                seq=10,
                kind="business",
                type="outbox.overflow",
                at=NOW,
                data={"dropped_business": 4, "dropped_health": 9, "first_seq": 1, "last_seq": 13},
            )
        ]
    )
    kinds = sorted(a.kind for a in store.alerts(open_only=True))
    assert kinds == ["negative_feedback_burst", "outbox_overflow"]
    assert sorted(a.kind for a in published) == kinds
    ingest(
        [
            UplinkEvent(
                site="bn", seq=11, kind="business", type="feedback.submitted", at=NOW, data={"rating": "dissatisfied"}
            )
        ]
    )
    assert len(store.alerts()) == 2  # not raised twice
    # a device silent for 3 minutes, then the burst window passes
    ingest(
        [
            UplinkEvent(
                site="bn",
                seq=12,
                kind="health",
                type="device.health",
                at=NOW - timedelta(minutes=3),
                data={"device_id": "k1", "role": "kiosk", "state": "online"},
            )
        ]
    )
    clock_now[0] = NOW + timedelta(hours=1)
    engine.tick()
    open_kinds = sorted(a.kind for a in store.alerts(open_only=True))
    assert open_kinds == ["device_offline", "outbox_overflow"]
