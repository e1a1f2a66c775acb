"""A provisioned display reaches the locked-down site broker: mqtts://, the site CA, its own certificate.

The display's link (no Kivy window: its callbacks run inline) against the real mosquitto of ``secure_site``
(TLS, ``require_certificate``, accounts and ACLs from the registry). The display's settings come from what
enrolment wrote (``app.env``) as the firmware's session script exports them.
"""

from __future__ import annotations

import logging
import shlex
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from waiting import CallCounter, eventually

from kiosk_ui.display.link import DisplayLink
from kiosk_ui.display.tls import TlsFilesError, check_tls_files
from kiosk_ui.settings import DisplaySettings
from motcua.contract.mqtt import CounterState, ServingTicket, encode_payload, topic_counter_state
from provisioning.core.imageconfig import ImageParams
from provisioning.image import render_image

ROOT = Path(__file__).resolve().parents[2]


def session_environment(data_dir: Path, role: str) -> dict[str, str]:
    """The MOTCUA_DISPLAY_* variables the rendered session script exports before it starts the app."""
    rendered = render_image(ImageParams(role=role, data_dir=str(data_dir)))
    script = rendered["usr/local/bin/motcua-session"]
    prefix = script.split("exec /usr/bin/cage", 1)[0]  # everything up to the compositor
    result = subprocess.run(
        ["sh", "-c", prefix + "env"], capture_output=True, text=True, check=True, env={"PATH": "/usr/bin:/bin"}
    )
    pairs = (line.partition("=") for line in result.stdout.splitlines())
    return {name: value for name, _, value in pairs if name.startswith("MOTCUA_DISPLAY_")}


def counter_state(site: str, number: str) -> CounterState:
    now = datetime.now(UTC)
    return CounterState(
        site=site,
        seq=42,
        counter_id="1",
        counter_name_vi="Quầy 1",
        counter_name_en="Counter 1",
        status="open",
        serving=ServingTicket(ticket_id="t-1", number=number, service="HT", status="serving", called_at=now),
        updated_at=now,
    )


def make_link(settings: DisplaySettings, **overrides: object) -> DisplayLink:
    """The link a counter display builds from its settings; callbacks run inline instead of on Kivy's clock."""
    options: dict[str, object] = {
        "site": settings.site,
        "device_id": settings.device_id or "display-test",
        "role": "display-counter",
        "username": settings.username,
        "password": settings.password,
        "tls_files": settings.tls_files(),
        "call_soon": lambda apply: apply(),
    }
    options.update(overrides)
    return DisplayLink(settings.broker, **options)  # type: ignore[arg-type]


@pytest.fixture
def display_settings(secure_site, tmp_path, monkeypatch) -> DisplaySettings:  # type: ignore[no-untyped-def]
    """A counter display enrolled at the secure site; its settings as the firmware session gives them."""
    data_dir = tmp_path / "device"
    secure_site.enrol("counter_display", data_dir / "identity", counter="1")
    environment = session_environment(data_dir, "counter_display")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return DisplaySettings(kind="counter")


def test_enrolment_gives_a_display_the_site_ca_and_its_own_certificate(secure_site, tmp_path):
    data_dir = tmp_path / "device"
    identity = secure_site.enrol("display", data_dir / "identity")
    lines = (identity.directory / "app.env").read_text().splitlines()
    env = {name: shlex.split(value)[0] for name, _, value in (line.partition("=") for line in lines)}
    assert env["MOTCUA_DISPLAY_BROKER"] == f"mqtts://127.0.0.1:{secure_site.port}"
    assert Path(env["MOTCUA_DISPLAY_CA_FILE"]) == identity.ca_path.resolve()
    assert Path(env["MOTCUA_DISPLAY_CERT_FILE"]) == identity.cert_path.resolve()
    assert Path(env["MOTCUA_DISPLAY_KEY_FILE"]) == identity.key_path.resolve()
    # the firmware's session script exports them from the identity's fixed place on the image
    session = session_environment(data_dir, "display")
    assert session["MOTCUA_DISPLAY_CA_FILE"] == f"{data_dir}/identity/ca.pem"
    assert session["MOTCUA_DISPLAY_CERT_FILE"] == f"{data_dir}/identity/cert.pem"
    assert session["MOTCUA_DISPLAY_KEY_FILE"] == f"{data_dir}/identity/key.pem"
    assert session["MOTCUA_DISPLAY_DEVICE_ID"] == identity.device_id


def test_display_link_with_the_site_ca_receives_the_retained_counter_state(
    secure_site, display_settings, server_client, publish
):
    settings = display_settings
    assert settings.broker.startswith("mqtts://") and settings.tls_files() is not None
    assert settings.counter == "1" and settings.device_id
    server = server_client()
    state = counter_state(secure_site.site, "A017")
    topic = topic_counter_state(secure_site.site, "1")
    assert publish(server, topic, encode_payload(state), retain=True) in (0, 0x10)  # 0x10: no subscriber yet
    received: list[tuple[CounterState, bool]] = []
    arrived = threading.Event()
    online: list[bool] = []

    def apply(_topic: str, message: CounterState, retained: bool) -> None:
        received.append((message, retained))
        arrived.set()

    link = make_link(settings, on_online=online.append)
    link.subscribe(topic, CounterState, apply)
    link.start()
    try:
        assert arrived.wait(10), f"{link.last_error}\n{secure_site.log.read_text()[-2000:]}"
        message, retained = received[0]
        assert retained and message.serving is not None and message.serving.number == "A017"
        assert online == [True] and link.last_error is None
    finally:
        link.stop()


def test_without_the_site_ca_the_display_explains_it_cannot_verify_the_broker(secure_site, display_settings, caplog):
    caplog.set_level(logging.ERROR, logger="kiosk_ui.display.link")
    link = make_link(display_settings, tls_files=None)  # the system CAs do not know the site CA
    attempts = CallCounter(link.connection.client, "reconnect")  # paho's thread calls it for each attempt
    link.start()
    try:
        assert eventually(lambda: link.last_error is not None)
        attempts.wait_more(2)  # paho retries every second; the message is logged once
        assert not link.connection.connected
        message = link.last_error or ""
        assert message.startswith("Không xác thực được máy chủ MQTT") and "Cannot verify the MQTT broker" in message
        assert "MOTCUA_DISPLAY_CA_FILE" in message and f":{secure_site.port}" in message
        assert [r.getMessage() for r in caplog.records] == [message]
    finally:
        link.stop()


def test_without_its_certificate_the_display_is_told_the_broker_wants_one(secure_site, display_settings):
    ca, _cert, _key = display_settings.tls_files() or ("", None, None)
    link = make_link(display_settings, tls_files=(ca, None, None))
    link.start()
    try:
        assert eventually(lambda: link.last_error is not None)
        message = link.last_error or ""
        assert "từ chối kết nối TLS" in message and "refused the TLS connection" in message
        assert "MOTCUA_DISPLAY_CERT_FILE" in message and not link.connection.connected
    finally:
        link.stop()


def test_a_bad_tls_path_is_refused_with_a_clear_message(tmp_path, secure_site, display_settings):
    missing = tmp_path / "nowhere" / "ca.pem"
    with pytest.raises(ValidationError) as refused:
        DisplaySettings(ca_file=missing)
    text = str(refused.value)
    assert f"Không tìm thấy tệp CA của điểm phục vụ '{missing}'" in text
    assert f"The site CA file '{missing}' does not exist (MOTCUA_DISPLAY_CA_FILE, --ca-file)" in text
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(TlsFilesError, match="không phải chứng thư PEM hợp lệ") as bad:
        check_tls_files(garbage, None, None)
    assert "is not a valid PEM certificate" in bad.value.message_en
    ca, cert, _key = display_settings.tls_files() or ("", None, None)
    other_cert, other_key = secure_site.ca.client_cert("someone-else")
    with pytest.raises(TlsFilesError, match="do not match") as mismatch:
        check_tls_files(Path(ca), Path(cert or ""), other_key)
    assert mismatch.value.message_vi.startswith("Chứng thư")
    with pytest.raises(TlsFilesError, match="go together"):
        check_tls_files(Path(ca), other_cert, None)
    with pytest.raises(ValueError, match="Không tìm thấy tệp"):
        make_link(display_settings, tls_files=(str(missing), None, None))


def test_the_display_command_prints_the_bad_path_in_both_languages_without_a_traceback(tmp_path):
    missing = tmp_path / "ca.pem"
    result = subprocess.run(
        [sys.executable, "-m", "motcua.cli", "display", "--broker", "mqtts://127.0.0.1:1", "--ca-file", str(missing)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "KIVY_NO_ARGS": "1", "HOME": str(tmp_path)},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    assert "cài đặt không hợp lệ / invalid settings" in output
    assert f"Không tìm thấy tệp CA của điểm phục vụ '{missing}'" in output and "does not exist" in output
