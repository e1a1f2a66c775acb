"""On-device sentiment scoring of citizens' feedback comments (ONNX Runtime only)."""

from __future__ import annotations

from edge_agent.core.sentiment import SentimentResult, rating_mismatch
from edge_agent.sentiment.scorer import DEFAULT_MODEL, SentimentScorer

__all__ = ["DEFAULT_MODEL", "SentimentResult", "SentimentScorer", "rating_mismatch"]
