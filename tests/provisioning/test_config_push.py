"""A config change published retained reaches a running device agent, is applied and acknowledged in its status."""

from __future__ import annotations

import json

from waiting import eventually

from motcua.contract.mqtt import DeviceStatus, decode_payload
from provisioning.device import DeviceAgent


def test_config_change_is_applied_without_reinstall_and_reported(secure_site, server_client, subscribe, tmp_path):
    server = server_client()
    provisioner = secure_site.provisioner
    provisioner.publish = lambda topic, payload: server.publish(topic, payload, qos=1, retain=True)
    _rc, statuses = subscribe(server, f"motcua/{secure_site.site}/device/+/status")
    server.message_callback_add(
        f"motcua/{secure_site.site}/device/+/status",
        lambda c, u, m: (statuses.append((m.topic, m.payload)), provisioner.record_status(m.payload)),
    )
    try:
        identity = secure_site.enrol("display", tmp_path / "d")
        applied = []
        agent = DeviceAgent(identity, apply=applied.append).start()
        assert agent.connection.wait_connected(10)
        assert eventually(lambda: agent.version == 1)
        updated = provisioner.change_config(identity.device_id, {"language": "en", "layout": {"rotation": 180}})
        assert updated.version == 2
        assert eventually(lambda: agent.version == 2)
        assert applied[-1].layout.rotation == 180 and applied[-1].language == "en"
        assert json.loads(identity.config_path.read_text())["version"] == 2
        mine = lambda: [decode_payload(DeviceStatus, p) for t, p in statuses if identity.device_id in t and p]  # noqa: E731
        assert eventually(lambda: any(s.details.get("config_version") == 2 for s in mine()))
        assert eventually(lambda: provisioner.device(identity.device_id)["reported_config_version"] == 2)
        # a stale or foreign config is ignored
        agent._on_config("t", updated.model_copy(update={"version": 1}).model_dump_json().encode(), False)
        agent._on_config(
            "t", updated.model_copy(update={"version": 9, "device_id": "other"}).model_dump_json().encode(), False
        )
        assert agent.version == 2
        agent.stop()
        assert eventually(lambda: mine()[-1].state == "offline")
    finally:
        provisioner.publish = None
