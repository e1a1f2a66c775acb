"""The display's MQTT side: subscribe, decode on paho's thread, apply on the Kivy thread; own status + will.

With ``mqtts://`` the display trusts the CA it is given (the site CA from enrolment) and presents its
client certificate; a handshake that fails is explained once, in Vietnamese and English (``last_error``).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from kiosk_ui.display.tls import check_tls_files, explain_connect_error
from motcua.contract.mqtt import (
    DeviceStatus,
    decode_payload,
    encode_payload,
    topic_device_status,
)
from motcua.runtime.mqtt import BrokerAddress, MqttConnection, parse_broker_url
from motcua.runtime.warnonce import WarnOnce

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
CallSoon = Callable[[Callable[[], None]], None]


def _kivy_call_soon() -> CallSoon:
    from kivy.clock import Clock

    def call_soon(apply: Callable[[], None]) -> None:
        Clock.schedule_once(lambda _dt: apply(), 0)

    return call_soon


def default_device_id(kind: str, counter: str | None) -> str:
    """display-<kind>[-<counter>]-<hostname>, cut to a safe topic level."""
    host = "".join(char if char.isalnum() or char in "-_." else "-" for char in socket.gethostname())
    return "-".join(part for part in ("display", kind, counter, host) if part)[:64]


class _PahoErrorTap(logging.Logger):
    """paho's logger: passes the exceptions paho logs (e.g. a TLS alert on read) on; logs nothing itself."""

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        super().__init__("kiosk_ui.display.link.paho", logging.ERROR)
        self._on_error = on_error

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if level >= logging.ERROR:
            for arg in args:
                if isinstance(arg, BaseException):
                    self._on_error(arg)


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
        tls_files: tuple[str, str | None, str | None] | None = None,
        call_soon: CallSoon | None = None,
    ) -> None:
        """``tls_files`` = (CA, client certificate, key) for mqtts://; ``call_soon`` runs a callable on the UI
        thread (default: Kivy's clock). TlsFilesError (a ValueError, vi/en) when the files cannot be used."""
        address = parse_broker_url(broker_url)
        if username:
            address = BrokerAddress(address.host, address.port, address.tls, username, password)
        if tls_files is not None:
            ca, cert, key = tls_files
            check_tls_files(Path(ca), Path(cert) if cert else None, Path(key) if key else None)
            if not address.tls:
                logger.info("TLS files are not used: the broker URL %s is not mqtts://", address.url)
        self._call_soon = call_soon or _kivy_call_soon()
        self.last_error: str | None = None
        self.site = site
        self.device_id = device_id
        self.role = role
        self.version = version
        self.details = dict(details or {})
        self._on_online = on_online
        self._quiet_topics = WarnOnce(logger)  # a malformed message: once per topic, until a valid one
        self._quiet_connect = WarnOnce(logger, level=logging.ERROR)  # each distinct cause, until connected
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
            tls_files=tls_files if address.tls else None,
        )
        self._watch_connect_errors()

    def subscribe(self, topic_filter: str, model: type[M], apply: Callable[[str, M, bool], None]) -> None:
        """Decode every message on ``topic_filter`` as ``model`` and call ``apply`` on the Kivy thread."""

        def handle(topic: str, payload: bytes, retained: bool) -> None:
            try:
                decoded = decode_payload(model, payload)
            except ValueError as exc:
                self.rejected += 1
                self._quiet_topics.failed("ignoring malformed message on %s: %s", topic, exc, key=topic)
                return
            self._quiet_topics.recovered("valid messages on %s again", topic, key=topic)
            self._call_soon(lambda: apply(topic, decoded, retained))

        self.connection.subscribe(topic_filter, handle)

    def _connection_changed(self, online: bool) -> None:
        # paho's thread
        if online:
            self.last_error = None
            self._quiet_connect.recovered_all("connected to %s", self.connection.broker.url)
            self.publish_status("online")
        if self._on_online is not None:
            callback = self._on_online
            self._call_soon(lambda: callback(online))

    def _watch_connect_errors(self) -> None:
        """Explain a refused TLS connection once per distinct cause (paho retries every second, silently).

        paho hands neither ``on_connect_fail`` nor ``on_disconnect`` the exception. A failed handshake
        (broker certificate not trusted) is raised by the client's ``reconnect``, which its network thread
        calls for each attempt: it is wrapped to see the exception, which still propagates. A TLS 1.3 broker
        refuses a missing client certificate only after the handshake; paho reports that read error to its
        logger, with the exception as argument.
        """
        client = self.connection.client
        reconnect = client.reconnect

        def watched() -> Any:
            try:
                return reconnect()
            except OSError as exc:
                self._explain(exc)
                raise

        client.reconnect = watched  # type: ignore[method-assign]
        client.enable_logger(_PahoErrorTap(self._explain))

    def _explain(self, exc: BaseException) -> None:
        message = explain_connect_error(exc, self.connection.broker.url)
        if message is not None:
            self._quiet_connect.failed("%s", message, key=message)
        self.last_error = message

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
