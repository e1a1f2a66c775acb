"""Pure edge-agent logic: no I/O (the sentiment lexicons are package data read at import)."""

__all__ = [
    "bridge",
    "health",
    "outbox_policy",
    "redact",
    "replay",
    "sentiment",
    "sentiment_metrics",
    "sentiment_tokens",
    "uplink",
]
