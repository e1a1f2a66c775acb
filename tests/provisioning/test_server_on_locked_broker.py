"""The real queue server publishes on the locked-down broker with its own account and certificate."""

from __future__ import annotations

import threading
import uuid

from fastapi.testclient import TestClient

from motcua.contract import CallEvent, decode_payload, topic_call
from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.settings import ServerSettings


def test_server_connects_with_its_own_account_and_a_display_receives_the_call(secure_site, tmp_path):
    display_identity = secure_site.enrol("display", tmp_path / "display")
    display, rc = secure_site.connect(
        display_identity.mqtt_username, display_identity.mqtt_password, identity=display_identity
    )
    assert rc == 0
    received = threading.Event()
    calls: list[CallEvent] = []

    def on_message(client, userdata, message):  # type: ignore[no-untyped-def]
        calls.append(decode_payload(CallEvent, message.payload))
        received.set()

    display.on_message = on_message
    display.subscribe(topic_call(secure_site.site), qos=1)
    settings = ServerSettings(
        data_dir=secure_site.data_dir, site_id=secure_site.site, broker_url=f"mqtts://127.0.0.1:{secure_site.port}"
    )
    kiosk = create_token(secure_site.db, "kiosk")
    counter = create_token(secure_site.db, "counter", counter_id="1")
    with TestClient(create_app(settings)) as client:
        assert client.app.state.publisher.connection.wait_connected(10), secure_site.log.read_text()[-2000:]
        r = client.post(
            "/api/v1/tickets",
            json={"service": "HT"},
            headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201
        h = {"Authorization": f"Bearer {counter}"}
        client.post("/api/v1/counters/1/sign-in", json={"staff_id": "NV01"}, headers=h)
        called = client.post("/api/v1/counters/1/next", headers=h).json()
        assert received.wait(10), "the display did not receive the call"
    assert calls[0].number == called["number"]
