"""The monitor's MQTT side: batches from ``motcua/+/uplink``, acks on ``motcua/{site}/uplink/ack``.

A persistent session (fixed client id, clean_session=False): batches published while the monitor is
down wait at the province broker. The batch is stored before the handler returns, hence before the
PUBACK; the ack to the site goes out after the commit.
"""

from __future__ import annotations

import logging

from monitor.ingest.service import IngestService
from motcua.contract.mqtt import decode_payload, encode_payload
from motcua.contract.uplink import Alert, UplinkBatch, topic_alerts, topic_uplink_ack, topic_uplink_all
from motcua.runtime.mqtt import MqttConnection

logger = logging.getLogger(__name__)


class MqttIngest:
    """Subscribes to every site's uplink on the province broker."""

    def __init__(self, broker_url: str, service: IngestService, *, client_id: str = "motcua-monitor-ingest") -> None:
        self.service = service
        self.connection = MqttConnection(broker_url, client_id=client_id, clean_session=False)
        self.connection.subscribe(topic_uplink_all(), self._on_batch, qos=1)

    def start(self) -> None:
        """Connect (in the background)."""
        self.connection.start()

    def stop(self) -> None:
        """Disconnect."""
        self.connection.stop()

    def publish_alert(self, alert: Alert) -> None:
        """Publish an alert on ``motcua/province/alerts``."""
        self.connection.publish(topic_alerts(), encode_payload(alert), qos=1)

    def _on_batch(self, topic: str, payload: bytes, retained: bool) -> None:
        site = topic.split("/")[1]
        try:
            batch = decode_payload(UplinkBatch, payload)
        except ValueError as exc:
            logger.warning("ignoring a malformed uplink batch from %s: %s", site, exc)
            return
        if batch.site != site:
            logger.warning("ignoring a batch of site %s published on %s's topic", batch.site, site)
            return
        ack = self.service.handle(batch)
        self.connection.publish(topic_uplink_ack(site), encode_payload(ack), qos=1)
