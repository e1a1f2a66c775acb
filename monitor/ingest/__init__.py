"""Ingest of every site's uplink: MQTT subscription and the HTTPS endpoint, one dedup store."""

from __future__ import annotations

from monitor.ingest.service import IngestService

__all__ = ["IngestService"]
