"""The queue server gets a sentiment scorer by entry-point group, without importing edge_agent itself."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from motcua.contract.feedback import SentimentResult

ROOT = Path(__file__).resolve().parents[3]
GROUP = "motcua.scorers"


def _declared() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return dict(project["entry-points"][GROUP])


def test_pyproject_declares_the_onnx_scorer() -> None:
    assert _declared() == {"onnx": "edge_agent.sentiment.scorer:SentimentScorer"}


def test_the_declared_scorer_constructs_with_no_argument_and_scores_to_the_contract_type() -> None:
    entry = importlib.metadata.EntryPoint(name="onnx", value=_declared()["onnx"], group=GROUP)
    scorer = entry.load()()
    result = scorer.score("Cán bộ cáu gắt, phải chờ 3 tiếng 😡")
    assert type(result) is SentimentResult
    assert result.label == "negative"
    assert {"staff_attitude", "waiting_time"} <= set(result.topics)
    assert scorer.score("").label == "neutral"
