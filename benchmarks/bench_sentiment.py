"""Latency and memory of on-device sentiment scoring: ``python benchmarks/bench_sentiment.py``.

Scores every comment of the hand-written in-domain test set one at a time with one intra-op
thread (as a kiosk does) and prints p50/p99 latency per comment (normalise + token ids + topics +
ONNX, both branches of the model) and the resident set size of this process, before and after
loading the model, and its peak.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb(field: str = "VmRSS") -> float:
    """Current (``VmRSS``) or peak (``VmHWM``) resident set size in MB (Linux /proc), else peak RSS."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="passes over the comments")
    parser.add_argument("--model", type=Path, default=None, help="ONNX model (default: shipped)")
    args = parser.parse_args()

    rss_start = rss_mb()
    from edge_agent.sentiment.scorer import SentimentScorer

    texts = [
        line.split("\t", 1)[1]
        for line in (ROOT / "models/sentiment/data/indomain_test.tsv").read_text(encoding="utf-8").splitlines()[1:]
        if "\t" in line
    ]
    started = time.perf_counter()
    scorer = SentimentScorer(args.model)
    load_ms = (time.perf_counter() - started) * 1000
    rss_loaded = rss_mb()
    for text in texts[:20]:  # warm-up
        scorer.score(text)
    times = []
    for _ in range(args.repeats):
        for text in texts:
            t0 = time.perf_counter()
            scorer.score(text)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"model: {scorer.model_path} ({scorer.model_path.stat().st_size / 1e6:.2f} MB), load {load_ms:.0f} ms")
    print(f"comments: {len(texts)} x {args.repeats} = {len(times)} calls, one intra-op thread")
    print(f"latency per comment: p50 {p50:.3f} ms, p99 {p99:.3f} ms, mean {statistics.fmean(times):.3f} ms")
    print(
        f"RSS: {rss_start:.1f} MB at start, {rss_loaded:.1f} MB after loading, {rss_mb():.1f} MB after scoring, "
        f"peak {rss_mb('VmHWM'):.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
