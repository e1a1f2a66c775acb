"""The device's provisioning agent: applies configs published to it (``config.json`` and the app's checked
``app.env``, read at the app's next start) and reports the version it runs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from paho.mqtt.client import MQTTMessageInfo

from motcua.contract.mqtt import DeviceStatus, encode_payload, topic_device_config, topic_device_status
from motcua.contract.provisioning import DeviceConfig
from motcua.runtime.envfile import EnvFileError
from motcua.runtime.files import write_private
from motcua.runtime.mqtt import BrokerAddress, MqttConnection, parse_broker_url
from provisioning.client import Identity, write_app_env

logger = logging.getLogger(__name__)

AGENT_VERSION = "0.1.0"


def device_connection(identity: Identity, *, will: tuple[str, bytes, bool] | None = None) -> MqttConnection:
    """An MQTT connection with the device's account, trusting only the site CA (client certificate presented)."""
    if not identity.mqtt_url:
        raise ValueError("this device was enrolled without a broker URL")
    parsed = parse_broker_url(identity.mqtt_url)
    address = BrokerAddress(parsed.host, parsed.port, parsed.tls, identity.mqtt_username, identity.mqtt_password)
    tls_files = (str(identity.ca_path), str(identity.cert_path), str(identity.key_path))
    # "-config": the device's app (a display) connects with the same account as "motcua-{device_id}";
    # one client id for both would make the broker drop each in turn.
    client_id = f"motcua-{identity.device_id}-config"
    return MqttConnection(address, client_id=client_id, will=will, tls_files=tls_files)


class DeviceAgent:
    """Keeps the device's config current from its retained config topic and reports its status."""

    def __init__(self, identity: Identity, apply: Callable[[DeviceConfig], None] | None = None) -> None:
        self.identity = identity
        self._apply = apply
        self._lock = threading.Lock()
        try:
            self.config: DeviceConfig | None = identity.config()
        except (OSError, ValueError):
            self.config = None
        self.status_topic = topic_device_status(identity.site, identity.device_id)
        self.config_topic = topic_device_config(identity.site, identity.device_id)
        offline = DeviceStatus(device_id=identity.device_id, role=identity.role, state="offline")
        self.connection = device_connection(identity, will=(self.status_topic, encode_payload(offline), True))
        self.connection.add_connection_listener(self._on_connection)
        self.connection.subscribe(self.config_topic, self._on_config)

    def start(self) -> DeviceAgent:
        """Connect in the background."""
        self.connection.start()
        return self

    def stop(self) -> None:
        """Report offline and disconnect."""
        if self.connection.connected:
            self._report("offline").wait_for_publish(2)
        self.connection.stop()

    @property
    def version(self) -> int:
        """The config version this device runs."""
        return self.config.version if self.config else 0

    def _report(self, state: str = "online") -> MQTTMessageInfo:
        status = DeviceStatus(
            device_id=self.identity.device_id,
            role=self.identity.role,
            state="online" if state == "online" else "offline",
            version=AGENT_VERSION,
            at=datetime.now(UTC),
            details={"config_version": self.version},
        )
        return self.connection.publish(self.status_topic, encode_payload(status), retain=True)

    def _on_connection(self, connected: bool) -> None:
        if connected:
            self._report()

    def _on_config(self, topic: str, payload: bytes, retained: bool) -> None:
        if not payload:
            return
        try:
            config = DeviceConfig.model_validate_json(payload)
        except ValueError as exc:
            logger.warning("ignoring a malformed config: %s", str(exc).splitlines()[0])
            return
        if config.device_id != self.identity.device_id or config.site != self.identity.site:
            logger.warning("ignoring a config for another device")
            return
        with self._lock:
            if config.version > self.version:
                self._take(config)
        self._report()

    def _take(self, config: DeviceConfig) -> None:
        try:  # the app's settings first: a config the app could not read is refused, not applied
            write_app_env(self.identity, config)
        except EnvFileError as exc:
            logger.warning("config version %d refused: %s", config.version, exc)
            return
        write_private(self.identity.config_path, config.model_dump_json(indent=2))
        if self._apply is not None:
            self._apply(config)
        self.config = config
        logger.info("config version %d applied", config.version)
