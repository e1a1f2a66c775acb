"""ONNX Runtime adapter: score a feedback comment's sentiment on the device.

Needs ``onnxruntime`` and ``numpy`` only (the ``agent`` extra); never scikit-learn or torch.
The model is shipped in the ``models.sentiment`` package; pass ``model_path`` to override it.
"""

from __future__ import annotations

import asyncio
import importlib.resources
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from edge_agent.core.sentiment import LABELS, NORMALIZER_VERSION, SentimentResult, make_result, normalize_text
from edge_agent.core.sentiment_tokens import TokenVocab, encode_tokens

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "feedback_sentiment.onnx"


def default_model_path() -> Path:
    """Path of the model shipped in the ``models.sentiment`` package."""
    return Path(str(importlib.resources.files("models.sentiment").joinpath(DEFAULT_MODEL)))


def build_feed(input_names: Sequence[str], normalised: str, vocab: TokenVocab | None) -> dict[str, Any]:
    """The ONNX inputs for one normalised comment: the string ``text`` and, for a model with a
    sequence branch, its ``token_ids`` / ``folded_ids`` (int64 [1, L])."""
    feed: dict[str, Any] = {}
    if "text" in input_names:
        feed["text"] = np.array([[normalised]], dtype=object)
    if "token_ids" in input_names:
        if vocab is None:
            raise ValueError("the model has a token-id input but no token_vocab metadata")
        ids, folded = encode_tokens(normalised, vocab)
        feed["token_ids"] = np.array([ids], dtype=np.int64)
        feed["folded_ids"] = np.array([folded], dtype=np.int64)
    return feed


class SentimentScorer:
    """Score comments as negative / neutral / positive with the shipped ONNX model.

    Thread-safe (ONNX Runtime sessions may be run concurrently); one intra-op thread by default,
    so scoring never competes with the kiosk UI for cores.
    """

    def __init__(self, model_path: str | Path | None = None, *, intra_op_threads: int = 1) -> None:
        import onnxruntime as ort

        self.model_path = Path(model_path) if model_path is not None else default_model_path()
        if not self.model_path.is_file():
            raise FileNotFoundError(f"sentiment model not found: {self.model_path}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = intra_op_threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._session = ort.InferenceSession(str(self.model_path), opts, providers=["CPUExecutionProvider"])
        meta = self._session.get_modelmeta().custom_metadata_map
        self.labels: tuple[str, ...] = tuple(meta.get("labels", ",".join(LABELS)).split(","))
        self.model_version = meta.get("model_version", "unknown")
        if meta.get("normalizer_version", NORMALIZER_VERSION) != NORMALIZER_VERSION:
            logger.warning("sentiment model was trained with another text normaliser; retrain it")
        self._inputs = [i.name for i in self._session.get_inputs()]
        self._vocab = TokenVocab.from_metadata(meta) if "token_ids" in self._inputs else None
        self._prob_output = self._session.get_outputs()[1].name

    def probabilities(self, normalised: str) -> Any:
        """Class probabilities (``self.labels`` order) of one ``normalize_text`` output."""
        return self._session.run([self._prob_output], build_feed(self._inputs, normalised, self._vocab))[0][0]

    def score(self, text: str) -> SentimentResult:
        """Score one comment (any case, with or without diacritics); an empty one is neutral."""
        return self.score_many([text])[0]

    def score_many(self, texts: Sequence[str]) -> list[SentimentResult]:
        """Score comments; a comment with no words after normalisation is neutral with p = 1."""
        normalised = [normalize_text(t) for t in texts]
        results: list[SentimentResult | None] = [None] * len(texts)
        todo = [i for i, n in enumerate(normalised) if n]
        if todo:
            # One row at a time: the sequence branch takes one unpadded comment, and ONNX's
            # batched string tokeniser is no faster for the short comments we see.
            for i in todo:
                probs = self.probabilities(normalised[i])
                mapping = {label: float(p) for label, p in zip(self.labels, probs, strict=True)}
                results[i] = make_result(texts[i], mapping)
        for i, result in enumerate(results):
            if result is None:
                results[i] = make_result(texts[i], {"negative": 0.0, "neutral": 1.0, "positive": 0.0})
        return [r for r in results if r is not None]

    async def score_async(self, text: str) -> SentimentResult:
        """Score one comment in a worker thread, never on the event loop's thread."""
        return await asyncio.to_thread(self.score, text)

    async def score_many_async(self, texts: Sequence[str]) -> list[SentimentResult]:
        """Score comments in a worker thread."""
        return await asyncio.to_thread(self.score_many, list(texts))
