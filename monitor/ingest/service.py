"""Store a batch once per (site, epoch, seq), acknowledge it (saying of which epoch), then run the alert
rules on what was new."""

from __future__ import annotations

import logging

from monitor.alerts import AlertEngine
from monitor.store import Store
from motcua.contract.uplink import UplinkAck, UplinkBatch

logger = logging.getLogger(__name__)


class IngestService:
    """The one path by which events enter the store (MQTT and HTTPS alike)."""

    def __init__(self, store: Store, alerts: AlertEngine | None = None) -> None:
        self.store = store
        self.alerts = alerts
        self.batches = 0
        self.events_new = 0
        self.events_duplicate = 0

    def handle(self, batch: UplinkBatch) -> UplinkAck:
        """Store the batch (dedup), return the ack; alert rules must never lose an ack."""
        ack, new = self.store.ingest_new(batch)
        self.batches += 1
        self.events_new += len(new)
        self.events_duplicate += len(ack.acked) - len(new)
        if self.alerts is not None and new:
            try:
                self.alerts.on_ingest(batch.site, new)
            except Exception:
                logger.exception("alert rules failed after ingest of %s", batch.site)
        return ack
