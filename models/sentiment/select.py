"""Choose the sentiment model's hyper-parameters on the dev splits: ``python -m models.sentiment.select``.

Fits the ``train.build_pipeline`` features once on UIT-VSFC train + the generated in-domain train
split (each with accent-stripped copies), then a logistic regression for every (in-domain weight,
C) pair, and scores every neutral-intercept shift on

- UIT-VSFC dev (accuracy and macro-F1),
- the hand-written in-domain dev split (``data/indomain_dev_handwritten.tsv``, macro-F1),
- the generated in-domain dev split (reported, not used: it comes from the training generator).

The criterion is the mean of UIT-VSFC dev accuracy, UIT-VSFC dev macro-F1 and hand-written dev
macro-F1.  With ``--with-lstm`` the BiLSTM branch (``lstm.py``, in-domain weight
``train.DEFAULTS["lstm_indomain_weight"]``) is trained once on the same rows and every averaging weight is scored too.
No test split is loaded.  Writes ``selection.json`` beside this file; copy the winner
into ``train.DEFAULTS``.  Takes a few minutes on two cores.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone

from edge_agent.core.sentiment import fold_diacritics, normalize_text
from edge_agent.core.sentiment_metrics import evaluate
from models.sentiment.data import Split, load_indomain, load_vsfc
from models.sentiment.train import build_pipeline, training_set

HERE = Path(__file__).resolve().parent
GRID_C = (4.0, 8.0, 16.0)
GRID_INDOMAIN_WEIGHT = (1.0, 2.0)
GRID_NEUTRAL_BIAS = (-0.25, 0.0, 0.25, 0.5, 0.75)
GRID_LSTM_WEIGHT = (0.0, 0.2, 0.3, 0.4, 0.5)  # 0.0 only without --with-lstm
VSFC_FOLD_WEIGHT = 0.3


def _shift(probs: np.ndarray, classes: list[str], bias: float) -> np.ndarray:
    """Probabilities after adding ``bias`` to the neutral logit (what ``train.fit`` does)."""
    out: np.ndarray = probs.copy()
    out[:, classes.index("neutral")] *= np.exp(bias)
    return np.asarray(out / out.sum(axis=1, keepdims=True))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the grid and write ``selection.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "selection.json")
    parser.add_argument("--with-lstm", action="store_true", help="also train the BiLSTM branch (needs torch)")
    args = parser.parse_args(argv)
    started = time.time()

    vsfc_dev = load_vsfc("dev")
    hand = load_indomain("dev_handwritten")
    dev_splits = {
        "vsfc_dev": vsfc_dev,
        "indomain_dev_handwritten": hand,
        "indomain_dev_handwritten_no_diacritics": Split(
            "hw_nd", [(label, fold_diacritics(t)) for label, t in hand.rows]
        ),
        "indomain_dev": load_indomain("dev"),
    }
    vsfc_part = training_set([load_vsfc("train")], fold_weight=VSFC_FOLD_WEIGHT)
    ind_texts, ind_labels, ind_w = training_set([load_indomain("train")])
    x = vsfc_part[0] + ind_texts
    y = vsfc_part[1] + ind_labels
    pipe = build_pipeline()
    features = pipe.named_steps["features"].fit_transform(x)
    dev_x = {
        k: pipe.named_steps["features"].transform([normalize_text(t) for t in s.texts]) for k, s in dev_splits.items()
    }
    print(f"features {features.shape} in {time.time() - started:.0f}s", flush=True)
    lstm_probs: dict[str, np.ndarray] = {}
    lstm_weights: tuple[float, ...] = (0.0,)
    if args.with_lstm:
        from models.sentiment.lstm import train_lstm
        from models.sentiment.train import DEFAULTS, SEED

        all_w = vsfc_part[2] + [v * DEFAULTS["lstm_indomain_weight"] for v in ind_w]
        lstm = train_lstm(x, y, all_w, int(DEFAULTS["lstm_epochs"]), SEED)
        lstm_probs = {k: lstm.predict_proba([normalize_text(t) for t in s.texts]) for k, s in dev_splits.items()}
        lstm_weights = GRID_LSTM_WEIGHT

    results: list[dict[str, Any]] = []
    for iw, c in itertools.product(GRID_INDOMAIN_WEIGHT, GRID_C):
        w = np.array(vsfc_part[2] + [v * iw for v in ind_w])
        clf = clone(pipe.named_steps["clf"]).set_params(C=c).fit(features, y, sample_weight=w)
        classes = [str(k) for k in clf.classes_]
        probs = {k: clf.predict_proba(m) for k, m in dev_x.items()}
        for bias, lw in itertools.product(GRID_NEUTRAL_BIAS, lstm_weights):
            row: dict[str, Any] = {"indomain_weight": iw, "c": c, "neutral_bias": bias, "lstm_weight": lw}
            for k, split in dev_splits.items():
                p = _shift(probs[k], classes, bias)
                if lw:
                    p = (1 - lw) * p + lw * lstm_probs[k]
                pred = [classes[i] for i in p.argmax(axis=1)]
                ev = evaluate(split.labels, pred)
                row[k] = {"accuracy": ev.accuracy, "macro_f1": ev.macro_f1, "f1_neutral": ev.f1["neutral"]}
            row["criterion"] = float(
                np.mean(
                    [
                        row["vsfc_dev"]["accuracy"],
                        row["vsfc_dev"]["macro_f1"],
                        row["indomain_dev_handwritten"]["macro_f1"],
                    ]
                )
            )
            results.append(row)
            print(
                f"iw={iw} C={c} bias={bias:+.2f} lstm={lw:.1f}  crit={row['criterion']:.4f}  "
                f"vsfc_dev acc={row['vsfc_dev']['accuracy']:.4f} mF1={row['vsfc_dev']['macro_f1']:.4f} "
                f"neuF1={row['vsfc_dev']['f1_neutral']:.3f}  "
                f"hand mF1={row['indomain_dev_handwritten']['macro_f1']:.4f} "
                f"(stripped {row['indomain_dev_handwritten_no_diacritics']['macro_f1']:.4f})  "
                f"gen dev mF1={row['indomain_dev']['macro_f1']:.4f}",
                flush=True,
            )
    best = max(results, key=lambda r: r["criterion"])
    keys = ("indomain_weight", "c", "neutral_bias", "lstm_weight", "criterion")
    print(f"best: {json.dumps({k: best[k] for k in keys})}")
    for lw in lstm_weights:
        top = max((r for r in results if r["lstm_weight"] == lw), key=lambda r: r["criterion"])
        print(f"best with lstm_weight={lw}: {json.dumps({k: top[k] for k in keys})}")
    per_weight = [
        max((r for r in results if r["lstm_weight"] == lw), key=lambda r: r["criterion"]) for lw in lstm_weights
    ]
    out: dict[str, Any] = {
        "criterion": "mean(vsfc_dev accuracy, vsfc_dev macro-F1, hand-written dev macro-F1)",
        "best": best,
        "best_per_lstm_weight": per_weight,
        "grid": results,
        "seconds": round(time.time() - started, 1),
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
