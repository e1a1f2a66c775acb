"""Send the outbox upward, in order, until the monitor acknowledges: over MQTT (bridge) or HTTPS.

Both transports have one behaviour: ``send(batch)`` returns the sequences the monitor acknowledged
(possibly none); the ``Uplinker`` deletes acknowledged events from the outbox, resends the rest after
a growing pause, and always sends the oldest events first. Only acks of the outbox's own epoch count:
an ack of an older outbox's events (say, queued at the province broker for the bridge while the site
server was re-imaged) names the same numbers but other events.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from edge_agent.core.bridge import bridge_state_topic
from edge_agent.outbox import Outbox
from motcua.contract.mqtt import decode_payload, encode_payload
from motcua.contract.uplink import UplinkAck, UplinkBatch, topic_uplink, topic_uplink_ack
from motcua.runtime.mqtt import MqttConnection
from motcua.runtime.warnonce import WarnOnce

logger = logging.getLogger(__name__)


def ack_applies(ack: UplinkAck, epoch: str) -> bool:
    """True when ``ack`` acknowledges events of ``epoch``; an ack with no epoch comes from a monitor that
    predates epochs and is applied as before (so agents can be upgraded before their monitor)."""
    return ack.epoch is None or ack.epoch == epoch


class Transport(Protocol):
    """Sends a batch; returns the acknowledged sequences."""

    def ready(self) -> bool:
        """False when the link is known to be down (no point sending)."""
        ...

    def send(self, batch: UplinkBatch, timeout: float) -> set[int]:
        """Send and wait up to ``timeout`` seconds for the acknowledgement."""
        ...

    def close(self) -> None:
        """Release resources."""
        ...


class MqttTransport:
    """Publish batches on ``motcua/{site}/uplink`` (QoS 1) to the site broker, which bridges them to the
    province; acknowledgements come back on ``motcua/{site}/uplink/ack`` through the same bridge.

    Acks are applied to the outbox whenever they arrive (also late ones). While mosquitto reports the
    bridge down (``$SYS/broker/connection/.../state`` = 0) nothing is sent, so the bridge's queue does
    not fill with resends.
    """

    def __init__(self, connection: MqttConnection, site: str, outbox: Outbox) -> None:
        self.on_link_up: Callable[[], None] | None = None
        self.connection = connection
        self.site = site
        self.outbox = outbox
        self._acked: set[int] = set()
        self._cond = threading.Condition()
        self.bridge_up: bool | None = None
        connection.subscribe(topic_uplink_ack(site), self._on_ack, qos=1)
        connection.subscribe(bridge_state_topic(site), self._on_bridge_state, qos=0)

    def _on_ack(self, topic: str, payload: bytes, retained: bool) -> None:
        try:
            ack = decode_payload(UplinkAck, payload)
        except ValueError as exc:
            logger.warning("ignoring a malformed uplink ack: %s", exc)
            return
        if ack.site != self.site:
            return
        if not ack_applies(ack, self.outbox.epoch):
            logger.info("ignoring an ack of another outbox epoch (%s, %d events)", ack.epoch, len(ack.acked))
            return
        self.outbox.ack(ack.acked)
        with self._cond:
            self._acked.update(ack.acked)
            self._cond.notify_all()

    def _on_bridge_state(self, topic: str, payload: bytes, retained: bool) -> None:
        up = payload.strip() == b"1"
        if up != self.bridge_up:
            logger.info("bridge to the province is %s", "up" if up else "down")
        with self._cond:
            self.bridge_up = up
            self._cond.notify_all()
        if up and self.on_link_up is not None:
            self.on_link_up()

    def ready(self) -> bool:
        return self.connection.connected and self.bridge_up is not False

    def send(self, batch: UplinkBatch, timeout: float) -> set[int]:
        wanted = {e.seq for e in batch.events}
        with self._cond:
            self._acked -= wanted
        info = self.connection.publish(topic_uplink(self.site), encode_payload(batch), qos=1)
        deadline = time.monotonic() + timeout
        try:
            info.wait_for_publish(timeout)
        except (RuntimeError, ValueError):
            return set()
        with self._cond:
            while not wanted <= self._acked:
                left = deadline - time.monotonic()
                if left <= 0 or self.bridge_up is False:
                    break
                self._cond.wait(left)
            got = wanted & self._acked
            self._acked -= got
        return got

    def close(self) -> None:
        pass


class HttpTransport:
    """``POST {monitor}/api/v1/ingest`` with a bearer site token; the response is the UplinkAck."""

    def __init__(self, monitor_url: str, token: str, *, verify: bool | str = True) -> None:
        import httpx

        self.url = monitor_url.rstrip("/") + "/api/v1/ingest"
        self._client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, verify=verify)

    def ready(self) -> bool:
        return True

    def send(self, batch: UplinkBatch, timeout: float) -> set[int]:
        import httpx

        try:
            response = self._client.post(
                self.url,
                content=encode_payload(batch),
                headers={"Content-Type": "application/json"},
                timeout=timeout,
            )
        except httpx.HTTPError as exc:
            raise ConnectionError(f"monitor unreachable: {exc.__class__.__name__}") from None
        if response.status_code != 200:
            raise ConnectionError(f"monitor answered {response.status_code}: {response.text[:200]}")
        ack = decode_payload(UplinkAck, response.content)
        if batch.epoch is not None and not ack_applies(ack, batch.epoch):
            raise ConnectionError(f"monitor acknowledged epoch {ack.epoch!r}, not the batch's {batch.epoch!r}")
        return set(ack.acked)

    def close(self) -> None:
        self._client.close()


class Uplinker:
    """A thread that drains the outbox through a transport, oldest first, until acknowledged."""

    def __init__(
        self,
        outbox: Outbox,
        transport: Transport,
        *,
        site: str,
        batch_size: int = 500,
        ack_timeout: float = 10.0,
        retry_max: float = 30.0,
        on_sent: Callable[[int], None] | None = None,
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.site = site
        self.batch_size = batch_size
        self.ack_timeout = ack_timeout
        self.retry_max = retry_max
        self.on_sent = on_sent
        self._wake = threading.Event()
        self._link_up = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="uplink", daemon=True)
        self._quiet = WarnOnce(logger)
        self.sent_batches = 0

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def notify(self) -> None:
        """New events are in the outbox."""
        self._wake.set()

    def link_up(self) -> None:
        """The link is back: cut the retry pause short."""
        self._link_up.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (unsent events stay in the outbox)."""
        self._stop.set()
        self._link_up.set()
        self._wake.set()
        self._thread.join(timeout)

    def _pause(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            self._wake.clear()
            events = self.outbox.peek(self.batch_size)
            if not events:
                self._pause(1.0)
                continue
            if not self.transport.ready():
                self._pause(1.0)
                continue
            try:
                acked = self.transport.send(UplinkBatch(site=self.site, events=events), self.ack_timeout)
            except Exception as exc:  # the link is down or the monitor refused: keep everything, retry
                self._quiet.failed("uplink failed (%s); retrying", exc)
                acked = set()
            if acked:
                self.outbox.ack(acked)
                self.sent_batches += 1
                backoff = 0.5
                self._quiet.recovered("uplink restored")
                if self.on_sent is not None:
                    self.on_sent(len(acked))
                continue
            self._link_up.clear()
            self._link_up.wait(backoff)
            backoff = 0.5 if self._link_up.is_set() else min(backoff * 2, self.retry_max)
