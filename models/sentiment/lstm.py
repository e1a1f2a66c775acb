"""The sequence branch of the sentiment model: a small BiLSTM over syllable tokens (training only).

Needs PyTorch at training time (``pip install torch`` — CPU build); the device runs the exported
ONNX graph with ONNX Runtime alone.  Token ids come from
``edge_agent.core.sentiment_tokens.encode_tokens``, the same function the device uses.

The BiLSTM reads word order (negation scope, "nhưng" contrasts) that the bag of n-grams misses;
its probabilities are averaged with the TF-IDF logistic regression's inside one ONNX graph
(:func:`merge_with_tfidf`).
"""

from __future__ import annotations

import collections
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from edge_agent.core.sentiment import LABELS, fold_diacritics
from edge_agent.core.sentiment_tokens import TokenVocab, encode_tokens

EMB = 128
HIDDEN = 96
EMB_DROPOUT = 0.3
OUT_DROPOUT = 0.5
BATCH = 64
LR = 2e-3
MIN_COUNT = 2


def build_vocab(texts: Sequence[str], min_count: int = MIN_COUNT) -> TokenVocab:
    """Tokens (and accent-stripped tokens) seen at least ``min_count`` times, sorted."""
    counts = collections.Counter(t for x in texts for t in x.split())
    folded = collections.Counter(fold_diacritics(t) for x in texts for t in x.split())
    return TokenVocab(
        sorted(t for t, c in counts.items() if c >= min_count),
        sorted(t for t, c in folded.items() if c >= min_count),
    )


def _net(n_tokens: int, n_folded: int) -> Any:
    import torch
    from torch import nn

    class BiLSTM(nn.Module):
        """Embeddings (exact + accent-stripped token) -> BiLSTM -> max & mean pooling -> linear."""

        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(n_tokens, EMB, padding_idx=0)
            self.femb = nn.Embedding(n_folded, EMB, padding_idx=0)
            self.edrop = nn.Dropout(EMB_DROPOUT)
            self.drop = nn.Dropout(OUT_DROPOUT)
            self.rnn = nn.LSTM(EMB, HIDDEN, batch_first=True, bidirectional=True)
            self.out = nn.Linear(4 * HIDDEN, len(LABELS))

        def logits(self, ids: Any, fids: Any) -> Any:
            """Training form: right-padded batches, pads masked out of the pooling."""
            mask = ids == 0
            h, _ = self.rnn(self.edrop(self.emb(ids) + self.femb(fids)))
            hmax = h.masked_fill(mask.unsqueeze(2), -1e4).max(1).values
            keep = (~mask).unsqueeze(2).float()
            hmean = (h * keep).sum(1) / keep.sum(1)
            return self.out(self.drop(torch.cat([hmax, hmean], 1)))

        def forward(self, ids: Any, fids: Any) -> Any:
            """Inference form (one unpadded comment): class probabilities."""
            h, _ = self.rnn(self.emb(ids) + self.femb(fids))
            z = torch.cat([h.max(1).values, h.mean(1)], 1)
            return torch.softmax(self.out(z), 1)

    return BiLSTM()


class LstmBranch:
    """A trained BiLSTM with its vocabulary."""

    def __init__(self, vocab: TokenVocab, net: Any) -> None:
        self.vocab = vocab
        self.net = net

    def predict_proba(self, normalised: Sequence[str]) -> np.ndarray:
        """Probabilities (columns in ``LABELS`` order), one unpadded comment at a time as on the device."""
        import torch

        self.net.eval()
        out = np.zeros((len(normalised), len(LABELS)), dtype=np.float32)
        with torch.no_grad():
            for i, text in enumerate(normalised):
                ids, fids = encode_tokens(text, self.vocab)
                out[i] = self.net(torch.tensor([ids]), torch.tensor([fids])).numpy()[0]
        return out

    def export(self, path: Path) -> None:
        """Write the inference graph (inputs ``token_ids``/``folded_ids`` int64 [1, L])."""
        import torch

        self.net.eval()
        example = (torch.tensor([[2, 3, 4]]), torch.tensor([[2, 3, 4]]))
        torch.onnx.export(
            self.net,
            example,
            str(path),
            input_names=["token_ids", "folded_ids"],
            output_names=["probabilities"],
            dynamic_axes={"token_ids": {1: "tokens"}, "folded_ids": {1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )


def train_lstm(
    texts: Sequence[str], labels: Sequence[str], weights: Sequence[float], epochs: int = 4, seed: int = 717
) -> LstmBranch:
    """Train the BiLSTM on normalised texts (single thread, fixed seeds: reproducible on one machine)."""
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    vocab = build_vocab(texts)
    net = _net(len(vocab.tokens) + 2, len(vocab.folded) + 2)
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    encoded = [encode_tokens(t, vocab) for t in texts]
    y = torch.tensor([LABELS.index(label) for label in labels])
    w = torch.tensor(np.asarray(weights, dtype=np.float32))
    lengths = np.array([len(ids) for ids, _ in encoded])

    def pad(batch: np.ndarray) -> tuple[Any, Any]:
        m = int(lengths[batch].max())
        ids = [encoded[j][0] + [0] * (m - len(encoded[j][0])) for j in batch]
        fids = [encoded[j][1] + [0] * (m - len(encoded[j][1])) for j in batch]
        return torch.tensor(ids), torch.tensor(fids)

    net.train()
    for epoch in range(epochs):
        started = time.time()
        # Shuffle, then sort chunks of 50 batches by length (little padding), shuffle the batches.
        perm = rng.permutation(len(encoded))
        batches: list[np.ndarray] = []
        for c in range(0, len(perm), BATCH * 50):
            chunk = perm[c : c + BATCH * 50]
            chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
            batches += [chunk[i : i + BATCH] for i in range(0, len(chunk), BATCH)]
        order = rng.permutation(len(batches))
        for group in opt.param_groups:
            group["lr"] = LR * (1 - epoch / epochs) + 1e-4
        total = 0.0
        for b in order:
            idx = batches[b]
            logits = net.logits(*pad(idx))
            loss = (F.cross_entropy(logits, y[idx], reduction="none") * w[idx]).sum() / w[idx].sum()
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            total += loss.item()
        print(f"[bilstm] epoch {epoch + 1}/{epochs} loss={total / len(order):.4f} ({time.time() - started:.0f}s)")
    net.eval()
    return LstmBranch(vocab, net)


def merge_with_tfidf(tfidf: Any, lstm: Any, lstm_weight: float) -> Any:
    """One ONNX graph: ``probabilities = (1 - w) * tfidf + w * bilstm``, ``label`` = arg-max index.

    Inputs: ``text`` (string [1, 1], the normalised comment), ``token_ids`` and ``folded_ids``
    (int64 [1, L], from ``encode_tokens``).  Outputs: ``label`` (int64 [1]) and ``probabilities``
    (float [1, 3], columns in ``LABELS`` order).
    """
    import onnx
    from onnx import TensorProto, compose, helper

    a = compose.add_prefix(tfidf, "tfidf_", rename_inputs=False)
    b = compose.add_prefix(lstm, "bilstm_", rename_inputs=False)
    nodes = list(a.graph.node) + list(b.graph.node)
    inits = list(a.graph.initializer) + list(b.graph.initializer)
    inits += [
        helper.make_tensor("ens_w_tfidf", TensorProto.FLOAT, [], [1.0 - lstm_weight]),
        helper.make_tensor("ens_w_bilstm", TensorProto.FLOAT, [], [lstm_weight]),
    ]
    nodes += [
        helper.make_node("Mul", ["tfidf_probabilities", "ens_w_tfidf"], ["ens_p_tfidf"], name="ens_mul_tfidf"),
        helper.make_node("Mul", ["bilstm_probabilities", "ens_w_bilstm"], ["ens_p_bilstm"], name="ens_mul_bilstm"),
        helper.make_node("Add", ["ens_p_tfidf", "ens_p_bilstm"], ["probabilities"], name="ens_add"),
        helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0, name="ens_argmax"),
    ]
    graph = helper.make_graph(
        nodes,
        "motcua_feedback_sentiment",
        list(a.graph.input) + list(b.graph.input),
        [
            helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, len(LABELS)]),
        ],
        initializer=inits,
    )
    opsets: dict[str, int] = {}
    for model in (a, b):
        for op in model.opset_import:
            opsets[op.domain] = max(opsets.get(op.domain, 0), op.version)
    merged = helper.make_model(
        graph, opset_imports=[helper.make_opsetid(d, v) for d, v in sorted(opsets.items())], producer_name="motcua"
    )
    merged.ir_version = max(a.ir_version, b.ir_version)
    onnx.checker.check_model(merged)
    return merged
