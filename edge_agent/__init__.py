"""Edge agent: health, on-device sentiment scoring, uplink to the provincial monitor.

The names below are loaded on first use, so ``import edge_agent.core.sentiment`` (or a kiosk that
only needs the health heartbeat) never pulls in paho-mqtt, SQLite or ONNX Runtime.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edge_agent.agent import Agent
    from edge_agent.bridge import BridgedBroker, start_bridged_broker
    from edge_agent.core.redact import redact
    from edge_agent.core.sentiment import SentimentResult
    from edge_agent.core.uplink import uplink_fields
    from edge_agent.outbox import NewEvent, Outbox
    from edge_agent.sentiment.scorer import SentimentScorer
    from edge_agent.settings import AgentSettings
    from edge_agent.uplink import HttpTransport, MqttTransport, Uplinker

__all__ = [
    "Agent",
    "AgentSettings",
    "BridgedBroker",
    "HttpTransport",
    "MqttTransport",
    "NewEvent",
    "Outbox",
    "SentimentResult",
    "SentimentScorer",
    "Uplinker",
    "redact",
    "start_bridged_broker",
    "uplink_fields",
]

_WHERE = {
    "Agent": "edge_agent.agent",
    "AgentSettings": "edge_agent.settings",
    "BridgedBroker": "edge_agent.bridge",
    "HttpTransport": "edge_agent.uplink",
    "MqttTransport": "edge_agent.uplink",
    "NewEvent": "edge_agent.outbox",
    "Outbox": "edge_agent.outbox",
    "SentimentResult": "edge_agent.core.sentiment",
    "SentimentScorer": "edge_agent.sentiment.scorer",
    "Uplinker": "edge_agent.uplink",
    "redact": "edge_agent.core.redact",
    "start_bridged_broker": "edge_agent.bridge",
    "uplink_fields": "edge_agent.core.uplink",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'edge_agent' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
