"""``motcua sentiment``: score comments from stdin, or evaluate the model on a labelled TSV file.

``score``: one comment per line on stdin -> one JSON object per line on stdout,
``{"label": ..., "score": <probability of that label>, "topics": [...]}``.  A blank line gives a
neutral result with score 1.0 (so output line N always answers input line N).

``eval FILE``: ``label<TAB>text`` lines (labels as words; a ``label<TAB>text`` header is skipped);
prints accuracy, macro-F1, per-class F1 and the confusion matrix.  Bad lines are reported with
their line number on stderr and skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from edge_agent.core.sentiment import LABELS
from edge_agent.core.sentiment_metrics import evaluate, format_evaluation

if TYPE_CHECKING:
    from edge_agent.sentiment.scorer import SentimentScorer


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``score`` and ``eval`` sub-commands to ``parser``."""
    parser.add_argument("--model", type=Path, default=None, help="ONNX model file (default: the shipped model)")
    parser.add_argument("--threads", type=int, default=1, help="ONNX Runtime intra-op threads (default 1)")
    sub = parser.add_subparsers(dest="sentiment_command", metavar="{score,eval}")
    score = sub.add_parser("score", help="score one comment per line from stdin, JSON lines on stdout")
    score.add_argument("--probabilities", action="store_true", help="also print every class probability")
    ev = sub.add_parser("eval", help="evaluate on a label<TAB>text file")
    ev.add_argument("file", type=Path, help="TSV file: label<TAB>text, labels negative/neutral/positive")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")


def _scorer(args: argparse.Namespace) -> SentimentScorer:
    from edge_agent.sentiment.scorer import SentimentScorer

    return SentimentScorer(args.model, intra_op_threads=args.threads)


def _score(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    scorer = _scorer(args)
    for line in stdin:
        result = scorer.score(line.rstrip("\r\n"))
        out: dict[str, object] = {"label": result.label, "score": round(result.score, 6), "topics": list(result.topics)}
        if args.probabilities:
            out["probabilities"] = {k: round(v, 6) for k, v in result.probabilities.items()}
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def read_labelled(path: Path, stderr: TextIO) -> tuple[list[str], list[str], int]:
    """Read ``label<TAB>text`` rows; return labels, texts and the number of bad lines reported."""
    labels: list[str] = []
    texts: list[str] = []
    bad = 0
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or (number == 1 and line.strip().lower() == "label\ttext"):
                continue
            label, tab, text = line.partition("\t")
            label = label.strip().lower()
            problem = None
            if not tab:
                problem = "no TAB between label and text"
            elif label not in LABELS:
                problem = f"unknown label {label!r} (expected one of {', '.join(LABELS)})"
            elif not text.strip():
                problem = "empty text"
            if problem:
                bad += 1
                print(f"{path}:{number}: skipped: {problem}", file=stderr)
                continue
            labels.append(label)
            texts.append(text)
    return labels, texts, bad


def _eval(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        gold, texts, bad = read_labelled(args.file, stderr)
    except OSError as exc:
        print(f"cannot read {args.file}: {exc}", file=stderr)
        return 2
    if not gold:
        print(f"{args.file}: no valid rows", file=stderr)
        return 1
    scorer = _scorer(args)
    predicted = [r.label for r in scorer.score_many(texts)]
    ev = evaluate(gold, predicted)
    if args.json:
        stdout.write(json.dumps({**ev.as_dict(), "bad_lines": bad}, ensure_ascii=False) + "\n")
    else:
        stdout.write(format_evaluation(ev) + "\n")
        if bad:
            stdout.write(f"bad lines skipped: {bad}\n")
    return 0


def run(
    args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the chosen sub-command; return the process exit code."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    command = getattr(args, "sentiment_command", None)
    try:
        if command == "score":
            return _score(args, stdin, stdout)
        if command == "eval":
            return _eval(args, stdout, stderr)
    except FileNotFoundError as exc:
        print(str(exc), file=stderr)
        return 2
    print("usage: motcua sentiment {score,eval} ... (see --help)", file=stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m edge_agent.sentiment.cli score < comments.txt``."""
    parser = argparse.ArgumentParser(prog="motcua sentiment", description=__doc__.splitlines()[0])
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
