"""Fixtures: quick zeroconf timings, a site with the provisioner, a real mosquitto with TLS and generated ACLs."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from motcua.runtime.broker import free_port, mosquitto_path, wait_for_port
from motcua.runtime.pki import new_key_and_csr
from provisioning.client import Identity, store_identity
from provisioning.core.imageconfig import ImageParams
from provisioning.image import render_image
from queue_server.demo import seed_demo
from queue_server.provisioning.ca import SiteCA
from queue_server.provisioning.service import SERVER_MQTT_USER, Provisioner
from queue_server.provisioning.settings import ProvisioningSettings
from queue_server.store.db import Database, open_database


@pytest.fixture(autouse=True)
def quick_timing(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-zeroconf's probe and announcement intervals shortened (their tests' quick_timing)."""
    import zeroconf._core

    monkeypatch.setattr(zeroconf._core, "_CHECK_TIME", 10)
    monkeypatch.setattr(zeroconf._core, "_REGISTER_TIME", 10)


@dataclass
class SecureSite:
    """A site's provisioner and its mosquitto: TLS on 127.0.0.1, accounts and ACLs from the registry."""

    site: str
    data_dir: Path
    db: Database
    provisioner: Provisioner
    ca: SiteCA
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    clients: list[paho.Client] = field(default_factory=list)

    def enrol(self, role: str, out: Path, counter: str | None = None) -> Identity:
        """Enrol a device in-process (the HTTP path is tested elsewhere) and store its identity."""
        issued = self.provisioner.create_code(role, counter)
        key_pem, csr_pem = new_key_and_csr(role)
        response = self.provisioner.enrol(issued["code"], csr_pem.decode(), role, "https://127.0.0.1:1")
        return store_identity(out, response, key_pem)

    def server_password(self) -> str:
        return self.provisioner.server_mqtt_password()

    def connect(
        self,
        username: str | None,
        password: str | None,
        *,
        identity: Identity | None = None,
        client_cert: bool = True,
        will: tuple[str, bytes] | None = None,
    ) -> tuple[paho.Client, int]:
        """An MQTT 5 client over TLS; returns it and the CONNACK reason code (0 = accepted)."""
        client = paho.Client(CallbackAPIVersion.VERSION2, protocol=paho.MQTTv5)
        cert = key = None
        if client_cert:
            if identity is not None:
                cert, key = str(identity.cert_path), str(identity.key_path)
            else:
                cert_path, key_path = self.ca.client_cert("test-client")
                cert, key = str(cert_path), str(key_path)
        client.tls_set(ca_certs=str(self.ca.cert_path), certfile=cert, keyfile=key)
        if username is not None:
            client.username_pw_set(username, password)
        if will is not None:
            client.will_set(will[0], will[1], qos=1, retain=True)
        done = threading.Event()
        result: dict[str, int] = {}
        client.on_connect = lambda c, u, f, reason, p: (result.setdefault("rc", reason.value), done.set())
        client.on_disconnect = lambda c, u, f, reason, p: (result.setdefault("rc", reason.value), done.set())
        try:
            client.connect("127.0.0.1", self.port, keepalive=10)
        except OSError:  # TLS refused (no client certificate)
            return client, -1
        client.loop_start()
        self.clients.append(client)
        if not done.wait(10):
            return client, -2
        return client, result["rc"]

    def stop_clients(self) -> None:
        for client in self.clients:
            client.disconnect()
            client.loop_stop()
        self.clients.clear()


def publish_reason(client: paho.Client, topic: str, payload: bytes, retain: bool = False) -> int:
    """Publish at QoS 1 and return the PUBACK reason code (MQTT 5 §3.4.2.1: 0x87 = not authorized)."""
    done = threading.Event()
    reasons: dict[int, int] = {}

    def on_publish(c: paho.Client, u: object, mid: int, reason: object, props: object) -> None:
        reasons[mid] = getattr(reason, "value", 0)
        done.set()

    client.on_publish = on_publish
    info = client.publish(topic, payload, qos=1, retain=retain)
    assert done.wait(5), "no PUBACK"
    return reasons[info.mid]


def subscribe_reason(client: paho.Client, topic: str) -> tuple[int, list[tuple[str, bytes]]]:
    """Subscribe at QoS 1; returns the SUBACK reason code and the list messages will be appended to."""
    done = threading.Event()
    codes: list[int] = []
    inbox: list[tuple[str, bytes]] = []
    client.on_subscribe = lambda c, u, mid, reasons, p: (codes.extend(r.value for r in reasons), done.set())
    client.message_callback_add(topic, lambda c, u, msg: inbox.append((msg.topic, msg.payload)))
    client.subscribe(topic, qos=1)
    assert done.wait(5), "no SUBACK"
    return codes[0], inbox


def start_mosquitto(data_dir: Path, port: int, prov_dir: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """mosquitto with the site config rendered from firmware_configs (TLS, password file, ACL)."""
    assert mosquitto_path(), "mosquitto is not installed"
    rendered = render_image(ImageParams(role="server", data_dir=str(data_dir), mqtt_port=port, mqtt_bind="127.0.0.1"))
    conf = rendered["etc/mosquitto/conf.d/motcua.conf"]
    conf += f"pid_file {data_dir}/mosquitto.pid\npersistence false\nlog_dest stderr\nlog_type all\nuser root\n"
    (data_dir / "mosquitto.conf").write_text(conf)
    log = data_dir / "mosquitto.log"
    process = subprocess.Popen(
        [mosquitto_path(), "-c", str(data_dir / "mosquitto.conf")],
        stdin=subprocess.DEVNULL,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    assert wait_for_port("127.0.0.1", port, 10), log.read_text()
    return process, log


@pytest.fixture(scope="module")
def secure_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureSite]:
    data_dir = tmp_path_factory.mktemp("secure-site")
    db = open_database(data_dir)
    seed_demo(db)
    port = free_port()
    settings = ProvisioningSettings(broker_pid_file=data_dir / "mosquitto.pid")
    provisioner = Provisioner(
        db, "site-a", data_dir / "provisioning", settings, broker_url_for_devices=f"mqtts://127.0.0.1:{port}"
    )
    ca = provisioner.ca()
    ca.server_cert(["127.0.0.1"], name="broker")
    provisioner.sync_broker()
    process, log = start_mosquitto(data_dir, port, data_dir / "provisioning")
    site = SecureSite("site-a", data_dir, db, provisioner, ca, port, process, log)
    yield site
    site.stop_clients()
    process.terminate()
    process.wait(5)
    db.close()


@pytest.fixture(autouse=True)
def _clients_end_with_their_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """The module's broker outlives each test; the MQTT clients (and their network threads) a test opened do not."""
    yield
    if "secure_site" in request.fixturenames:
        request.getfixturevalue("secure_site").stop_clients()


@pytest.fixture
def server_client(secure_site: SecureSite) -> Iterator[Callable[[], paho.Client]]:
    """The queue server's own broker account (readwrite on its site)."""

    def make() -> paho.Client:
        client, rc = secure_site.connect(SERVER_MQTT_USER, secure_site.server_password())
        assert rc == 0
        return client

    yield make
    secure_site.stop_clients()


@pytest.fixture
def publish() -> Callable[..., int]:
    """``publish(client, topic, payload, retain=False)`` → PUBACK reason code."""
    return publish_reason


@pytest.fixture
def subscribe() -> Callable[..., tuple[int, list[tuple[str, bytes]]]]:
    """``subscribe(client, filter)`` → (SUBACK reason code, inbox)."""
    return subscribe_reason
