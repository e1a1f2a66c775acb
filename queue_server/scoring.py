"""Server-side sentiment scoring: the scorer found by entry point, and the background worker that runs it.

The queue server never imports the edge agent. A scorer is registered by name in the entry-point group
``motcua.scorers`` (``onnx`` is the edge agent's ONNX model, in pyproject.toml); ``load_scorer_factory``
finds it, and nothing is imported until the factory is first called, on the worker thread.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any, Protocol

from motcua.contract.feedback import SentimentResult

logger = logging.getLogger(__name__)

SCORER_GROUP = "motcua.scorers"
DEFAULT_SCORER = "onnx"


class Scorer(Protocol):
    """A sentiment model: one comment in, its label, probabilities and topics out."""

    def score(self, text: str) -> SentimentResult: ...


ScorerFactory = Callable[[], Scorer]


def load_scorer_factory(name: str = DEFAULT_SCORER) -> ScorerFactory | None:
    """The factory of the scorer registered as ``name`` in ``motcua.scorers``; None when there is none.

    The entry point is loaded only when the factory is called, so finding it imports nothing.
    """
    found = entry_points(group=SCORER_GROUP, name=name)
    if not found:
        logger.info("no '%s' sentiment scorer installed; comments wait for the edge agent", name)
        return None
    entry = next(iter(found))

    def factory() -> Scorer:
        scorer: Scorer = entry.load()()
        return scorer

    return factory


class ScoredDesk(Protocol):
    """What the background scorer needs of the feedback desk."""

    @property
    def scorer_factory(self) -> ScorerFactory | None: ...

    def comment_of(self, feedback_id: str) -> tuple[str, str] | None: ...

    def is_scored(self, feedback_id: str) -> bool: ...

    def attach_sentiment(
        self,
        feedback_id: str,
        *,
        label: str,
        score: float,
        probabilities: Mapping[str, float] | None = None,
        topics: tuple[str, ...] = (),
        mismatch: bool | None = None,
        scored_by: str,
    ) -> dict[str, Any]: ...


class SelfScorer:
    """One worker thread: after a grace period, scores comments the edge agent has not scored."""

    def __init__(self, desk: ScoredDesk, delay_s: float) -> None:
        self.desk = desk
        self.delay_s = delay_s
        self._due: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        self._stopped = False
        self._scorer: Scorer | None = None
        self._failed = False
        self.scored = 0
        self._thread = threading.Thread(target=self._run, name="feedback-self-scorer", daemon=True)
        self._thread.start()

    def schedule(self, feedback_id: str) -> None:
        """Score ``feedback_id`` after the grace period unless an agent scored it by then."""
        with self._cond:
            heapq.heappush(self._due, (time.monotonic() + self.delay_s, feedback_id))
            self._cond.notify()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait for it."""
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout)

    def _next(self) -> str | None:
        with self._cond:
            while not self._stopped:
                if self._due and self._due[0][0] <= time.monotonic():
                    return heapq.heappop(self._due)[1]
                wait = self._due[0][0] - time.monotonic() if self._due else None
                self._cond.wait(wait)
            return None

    def _run(self) -> None:
        while (feedback_id := self._next()) is not None:
            try:
                self._score(feedback_id)
            except Exception as exc:  # never the comment: only the exception type
                logger.warning("scoring feedback %s on the server failed: %s", feedback_id, type(exc).__name__)

    def _score(self, feedback_id: str) -> None:
        found = self.desk.comment_of(feedback_id)
        if found is None or self._failed:
            return
        if self._scorer is None:
            factory = self.desk.scorer_factory
            try:
                if factory is None:
                    raise LookupError("no scorer factory")
                self._scorer = factory()
            except Exception as exc:
                self._failed = True  # warn once, then leave scoring to the edge agent
                logger.warning("no sentiment model on the server (%s); comments wait for the agent", type(exc).__name__)
                return
        comment, _rating = found
        result = self._scorer.score(comment)
        if self.desk.is_scored(feedback_id):
            return  # the agent answered while we were scoring: its score wins
        self.desk.attach_sentiment(
            feedback_id,
            label=result.label,
            score=result.score,
            probabilities=dict(result.probabilities),
            topics=tuple(result.topics),
            scored_by="server",
        )
        self.scored += 1
        logger.info("feedback %s scored on the server: %s", feedback_id, result.label)
