"""A real mosquitto with TLS, the generated password file and ACL: every refusal shown on the wire."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from waiting import eventually

from motcua.contract.mqtt import topic_call, topic_counter_state, topic_device_config, topic_device_status

NOT_AUTHORIZED = 0x87  # MQTT 5 §2.4: reason code 135
BAD_CREDENTIALS = 0x86  # 134: bad user name or password
ACCEPTED = (0x00, 0x10)  # success, or success with "no matching subscribers"


def _wait(inbox: list, done: Callable[[list], bool] = bool, timeout: float = 3.0) -> list:
    """``inbox`` once ``done(inbox)`` (by default: once a message is there), or after ``timeout``."""
    eventually(lambda: done(inbox), timeout, interval=0.02)
    return inbox


def test_anonymous_client_is_refused(secure_site):
    _client, rc = secure_site.connect(None, None)
    assert rc in (NOT_AUTHORIZED, BAD_CREDENTIALS)


def test_wrong_password_is_refused(secure_site, tmp_path: Path):
    kiosk = secure_site.enrol("kiosk", tmp_path / "k")
    _client, rc = secure_site.connect(kiosk.mqtt_username, "not-the-password", identity=kiosk)
    assert rc in (NOT_AUTHORIZED, BAD_CREDENTIALS)


def test_client_without_certificate_is_refused_by_tls(secure_site, tmp_path: Path):
    kiosk = secure_site.enrol("kiosk", tmp_path / "k")
    _client, rc = secure_site.connect(kiosk.mqtt_username, kiosk.mqtt_password, client_cert=False)
    assert rc != 0


def test_kiosk_publishes_only_its_own_status(secure_site, server_client, publish, subscribe, tmp_path: Path):
    kiosk = secure_site.enrol("kiosk", tmp_path / "k")
    other = secure_site.enrol("kiosk", tmp_path / "k2")
    server = server_client()
    _rc, inbox = subscribe(server, "motcua/#")
    client, rc = secure_site.connect(kiosk.mqtt_username, kiosk.mqtt_password, identity=kiosk)
    assert rc == 0
    site = secure_site.site
    assert publish(client, topic_device_status(site, kiosk.device_id), b'{"state":"online"}') == 0
    assert publish(client, topic_call(site), b"fake call") == NOT_AUTHORIZED
    assert publish(client, topic_device_status(site, other.device_id), b"spoof") == NOT_AUTHORIZED
    assert publish(client, topic_counter_state(site, "1"), b"spoof") == NOT_AUTHORIZED
    assert publish(client, topic_device_config(site, kiosk.device_id), b"self-config") == NOT_AUTHORIZED
    # a sentinel on its own topic, after the refused ones (each already answered 0x87: dropped)
    assert publish(client, topic_device_status(site, kiosk.device_id), b"sentinel") == 0
    _wait(inbox, lambda got: (topic_device_status(site, kiosk.device_id), b"sentinel") in got)
    status = topic_device_status(site, kiosk.device_id)
    assert [t for t, _ in inbox if not t.endswith("/config")] == [status, status]


def test_display_only_reads_and_server_alone_publishes_calls(secure_site, server_client, publish, subscribe, tmp_path):
    display = secure_site.enrol("display", tmp_path / "d")
    client, rc = secure_site.connect(display.mqtt_username, display.mqtt_password, identity=display)
    assert rc == 0
    site = secure_site.site
    rc, inbox = subscribe(client, topic_call(site))
    assert rc == 1  # granted QoS 1
    assert publish(client, topic_call(site), b"display tries to call") == NOT_AUTHORIZED
    assert publish(client, topic_counter_state(site, "1"), b"x") == NOT_AUTHORIZED
    assert publish(server_client(), topic_call(site), b"real call") == 0
    assert _wait(inbox) == [(topic_call(site), b"real call")]


def test_counter_display_reads_only_its_counter(secure_site, server_client, publish, subscribe, tmp_path):
    device = secure_site.enrol("counter_display", tmp_path / "c", counter="1")
    client, rc = secure_site.connect(device.mqtt_username, device.mqtt_password, identity=device)
    assert rc == 0
    site = secure_site.site
    _rc, mine = subscribe(client, topic_counter_state(site, "1"))
    rc_other, other = subscribe(client, topic_counter_state(site, "2"))
    server = server_client()
    assert publish(server, topic_counter_state(site, "2"), b"counter 2") == 0
    assert publish(server, topic_counter_state(site, "1"), b"counter 1") == 0
    # counter 1 is the sentinel: the same server connection sent counter 2 before it, to the same client
    assert _wait(mine) == [(topic_counter_state(site, "1"), b"counter 1")]
    assert other == [] and rc_other in (1, NOT_AUTHORIZED)


def test_nobody_touches_another_sites_topics(secure_site, server_client, publish, subscribe, tmp_path):
    display = secure_site.enrol("display", tmp_path / "d")
    client, _ = secure_site.connect(display.mqtt_username, display.mqtt_password, identity=display)
    server = server_client()
    _rc, inbox = subscribe(client, topic_call("site-b"))
    _rc, own = subscribe(client, topic_call(secure_site.site))
    assert publish(server, topic_call("site-b"), b"other site") == NOT_AUTHORIZED
    assert publish(client, topic_device_status("site-b", display.device_id), b"x") == NOT_AUTHORIZED
    assert publish(server, topic_call(secure_site.site), b"sentinel") == 0  # after the refused one, same connection
    assert _wait(own) == [(topic_call(secure_site.site), b"sentinel")]
    assert inbox == []


def test_revoked_device_is_refused_by_the_broker_after_sighup(secure_site, publish, tmp_path):
    kiosk = secure_site.enrol("kiosk", tmp_path / "k")
    client, rc = secure_site.connect(kiosk.mqtt_username, kiosk.mqtt_password, identity=kiosk)
    assert rc == 0
    status = topic_device_status(secure_site.site, kiosk.device_id)
    assert publish(client, status, b"before") in ACCEPTED
    result = secure_site.provisioner.revoke(kiosk.device_id)
    assert result["broker_reloaded"] is True

    def refused() -> int:  # mosquitto re-reads its files on SIGHUP, asynchronously
        return secure_site.connect(kiosk.mqtt_username, kiosk.mqtt_password, identity=kiosk)[1]

    assert eventually(refused, 5, interval=0.1) in (NOT_AUTHORIZED, BAD_CREDENTIALS)
    # The session opened before the revocation is dropped too: mosquitto re-checks clients on reload.
    assert eventually(lambda: not client.is_connected(), 5)
