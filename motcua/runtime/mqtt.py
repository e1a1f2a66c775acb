"""A thin paho-mqtt 2.x connection shared by every motcua component.

It remembers subscriptions and re-subscribes after each reconnect, sets TCP_NODELAY (a Python
broker otherwise adds ~40 ms per message), and reports connection changes. It decides nothing.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from motcua.runtime.warnonce import WarnOnce

logger = logging.getLogger(__name__)

MessageHandler = Callable[[str, bytes, bool], None]
ConnectionHandler = Callable[[bool], None]


@dataclass(frozen=True)
class BrokerAddress:
    """Where a broker listens, parsed from ``mqtt://host:port`` (``mqtts://`` for TLS)."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None

    @property
    def url(self) -> str:
        """The address as a URL without credentials."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def parse_broker_url(url: str) -> BrokerAddress:
    """Parse ``mqtt://[user:pass@]host[:port]``; raise ValueError with a clear message otherwise."""
    parsed = urlparse(url if "://" in url else f"mqtt://{url}")
    if parsed.scheme not in ("mqtt", "mqtts", "tcp", "ssl"):
        raise ValueError(f"broker URL must start with mqtt:// or mqtts://, got {url!r}")
    if not parsed.hostname:
        raise ValueError(f"broker URL has no host: {url!r}")
    tls = parsed.scheme in ("mqtts", "ssl")
    try:
        port = parsed.port or (8883 if tls else 1883)
    except ValueError:
        raise ValueError(f"broker URL has an invalid port: {url!r}") from None
    return BrokerAddress(parsed.hostname, port, tls, parsed.username, parsed.password)


class MqttConnection:
    """One MQTT connection with automatic reconnect and remembered subscriptions."""

    def __init__(
        self,
        broker: BrokerAddress | str,
        *,
        client_id: str | None = None,
        will: tuple[str, bytes, bool] | None = None,
        on_connection: ConnectionHandler | None = None,
        keepalive: int = 15,
        clean_session: bool = True,
        reconnect_delay: tuple[int, int] = (1, 5),
        tls_files: tuple[str, str | None, str | None] | None = None,
    ) -> None:
        self.broker = parse_broker_url(broker) if isinstance(broker, str) else broker
        self.client_id = client_id or f"motcua-{uuid.uuid4().hex[:12]}"
        self._handlers: list[tuple[str, int, MessageHandler]] = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._connection_listeners: list[ConnectionHandler] = [on_connection] if on_connection else []
        self._keepalive = keepalive
        self._quiet = WarnOnce(logger)
        self._stopping = False
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=clean_session,
            protocol=paho.MQTTv311,
        )
        self.client.max_inflight_messages_set(100)
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(min_delay=reconnect_delay[0], max_delay=reconnect_delay[1])
        if self.broker.username:
            self.client.username_pw_set(self.broker.username, self.broker.password)
        if self.broker.tls:
            # (CA file, client certificate, client key): a site CA and the client's own certificate.
            if tls_files is not None:
                self.client.tls_set(ca_certs=tls_files[0], certfile=tls_files[1], keyfile=tls_files[2])
            else:
                self.client.tls_set()
        if will is not None:
            topic, payload, retain = will
            self.client.will_set(topic, payload, qos=1, retain=retain)
        self.client.on_connect = self._handle_connect
        self.client.on_disconnect = self._handle_disconnect
        self.client.on_message = self._handle_message
        self.client.on_socket_open = self._handle_socket_open

    @property
    def connected(self) -> bool:
        """True while the broker has accepted the connection."""
        return self._connected.is_set()

    def start(self) -> None:
        """Connect in the background; reconnects forever until ``stop``."""
        self.client.connect_async(self.broker.host, self.broker.port, keepalive=self._keepalive)
        self.client.loop_start()

    def wait_connected(self, timeout: float = 10.0) -> bool:
        """Block until connected or ``timeout`` seconds pass."""
        return self._connected.wait(timeout)

    def stop(self) -> None:
        """Disconnect cleanly (the last will is not sent) and stop the network thread."""
        self._stopping = True
        try:
            self.client.disconnect()
        finally:
            self.client.loop_stop()
            self._connected.clear()

    def add_connection_listener(self, listener: ConnectionHandler) -> None:
        """Call ``listener(connected)`` on every connect and disconnect."""
        self._connection_listeners.append(listener)

    def subscribe(self, topic_filter: str, handler: MessageHandler, qos: int = 1) -> None:
        """Call ``handler(topic, payload, retained)`` for every message matching ``topic_filter``."""
        with self._lock:
            self._handlers.append((topic_filter, qos, handler))
        if self.connected:
            self.client.subscribe(topic_filter, qos)

    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False) -> paho.MQTTMessageInfo:
        """Queue a message; the returned info tells when the broker acknowledged it (QoS 1)."""
        return self.client.publish(topic, payload, qos=qos, retain=retain)

    # paho callbacks (network thread)
    def _handle_socket_open(self, client: paho.Client, userdata: Any, sock: Any) -> None:
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _handle_connect(self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            logger.warning("MQTT broker %s refused the connection: %s", self.broker.url, reason)
            return
        self._quiet.recovered_all()
        with self._lock:
            subscriptions = list(self._handlers)
        for topic_filter, qos, _handler in subscriptions:
            client.subscribe(topic_filter, qos)
        self._connected.set()
        logger.info("connected to MQTT broker %s", self.broker.url)
        for listener in list(self._connection_listeners):
            listener(True)

    def _handle_disconnect(self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        was_connected = self._connected.is_set()
        self._connected.clear()
        if self._stopping:
            return
        if was_connected:
            self._quiet.recovered_all()  # a new outage: say so again
        self._quiet.failed("MQTT broker %s unreachable (%s); reconnecting", self.broker.url, reason)
        if was_connected:
            for listener in list(self._connection_listeners):
                listener(False)

    def _handle_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        from motcua.contract.mqtt import Topic

        with self._lock:
            subscriptions = list(self._handlers)
        for topic_filter, _qos, handler in subscriptions:
            if Topic(topic_filter).matches(message.topic):
                try:
                    handler(message.topic, bytes(message.payload), bool(message.retain))
                except Exception:
                    logger.exception("MQTT handler for %s failed", topic_filter)
