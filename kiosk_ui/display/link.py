"""The display's MQTT side: subscribe, decode on paho's thread, apply on the Kivy thread; own status + will."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from kivy.clock import Clock
from pydantic import BaseModel

from motcua.contract.mqtt import (
    DeviceStatus,
    decode_payload,
    encode_payload,
    topic_device_status,
)
from motcua.mqttclient import BrokerAddress, MqttConnection, parse_broker_url

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


def default_device_id(kind: str, counter: str | None) -> str:
    """display-<kind>[-<counter>]-<hostname>, cut to a safe topic level."""
    host = "".join(char if char.isalnum() or char in "-_." else "-" for char in socket.gethostname())
    return "-".join(part for part in ("display", kind, counter, host) if part)[:64]


class DisplayLink:
    """Owns the MQTT connection of one display; every decoded message is applied on the Kivy thread."""

    def __init__(
        self,
        broker_url: str,
        *,
        site: str,
        device_id: str,
        role: str,
        version: str = "",
        details: dict[str, Any] | None = None,
        username: str | None = None,
        password: str | None = None,
        on_online: Callable[[bool], None] | None = None,
    ) -> None:
        address = parse_broker_url(broker_url)
        if username:
            address = BrokerAddress(address.host, address.port, address.tls, username, password)
        self.site = site
        self.device_id = device_id
        self.role = role
        self.version = version
        self.details = dict(details or {})
        self._on_online = on_online
        self._warned_topics: set[str] = set()
        self.rejected = 0
        self.status_topic = topic_device_status(site, device_id)
        will = encode_payload(DeviceStatus(device_id=device_id, role=role, state="offline", version=version))
        self.connection = MqttConnection(
            address,
            client_id=f"motcua-{device_id}"[:64],
            will=(self.status_topic, will, True),
            on_connection=self._connection_changed,
            # A display must be back within ~2 s of the broker: retry every second, never backing off
            # further (one TCP connect a second to a LAN broker costs nothing).
            reconnect_delay=(1, 1),
        )

    def subscribe(self, topic_filter: str, model: type[M], apply: Callable[[str, M, bool], None]) -> None:
        """Decode every message on ``topic_filter`` as ``model`` and call ``apply`` on the Kivy thread."""

        def handle(topic: str, payload: bytes, retained: bool) -> None:
            try:
                decoded = decode_payload(model, payload)
            except ValueError as exc:
                self.rejected += 1
                if topic not in self._warned_topics:  # warn once per topic, then stay quiet
                    self._warned_topics.add(topic)
                    logger.warning("ignoring malformed message on %s: %s", topic, exc)
                return
            Clock.schedule_once(lambda _dt: apply(topic, decoded, retained), 0)

        self.connection.subscribe(topic_filter, handle)

    def _connection_changed(self, online: bool) -> None:
        # paho's thread
        if online:
            self.publish_status("online")
        if self._on_online is not None:
            callback = self._on_online
            Clock.schedule_once(lambda _dt: callback(online), 0)

    def publish_status(self, state: str, **details: Any) -> Any:
        """Publish this display's retained status."""
        self.details.update(details)
        status = DeviceStatus(
            device_id=self.device_id,
            role=self.role,
            state="online" if state == "online" else "offline",
            version=self.version,
            at=datetime.now(UTC),
            details=self.details,
        )
        return self.connection.publish(self.status_topic, encode_payload(status), retain=True)

    def start(self) -> None:
        """Connect in the background (reconnecting forever)."""
        self.connection.start()

    def stop(self) -> None:
        """Say offline (a clean disconnect sends no will), then disconnect."""
        if self.connection.connected:
            try:
                self.publish_status("offline").wait_for_publish(1.0)
            except (RuntimeError, ValueError, OSError):
                logger.debug("could not publish the offline status", exc_info=True)
        self.connection.stop()
