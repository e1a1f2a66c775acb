"""End to end: queue server → site mosquitto → agent → bridge → province mosquitto → monitor store."""

from __future__ import annotations

import signal
import uuid

import httpx


def test_ticket_issued_at_the_queue_server_reaches_the_monitor(uplink, helpers, tmp_path):
    server, base, kiosk = helpers.start_queue_server(tmp_path / "server", uplink.site_broker.url, uplink.site)
    try:
        uplink.start_agent()
        # the agent is subscribed once its own status has made the round trip to the monitor
        assert helpers.wait_until(lambda: any(d.device_id == "site-server" for d in uplink.store.devices(uplink.site)))
        r = httpx.post(
            f"{base}/api/v1/tickets",
            json={"service": "HT", "priority": None, "lang": "vi"},
            headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201, r.text
        number = r.json()["number"]

        def arrived():
            return [e for e in uplink.store.events(uplink.site, types=["ticket.issued"]) if e.data["number"] == number]

        assert helpers.wait_until(lambda: bool(arrived()), 30)
        event = arrived()[0]
        assert event.kind == "business"
        assert event.source_seq is not None
        # the agent's own heartbeat arrives as a device row
        assert helpers.wait_until(lambda: any(d.device_id == "site-server" for d in uplink.store.devices(uplink.site)))
        device = next(d for d in uplink.store.devices(uplink.site) if d.device_id == "site-server")
        assert device.role == "server"
        assert device.state == "online"
        assert {"uptime_s", "disk_free_mb", "mem_available_mb", "cpu_temp_c", "last_error"} <= set(device.details)
        # a KPI snapshot follows
        assert helpers.wait_until(lambda: uplink.store.count_events(uplink.site, types=["kpi.snapshot"]) > 0, 20)
        snapshot = uplink.store.events(uplink.site, types=["kpi.snapshot"])[-1]
        assert snapshot.data["tickets_issued"] >= 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)


def test_feedback_is_scored_on_the_site_redacted_and_a_negative_burst_alerts(uplink, helpers):
    from motcua.contract.mqtt import decode_payload
    from motcua.contract.uplink import Alert, topic_alerts
    from motcua.runtime.mqtt import MqttConnection

    alerts: list[Alert] = []
    listener = MqttConnection(uplink.province.url)
    listener.subscribe(topic_alerts(), lambda t, p, r: alerts.append(decode_payload(Alert, p)))
    listener.start()
    uplink.ingest.service.alerts.publish = uplink.ingest.publish_alert
    uplink.start_agent()
    assert helpers.wait_until(lambda: any(d.device_id == "site-server" for d in uplink.store.devices(uplink.site)))
    publisher = uplink.publisher()
    comments = [
        "Chị Nguyễn Thị Lan quầy 3 thái độ rất tệ, chờ quá lâu, SĐT tôi 0912345678",
        "nhân viên cáu gắt, hướng dẫn không rõ ràng, rất thất vọng",
        "chờ 2 tiếng mà không được giải quyết, quá tệ",
    ]
    for i, comment in enumerate(comments):
        publisher.ticket(
            "feedback.submitted",
            feedback_id=f"f{i}",
            rating="satisfied" if i == 0 else "dissatisfied",
            ratings={"staff_attitude": "dissatisfied"},
            comment=comment,
        )
    publisher.close()
    assert helpers.wait_until(lambda: uplink.store.count_events(uplink.site, types=["feedback.submitted"]) == 3, 30)
    first = uplink.store.events(uplink.site, types=["feedback.submitted"])[0]
    assert first.data["comment"] == "Chị [NAME] quầy 3 thái độ rất tệ, chờ quá lâu, SĐT tôi [PHONE]"
    assert first.data["sentiment"]["label"] == "negative"
    assert first.data["sentiment"]["rating_mismatch"] is True
    assert "0912345678" not in str(uplink.store.events(uplink.site))
    assert helpers.wait_until(lambda: any(a.kind == "negative_feedback_burst" for a in alerts), 10)
    assert any(a.kind == "negative_feedback_burst" for a in uplink.store.alerts(uplink.site, open_only=True))
    listener.stop()
