"""The feedback sentiment model: the shipped ONNX file and the pipeline that builds it.

Shipped beside this file: ``feedback_sentiment.onnx`` (loaded on devices by
``edge_agent.sentiment.SentimentScorer``), ``metrics.json``, ``MODEL_CARD.md`` and
``reference_probabilities.npz``. Build steps, each ``python -m models.sentiment.<step>``:
``make_corpus`` (the synthetic in-domain corpus, from ``corpus_phrases.json``), ``select``
(hyper-parameters on the dev splits) and ``train`` (fit, evaluate, export, write the card). Those
modules import scikit-learn (and ``lstm`` PyTorch): import them explicitly.
"""

__all__ = ["MODEL_FILE"]

MODEL_FILE = "feedback_sentiment.onnx"
