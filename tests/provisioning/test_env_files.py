"""Settings written are settings read: every environment file provisioning writes for a role is read, key by
key, by that role's settings class (unknown keys refused), from enrolment, the config agent and the image."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from edge_agent.settings import AgentSettings
from kiosk_ui.feedback.settings import TabletSettings
from kiosk_ui.kiosk_settings import KioskSettings
from kiosk_ui.settings import DisplaySettings
from motcua.runtime.envfile import (
    COMMAND_PREFIXES,
    ROLE_COMMAND,
    EnvFileError,
    check_values,
    parse_env,
    write_checked_env,
)
from motcua.runtime.pki import new_key_and_csr
from provisioning.client import Identity, required_app_keys, store_identity
from provisioning.core.imageconfig import IMAGE_ROLES, ImageParams
from provisioning.device import DeviceAgent
from provisioning.envcheck import check_image
from provisioning.image import render_image
from queue_server.demo import seed_demo
from queue_server.provisioning.service import Provisioner
from queue_server.provisioning.settings import ProvisioningSettings
from queue_server.store.db import open_database

APP_CLASS = {
    "kiosk": KioskSettings,
    "display": DisplaySettings,
    "counter_display": DisplaySettings,
    "feedback": TabletSettings,
}
COUNTER = {"counter_display": "3", "feedback": "2"}
# What the display's app.env held before this test (issue 19): no broker, a kiosk variable nobody reads.
OLD_DISPLAY_ENV = """MOTCUA_DISPLAY_SITE=site-a
MOTCUA_DISPLAY_DEVICE_ID=display-1
MOTCUA_DISPLAY_LANG=vi
MOTCUA_KIOSK_SERVER_URL=https://127.0.0.1:8443
MOTCUA_KIOSK_TOKEN=t0ken
MOTCUA_KIOSK_SITE=site-a
MOTCUA_KIOSK_LANGUAGE=vi
"""


def env_of(path: Path) -> dict[str, str]:
    return parse_env(path.read_text())


def app_settings(role: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The role's settings class reading ``env`` as its process environment (nothing else set)."""
    for name in list(os.environ):
        if name.startswith("MOTCUA_"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return APP_CLASS[role]()


@pytest.fixture(scope="module")
def plain_provisioner(tmp_path_factory: pytest.TempPathFactory) -> Provisioner:
    """A site server's provisioner configured with no device broker URL (the default)."""
    data = tmp_path_factory.mktemp("plain-site")
    db = open_database(data)
    seed_demo(db)
    return Provisioner(db, "site-b", data / "provisioning", ProvisioningSettings())


def enrol(provisioner: Provisioner, role: str, out: Path, server_url: str) -> Identity:
    issued = provisioner.create_code(role, COUNTER.get(role))
    key_pem, csr_pem = new_key_and_csr(role)
    return store_identity(out, provisioner.enrol(issued["code"], csr_pem.decode(), role, server_url), key_pem)


@pytest.mark.parametrize("role", sorted(APP_CLASS))
def test_enrolment_writes_each_role_only_what_its_app_reads(role, secure_site, tmp_path, monkeypatch):
    identity = secure_site.enrol(role, tmp_path / "identity", counter=COUNTER.get(role))
    env = env_of(identity.app_env_path)
    prefixes = COMMAND_PREFIXES[ROLE_COMMAND[role]]
    check_values(env, prefixes, required=required_app_keys(role, env))  # raises with every fault
    assert all(any(key.startswith(p) for p in prefixes) for key in env), env
    settings = app_settings(role, env, monkeypatch)
    if role in ("display", "counter_display"):
        assert settings.broker == f"mqtts://127.0.0.1:{secure_site.port}"
        assert settings.site == secure_site.site and settings.device_id == identity.device_id
        assert settings.tls_files() == (str(identity.ca_path), str(identity.cert_path), str(identity.key_path))
        assert settings.username == identity.device_id and settings.password
        assert settings.kind == ("counter" if role == "counter_display" else "waiting-room")
        assert settings.counter == COUNTER.get(role)
    elif role == "kiosk":
        assert settings.site == secure_site.site and settings.device_id == identity.device_id
        assert settings.token == identity.api_token and settings.server_url == "https://127.0.0.1:1"
    else:
        assert settings.token == identity.api_token and settings.counter == "2"
    agent_env = env_of(identity.agent_env_path)
    agent = check_values(agent_env, COMMAND_PREFIXES["agent"])["MOTCUA_AGENT_"]
    assert isinstance(agent, AgentSettings)
    assert (agent.site_id, agent.device_id, agent.role) == (secure_site.site, identity.device_id, role)
    assert agent.broker_url.startswith("mqtts://") and agent.broker_url.endswith(f"@127.0.0.1:{secure_site.port}")
    assert oct(identity.app_env_path.stat().st_mode & 0o777) == oct(0o600)
    assert oct(identity.agent_env_path.stat().st_mode & 0o777) == oct(0o600)


@pytest.mark.parametrize(
    ("server_url", "broker", "tls"),
    [
        ("http://192.168.1.10:8000", "mqtt://192.168.1.10:1883", False),
        ("https://site.lan:8443", "mqtts://site.lan:8883", True),
    ],
)
def test_a_display_enrolled_at_a_server_naming_no_broker_gets_the_site_broker(
    plain_provisioner, tmp_path, monkeypatch, server_url, broker, tls
):
    identity = enrol(plain_provisioner, "display", tmp_path / "identity", server_url)
    settings = app_settings("display", env_of(identity.app_env_path), monkeypatch)
    assert settings.broker == broker and settings.site == "site-b"
    assert (settings.tls_files() is not None) == tls
    assert identity.mqtt_url == broker  # the config agent connects there too


@pytest.mark.parametrize(
    ("text", "prefixes", "needle"),
    [
        (OLD_DISPLAY_ENV, COMMAND_PREFIXES["display"], "MOTCUA_KIOSK_LANGUAGE is read by no settings class"),
        (OLD_DISPLAY_ENV, COMMAND_PREFIXES["display"], "MOTCUA_KIOSK_TOKEN belongs to KioskSettings"),
        (OLD_DISPLAY_ENV, COMMAND_PREFIXES["display"], "MOTCUA_DISPLAY_BROKER is missing"),
        ("MOTCUA_DISPLAY_BROKR=mqtt://h:1883\n", COMMAND_PREFIXES["display"], "did you mean MOTCUA_DISPLAY_BROKER?"),
        (
            "MOTCUA_DISPLAY_RECENT_CALLS=40\n",
            COMMAND_PREFIXES["display"],
            "MOTCUA_DISPLAY_RECENT_CALLS: Input should be",
        ),
        ("MOTCUA_DISPLAY_SITE='a/b'\n", COMMAND_PREFIXES["display"], "MOTCUA_DISPLAY_SITE"),
        ("MOTCUA_KIOSK_SERVER_URL=ftp://x\n", COMMAND_PREFIXES["kiosk"], "MOTCUA_KIOSK_SERVER_URL"),
        ("MOTCUA_KIOSK_LANG=vi\n", COMMAND_PREFIXES["kiosk"], "a device token is required"),
        ("MOTCUA_SITE=hn-01\n", COMMAND_PREFIXES["server"], "did you mean MOTCUA_SITE_ID?"),
        ("MOTCUA_AGENT_UPLINK=http\n", COMMAND_PREFIXES["agent"], "needs monitor_url and site_token"),
        ("MOTCUA_MONITOR_PORT=8100\n", COMMAND_PREFIXES["monitor"], "MOTCUA_MONITOR_PORT is read by no settings"),
    ],
)
def test_the_checker_refuses_what_no_reader_would_read(text, prefixes, needle, tmp_path):
    values = parse_env(text)
    with pytest.raises(EnvFileError) as caught:
        check_values(values, prefixes, required=["MOTCUA_DISPLAY_BROKER"] if "DISPLAY_SITE=site-a" in text else [])
    assert needle in str(caught.value), caught.value.problems
    target = tmp_path / "app.env"
    with pytest.raises(EnvFileError):
        write_checked_env(target, values, prefixes, required=["MOTCUA_DISPLAY_BROKER"])
    assert not target.exists()


def test_the_checker_reads_values_as_the_settings_class_does():
    built = check_values(
        {
            "MOTCUA_DISPLAY_ANNOUNCE_LANGS": '["vi","en"]',
            "MOTCUA_DISPLAY_COUNTER_NAMES": '{"5": "năm"}',
            "MOTCUA_DISPLAY_CHIME": "false",
            "PATH": "/usr/bin",  # not ours: passed over
        },
        COMMAND_PREFIXES["display"],
    )["MOTCUA_DISPLAY_"]
    assert built.announce_langs == ["vi", "en"] and built.counter_names == {"5": "năm"} and built.chime is False
    server = check_values(
        {"MOTCUA_SITE_ID": "hn-01", "MOTCUA_FEEDBACK_WINDOW_HOURS": "2", "MOTCUA_PROVISION_TLS": "true"},
        COMMAND_PREFIXES["server"],
    )["MOTCUA_"]
    assert (server.site_id, server.feedback.window_hours, server.provisioning.tls) == ("hn-01", 2.0, True)


def test_enrolment_refuses_to_store_an_app_env_its_app_cannot_run_with(plain_provisioner, tmp_path):
    issued = plain_provisioner.create_code("counter_display", "4")
    key_pem, csr_pem = new_key_and_csr("counter_display")
    response = plain_provisioner.enrol(issued["code"], csr_pem.decode(), "cd", "http://10.0.0.2:8000")
    broken = response.model_copy(update={"counter_id": None})  # a counter display that knows no counter
    with pytest.raises(EnvFileError, match="MOTCUA_DISPLAY_COUNTER is missing"):
        store_identity(tmp_path / "identity", broken, key_pem)
    assert not (tmp_path / "identity" / "app.env").exists()


def test_the_config_agent_rewrites_app_env_and_refuses_a_config_the_app_cannot_read(secure_site, tmp_path):
    identity = secure_site.enrol("kiosk", tmp_path / "identity")
    agent = DeviceAgent(identity).start()
    try:
        assert agent.connection.wait_connected(10)
        config = identity.config()
        newer = config.model_copy(update={"version": config.version + 1, "language": "en"})
        agent._on_config("t", newer.model_dump_json().encode(), False)
        assert agent.version == newer.version
        env = env_of(identity.app_env_path)
        assert env["MOTCUA_KIOSK_LANG"] == "en"
        check_values(env, COMMAND_PREFIXES["kiosk"], required=required_app_keys("kiosk", env))
        bad = newer.model_copy(update={"version": newer.version + 1, "server_url": "ftp://elsewhere"})
        agent._on_config("t", bad.model_dump_json().encode(), False)
        assert agent.version == newer.version  # refused: the kiosk would not start with it
        assert env_of(identity.app_env_path) == env
    finally:
        agent.stop()


IMAGE_CASES = list(IMAGE_ROLES)


@pytest.mark.parametrize("role", IMAGE_CASES)
def test_every_variable_an_image_sets_is_read_by_its_process(role, secure_site, tmp_path):
    """Render the image of ``role`` over an identity enrolled at its data directory, so the app's processes
    are built from everything they would be given (device.env, units, session script, app.env)."""
    data_dir = tmp_path / "var-lib-motcua"
    if role in APP_CLASS:
        secure_site.enrol(role, data_dir / "identity", counter=COUNTER.get(role))
    rendered = render_image(ImageParams(role=role, data_dir=str(data_dir)))
    assert any(path.endswith(".service") for path in rendered)
    assert check_image(rendered) == []


def test_the_image_checker_flags_a_typo_in_a_unit(secure_site, tmp_path):
    rendered = dict(render_image(ImageParams(role="server", data_dir=str(tmp_path))))
    unit = "etc/systemd/system/motcua-server.service"
    rendered[unit] = rendered[unit].replace("MOTCUA_PROVISION_TLS=true", "MOTCUA_PROVISION_TSL=true")
    assert any("MOTCUA_PROVISION_TSL is read by no settings class" in p for p in check_image(rendered))
