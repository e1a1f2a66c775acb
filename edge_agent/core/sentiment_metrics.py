"""Pure classification metrics for the sentiment model: accuracy, per-class F1, confusion matrix.

Used by ``motcua sentiment eval`` on a device (no scikit-learn there) and by the training script,
so the figures in the model card and on the command line are computed the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edge_agent.core.sentiment import LABELS

__all__ = ["Evaluation", "evaluate", "format_evaluation"]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Metrics of predictions against gold labels; ``confusion[i][j]`` counts gold ``i`` predicted ``j``."""

    labels: tuple[str, ...]
    n: int
    accuracy: float
    macro_f1: float
    f1: dict[str, float]
    precision: dict[str, float]
    recall: dict[str, float]
    support: dict[str, int]
    confusion: tuple[tuple[int, ...], ...]

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary of every figure."""
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "f1": dict(self.f1),
            "precision": dict(self.precision),
            "recall": dict(self.recall),
            "support": dict(self.support),
            "labels": list(self.labels),
            "confusion": [list(row) for row in self.confusion],
        }


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def evaluate(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = LABELS) -> Evaluation:
    """Compare ``predicted`` with ``gold`` (same length); macro-F1 averages over ``labels``."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        if g not in index or p not in index:
            raise ValueError(f"unknown label {g if g not in index else p!r}")
        matrix[index[g]][index[p]] += 1
    f1: dict[str, float] = {}
    precision: dict[str, float] = {}
    recall: dict[str, float] = {}
    support: dict[str, int] = {}
    for i, label in enumerate(labels):
        tp = matrix[i][i]
        predicted_i = sum(row[i] for row in matrix)
        support[label] = sum(matrix[i])
        precision[label] = _ratio(tp, predicted_i)
        recall[label] = _ratio(tp, support[label])
        f1[label] = _ratio(2 * tp, predicted_i + support[label])
    n = len(gold)
    correct = sum(matrix[i][i] for i in range(len(labels)))
    return Evaluation(
        labels=tuple(labels),
        n=n,
        accuracy=_ratio(correct, n),
        macro_f1=sum(f1.values()) / len(labels) if labels else 0.0,
        f1=f1,
        precision=precision,
        recall=recall,
        support=support,
        confusion=tuple(tuple(row) for row in matrix),
    )


def format_evaluation(ev: Evaluation) -> str:
    """Render an evaluation as a short plain-text report (accuracy, F1s, confusion matrix)."""
    width = max(len(label) for label in ev.labels) + 2
    lines = [
        f"rows: {ev.n}",
        f"accuracy: {ev.accuracy:.4f}",
        f"macro-F1: {ev.macro_f1:.4f}",
        "per-class F1 (precision / recall, support):",
    ]
    lines += [
        f"  {label:<{width}}{ev.f1[label]:.4f}  ({ev.precision[label]:.4f} / {ev.recall[label]:.4f}, "
        f"{ev.support[label]})"
        for label in ev.labels
    ]
    lines.append("confusion matrix (rows = gold, columns = predicted):")
    lines.append(" " * (width + 2) + "".join(f"{label:>{width}}" for label in ev.labels))
    lines += [
        f"  {label:<{width}}" + "".join(f"{count:>{width}}" for count in row)
        for label, row in zip(ev.labels, ev.confusion, strict=True)
    ]
    return "\n".join(lines)
