"""Ingest of every site's uplink: MQTT subscription and the HTTPS endpoint, one dedup store.

``IngestService`` is the one path into the store; ``MqttIngest`` (paho) and ``create_app`` (FastAPI) are
loaded when first named, so the service alone pulls in neither.
"""

from __future__ import annotations

from typing import Any

from monitor.ingest.service import IngestService

__all__ = ["IngestService", "MqttIngest", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "MqttIngest":
        from monitor.ingest.mqtt import MqttIngest

        return MqttIngest
    if name == "create_app":
        from monitor.ingest.http import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
