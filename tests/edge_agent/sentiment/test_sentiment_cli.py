"""``motcua sentiment score`` / ``eval`` through configure(parser) + run(args), and as a subprocess."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("onnxruntime")

from edge_agent.sentiment.cli import configure, run

ROOT = Path(__file__).resolve().parents[3]


def _run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="motcua sentiment")
    configure(parser)
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    code = run(args, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_score_writes_one_json_object_per_input_line() -> None:
    code, out, _ = _run(["score"], "Nhân viên rất nhiệt tình 👍\n\nchờ 3 tiếng, quá tệ\nCho hỏi mấy giờ mở cửa?\n")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["label"] for d in lines] == ["positive", "neutral", "negative", "neutral"]
    assert lines[1] == {"label": "neutral", "score": 1.0, "topics": []}  # blank line -> neutral
    assert set(lines[0]) == {"label", "score", "topics"}
    assert 0.0 <= lines[0]["score"] <= 1.0
    assert "waiting_time" in lines[2]["topics"]


def test_score_keeps_vietnamese_unescaped() -> None:
    code, out, _ = _run(["score", "--probabilities"], "nv cáu gắt\n")
    assert code == 0
    assert "\\u" not in out
    assert set(json.loads(out)["probabilities"]) == {"negative", "neutral", "positive"}


def test_eval_prints_metrics_and_reports_bad_lines(tmp_path: Path) -> None:
    data = tmp_path / "eval.tsv"
    data.write_text(
        "label\ttext\n"
        "positive\tCán bộ rất nhiệt tình, cảm ơn\n"
        "negative\tChờ cả buổi, quá tệ\n"
        "happy\tunknown label here\n"
        "no tab on this line\n"
        "neutral\t\n"
        "neutral\tCho hỏi lệ phí bao nhiêu?\n",
        encoding="utf-8",
    )
    code, out, err = _run(["eval", str(data)])
    assert code == 0
    assert "accuracy: 1.0000" in out
    assert "macro-F1" in out
    assert "confusion matrix" in out
    assert "bad lines skipped: 3" in out
    assert f"{data}:4:" in err
    assert f"{data}:5:" in err
    assert f"{data}:6:" in err


def test_eval_json_output(tmp_path: Path) -> None:
    data = tmp_path / "eval.tsv"
    data.write_text("negative\tnv quát tháo người dân\npositive\tnhanh gọn, hài lòng\n", encoding="utf-8")
    code, out, _ = _run(["eval", str(data), "--json"])
    assert code == 0
    figures = json.loads(out)
    assert figures["n"] == 2
    assert figures["confusion"][0][0] == 1


def test_eval_missing_file_and_empty_file_fail_cleanly(tmp_path: Path) -> None:
    code, _, err = _run(["eval", str(tmp_path / "missing.tsv")])
    assert code == 2
    assert "cannot read" in err
    empty = tmp_path / "empty.tsv"
    empty.write_text("label\ttext\n", encoding="utf-8")
    code, _, err = _run(["eval", str(empty)])
    assert code == 1
    assert "no valid rows" in err


def test_missing_model_and_missing_subcommand_exit_2(tmp_path: Path) -> None:
    code, _, err = _run(["--model", str(tmp_path / "none.onnx"), "score"], "x\n")
    assert code == 2
    assert "not found" in err
    code, _, _ = _run([])
    assert code == 2


def test_score_as_a_subprocess() -> None:
    code = "import sys; from edge_agent.sentiment.cli import main; sys.exit(main(['score']))"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        input="Rất hài lòng, cảm ơn các anh chị\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["label"] == "positive"
