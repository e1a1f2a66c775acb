"""Train, evaluate and export the feedback sentiment model: ``python -m models.sentiment.train``.

One command: (re)generates nothing — the corpora are committed — but fits a word + character
TF-IDF logistic regression on UIT-VSFC train + the in-domain train split (each with an
accent-stripped copy), reports every split, exports ``feedback_sentiment.onnx``, checks that ONNX
Runtime and scikit-learn agree on every row of both test sets, measures size and latency, and
writes ``MODEL_CARD.md`` and ``metrics.json`` beside the model.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from edge_agent.core.sentiment import LABELS, NORMALIZER_VERSION, fold_diacritics, normalize_text
from edge_agent.core.sentiment_metrics import evaluate, format_evaluation
from models.sentiment.data import Split, load_indomain, load_vsfc

HERE = Path(__file__).resolve().parent
MODEL_NAME = "feedback_sentiment"
MODEL_VERSION = "1.1.0"
WORD_TOKENS = r"[^ ]+"  # normalize_text leaves single spaces only: same split in Python re and RE2
SEED = 717
# Chosen by ``python -m models.sentiment.select`` on the dev splits only (UIT-VSFC dev, the
# generated in-domain dev and the hand-written in-domain dev); see MODEL_CARD.md.
DEFAULTS: dict[str, float] = {
    "c": 8.0,
    "indomain_weight": 1.0,
    "vsfc_fold_weight": 0.3,
    "neutral_bias": -0.25,
    "lstm_weight": 0.3,
    "lstm_epochs": 4,
    "lstm_indomain_weight": 2.0,
}
REFERENCE_FILE = "reference_probabilities.npz"


def build_pipeline(c: float = 4.0, max_word: int = 150000, max_char: int = 150000) -> Pipeline:
    """The scikit-learn pipeline; every option is one the ONNX converter reproduces exactly."""
    word = TfidfVectorizer(
        analyzer="word",
        token_pattern=WORD_TOKENS,
        ngram_range=(1, 2),
        lowercase=False,
        min_df=2,
        max_features=max_word,
        dtype=np.float32,
    )
    char = TfidfVectorizer(
        analyzer="char",
        ngram_range=(1, 5),
        lowercase=False,
        min_df=3,
        max_features=max_char,
        dtype=np.float32,
    )
    clf = LogisticRegression(C=c, max_iter=3000, class_weight=None, random_state=SEED)
    return Pipeline([("features", FeatureUnion([("word", word), ("char", char)])), ("clf", clf)])


def training_set(
    splits: Sequence[Split], weight: float = 1.0, fold_weight: float = 1.0
) -> tuple[list[str], list[str], list[float]]:
    """Normalised texts, labels and sample weights of ``splits``, plus accent-stripped copies."""
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    for split in splits:
        for label, text in split.rows:
            norm = normalize_text(text)
            if not norm:
                continue
            texts.append(norm)
            labels.append(label)
            weights.append(weight)
            folded = fold_diacritics(norm)
            if fold_weight > 0 and folded != norm:
                texts.append(folded)
                labels.append(label)
                weights.append(weight * fold_weight)
    return texts, labels, weights


def fit(
    pipe: Pipeline, parts: Sequence[tuple[list[str], list[str], list[float]]], neutral_bias: float = 0.0
) -> Pipeline:
    """Fit ``pipe`` on the concatenated training parts with their sample weights.

    ``neutral_bias`` is added to the neutral intercept after fitting (a prior shift towards the
    rare neutral class, chosen on the dev splits); it lives in the model's own ``intercept_``, so
    the ONNX export and scikit-learn stay identical.
    """
    x = [t for part in parts for t in part[0]]
    y = [label for part in parts for label in part[1]]
    w = np.array([v for part in parts for v in part[2]])
    pipe.fit(x, y, clf__sample_weight=w)
    if neutral_bias:
        clf = pipe.named_steps["clf"]
        clf.intercept_[list(clf.classes_).index("neutral")] += neutral_bias
    return pipe


def stripped(split: Split) -> Split:
    """The split with every text's diacritics removed."""
    return Split(f"{split.name}_no_diacritics", [(label, fold_diacritics(t)) for label, t in split.rows])


def report(name: str, predict: Callable[[list[str]], list[str]], splits: Sequence[Split]) -> dict[str, Any]:
    """Evaluate ``predict`` on each split; print and return the figures."""
    out: dict[str, Any] = {}
    for split in splits:
        ev = evaluate(split.labels, predict([normalize_text(t) for t in split.texts]))
        out[split.name] = ev.as_dict()
        f1 = " ".join(f"{k}={v:.3f}" for k, v in ev.f1.items())
        print(f"[{name}] {split.name:<28} n={ev.n:<5} acc={ev.accuracy:.4f} macroF1={ev.macro_f1:.4f} {f1}")
    return out


class Ensemble:
    """TF-IDF logistic regression averaged with the BiLSTM branch: what the ONNX graph computes."""

    def __init__(self, pipe: Pipeline, lstm: Any, lstm_weight: float) -> None:
        self.pipe, self.lstm, self.lstm_weight = pipe, lstm, lstm_weight
        self.classes_ = [str(c) for c in pipe.named_steps["clf"].classes_]
        if self.classes_ != list(LABELS):
            raise ValueError(f"classes {self.classes_} are not {LABELS}")

    def predict_proba(self, normalised: Sequence[str]) -> np.ndarray:
        """Class probabilities, columns in ``LABELS`` order."""
        p: np.ndarray = np.asarray(self.pipe.predict_proba(list(normalised)), dtype=np.float64)
        if self.lstm is None or self.lstm_weight == 0:
            return p
        q: np.ndarray = np.asarray(self.lstm.predict_proba(normalised), dtype=np.float64)
        return (1 - self.lstm_weight) * p + self.lstm_weight * q

    def predict(self, normalised: Sequence[str]) -> list[str]:
        """Arg-max labels."""
        return [self.classes_[i] for i in self.predict_proba(normalised).argmax(axis=1)]


def export_onnx(pipe: Pipeline, path: Path, lstm: Any = None, lstm_weight: float = 0.0) -> None:
    """Convert the model to ONNX: ``text`` [N, 1] string input; with a BiLSTM branch also
    ``token_ids``/``folded_ids`` [1, L] (one comment per call); outputs label, probabilities."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import StringTensorType

    word, char = (step for _, step in pipe.named_steps["features"].transformer_list)
    options = {
        id(word): {"tokenexp": WORD_TOKENS},
        id(char): {"tokenexp": "."},
        id(pipe.named_steps["clf"]): {"zipmap": False},
    }
    onx = convert_sklearn(
        pipe,
        initial_types=[("text", StringTensorType([None, 1]))],
        options=options,
        target_opset=17,
    )
    classes = [str(c) for c in pipe.named_steps["clf"].classes_]
    meta = {
        "labels": ",".join(classes),
        "normalizer_version": NORMALIZER_VERSION,
        "model_version": MODEL_VERSION,
        "input": "edge_agent.core.sentiment.normalize_text(comment)",
    }
    doc = "motcua feedback sentiment: word+char TF-IDF logistic regression (negative/neutral/positive)"
    if lstm is not None and lstm_weight > 0:
        import tempfile

        import onnx

        from models.sentiment.lstm import merge_with_tfidf

        with tempfile.TemporaryDirectory() as tmp:
            lstm_path = Path(tmp) / "bilstm.onnx"
            lstm.export(lstm_path)
            onx = merge_with_tfidf(onx, onnx.load(str(lstm_path)), lstm_weight)
        meta["input"] += "; token_ids/folded_ids = edge_agent.core.sentiment_tokens.encode_tokens(text)"
        meta["lstm_weight"] = str(lstm_weight)
        meta.update(lstm.vocab.to_metadata())
        doc = (
            f"motcua feedback sentiment: word+char TF-IDF logistic regression ({1 - lstm_weight:g}) averaged "
            f"with a syllable BiLSTM ({lstm_weight:g}) (negative/neutral/positive)"
        )
    for key, value in meta.items():
        prop = onx.metadata_props.add()
        prop.key, prop.value = key, value
    onx.doc_string = doc
    path.write_bytes(onx.SerializeToString())


def _session(path: Path) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _feeder(sess: Any) -> Callable[[str], dict[str, Any]]:
    from edge_agent.core.sentiment_tokens import TokenVocab
    from edge_agent.sentiment.scorer import build_feed

    names = [i.name for i in sess.get_inputs()]
    meta = sess.get_modelmeta().custom_metadata_map
    vocab = TokenVocab.from_metadata(meta) if "token_ids" in names else None
    return lambda text: build_feed(names, text, vocab)


def check_agreement(
    pipe: Pipeline | Ensemble,
    path: Path,
    splits: Sequence[Split],
    tol: float = 1e-4,
    reference: dict[str, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Score every row one at a time in ONNX Runtime and in the training frameworks (scikit-learn,
    plus PyTorch for the BiLSTM branch); return the worst gaps.  ``reference`` receives the
    training-framework probabilities of every row (for the CI test that needs no torch)."""
    sess = _session(path)
    feed = _feeder(sess)
    classes = [str(c) for c in (pipe.classes_ if isinstance(pipe, Ensemble) else pipe.named_steps["clf"].classes_)]
    out: dict[str, Any] = {}
    for split in splits:
        norm = [normalize_text(t) for t in split.texts]
        sk = pipe.predict_proba(norm)
        if reference is not None:
            reference[split.name] = np.asarray(sk, dtype=np.float64)
        worst, label_diff = 0.0, 0
        for i, text in enumerate(norm):
            if not text:  # the scorer never runs the model on an empty comment
                continue
            _, probs = sess.run(None, feed(text))
            worst = max(worst, float(np.max(np.abs(probs[0] - sk[i]))))
            label_diff += classes[int(np.argmax(probs[0]))] != classes[int(np.argmax(sk[i]))]
        out[split.name] = {"rows": len(norm), "max_abs_prob_diff": worst, "label_disagreements": label_diff}
        print(f"[agreement] {split.name:<28} rows={len(norm)} max|dp|={worst:.2e} label diffs={label_diff}")
        if worst > tol or label_diff:
            raise SystemExit(f"ONNX and scikit-learn disagree on {split.name}: {out[split.name]}")
    return out


def measure_latency(path: Path, texts: Sequence[str], repeats: int = 3) -> dict[str, float]:
    """Per-comment latency (normalise + ONNX, one thread), in milliseconds."""
    sess = _session(path)
    feed = _feeder(sess)
    times: list[float] = []
    for _ in range(repeats):
        for text in texts:
            start = time.perf_counter()
            sess.run(None, feed(normalize_text(text)))
            times.append((time.perf_counter() - start) * 1000)
    arr = np.array(times)
    return {"p50_ms": float(np.percentile(arr, 50)), "p99_ms": float(np.percentile(arr, 99)), "n": len(arr)}


def main(argv: Sequence[str] | None = None) -> int:
    """Train, evaluate, export, check and document the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=DEFAULTS["c"], help="inverse regularisation of the classifier")
    parser.add_argument(
        "--indomain-weight", type=float, default=DEFAULTS["indomain_weight"], help="sample weight of in-domain rows"
    )
    parser.add_argument(
        "--neutral-bias", type=float, default=DEFAULTS["neutral_bias"], help="added to the neutral intercept"
    )
    parser.add_argument(
        "--vsfc-fold-weight",
        type=float,
        default=DEFAULTS["vsfc_fold_weight"],
        help="weight of the accent-stripped copies of UIT-VSFC rows",
    )
    parser.add_argument(
        "--lstm-weight",
        type=float,
        default=DEFAULTS["lstm_weight"],
        help="weight of the BiLSTM branch in the average (0: TF-IDF logistic regression alone, no torch)",
    )
    parser.add_argument("--lstm-epochs", type=int, default=int(DEFAULTS["lstm_epochs"]))
    parser.add_argument("--lstm-indomain-weight", type=float, default=DEFAULTS["lstm_indomain_weight"])
    parser.add_argument("--out-dir", type=Path, default=HERE, help="where the .onnx, card and metrics go")
    parser.add_argument("--no-export", action="store_true", help="train and evaluate only")
    parser.add_argument("--skip-baseline", action="store_true", help="skip the UIT-VSFC-only baseline")
    args = parser.parse_args(argv)
    started = time.time()

    vsfc = {s: load_vsfc(s) for s in ("train", "dev", "test")}
    ind = {s: load_indomain(s) for s in ("train", "dev", "dev_handwritten", "test")}
    eval_splits = [
        vsfc["dev"],
        vsfc["test"],
        stripped(vsfc["test"]),
        ind["dev"],
        ind["dev_handwritten"],
        stripped(ind["dev_handwritten"]),
        ind["test"],
        stripped(ind["test"]),
    ]
    metrics: dict[str, Any] = {
        "model_version": MODEL_VERSION,
        "C": args.c,
        "indomain_weight": args.indomain_weight,
        "vsfc_fold_weight": args.vsfc_fold_weight,
        "neutral_bias": args.neutral_bias,
        "lstm_weight": args.lstm_weight,
        "lstm_epochs": args.lstm_epochs,
        "lstm_indomain_weight": args.lstm_indomain_weight,
    }
    # Hyper-parameters were chosen on the dev splits (models/sentiment/select.py); the final model
    # then also learns from UIT-VSFC dev.  The hand-written in-domain dev split and the two test
    # splits are never trained on.
    vsfc_part = training_set([vsfc["train"], vsfc["dev"]], fold_weight=args.vsfc_fold_weight)
    ind_part = training_set([ind["train"]], weight=args.indomain_weight)

    if not args.skip_baseline:
        base = fit(build_pipeline(args.c), [vsfc_part], args.neutral_bias)
        metrics["vsfc_only"] = report("vsfc-only", lambda x: list(base.predict(x)), eval_splits)

    pipe = fit(build_pipeline(args.c), [vsfc_part, ind_part], args.neutral_bias)
    selection = HERE / "selection.json"
    if selection.is_file():
        chosen = json.loads(selection.read_text())
        metrics["selection"] = {k: chosen[k] for k in ("criterion", "best", "best_per_lstm_weight") if k in chosen}
    metrics["train_rows"] = {
        "vsfc_train_dev": len(vsfc["train"].rows) + len(vsfc["dev"].rows),
        "indomain_train": len(ind["train"].rows),
        "with_accent_stripped_copies": len(vsfc_part[0]) + len(ind_part[0]),
    }
    features = pipe.named_steps["features"].transformer_list
    metrics["features"] = {name: len(vec.vocabulary_) for name, vec in features}
    lstm = None
    if args.lstm_weight > 0:
        from models.sentiment.lstm import train_lstm

        metrics["splits_tfidf_only"] = report("tfidf-only", lambda t: list(pipe.predict(t)), eval_splits)
        lstm_started = time.time()
        lstm_ind = training_set([ind["train"]], weight=args.lstm_indomain_weight)
        lstm = train_lstm(
            vsfc_part[0] + lstm_ind[0], vsfc_part[1] + lstm_ind[1], vsfc_part[2] + lstm_ind[2], args.lstm_epochs, SEED
        )
        metrics["lstm_train_seconds"] = round(time.time() - lstm_started, 1)
        metrics["lstm_vocab"] = {"tokens": len(lstm.vocab.tokens), "folded": len(lstm.vocab.folded)}
    model = Ensemble(pipe, lstm, args.lstm_weight)
    metrics["splits"] = report("final", model.predict, eval_splits)
    if args.no_export:
        print(f"done in {time.time() - started:.0f}s (not exported)")
        return 0

    args.out_dir.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out_dir / f"{MODEL_NAME}.onnx"
    export_onnx(pipe, onnx_path, lstm, args.lstm_weight)
    metrics["size_bytes"] = onnx_path.stat().st_size
    reference: dict[str, np.ndarray] = {}
    metrics["agreement"] = check_agreement(
        model, onnx_path, [vsfc["test"], ind["test"], stripped(ind["test"])], reference=reference
    )
    # Training-framework probabilities of every test row: the CI test compares the shipped ONNX
    # with them without needing PyTorch.
    arrays: dict[str, Any] = {k: v.astype(np.float32) for k, v in reference.items()}
    np.savez_compressed(args.out_dir / REFERENCE_FILE, **arrays)
    metrics["latency"] = measure_latency(onnx_path, ind["test"].texts + vsfc["test"].texts[:600])
    metrics["train_seconds"] = round(time.time() - started, 1)
    print(f"model {onnx_path} {metrics['size_bytes'] / 1e6:.2f} MB; latency {metrics['latency']}")
    (args.out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    from models.sentiment.card import write_model_card

    write_model_card(args.out_dir / "MODEL_CARD.md", metrics)
    print(
        format_evaluation(evaluate(ind["test"].labels, model.predict([normalize_text(t) for t in ind["test"].texts])))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
