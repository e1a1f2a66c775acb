"""The shipped ONNX model: file, data hygiene, accuracy and F1 measured on the held-out test splits through
edge_agent's scorer, agreement with the training frameworks."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from edge_agent.core.sentiment import fold_diacritics, normalize_text

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "models" / "sentiment" / "data"
MODEL = ROOT / "models" / "sentiment" / "feedback_sentiment.onnx"

ort = pytest.importorskip("onnxruntime")


def _rows(name: str) -> list[tuple[str, str]]:
    from models.sentiment.make_corpus import read_tsv

    return read_tsv(DATA / name)


@pytest.fixture(scope="module")
def scorer():  # type: ignore[no-untyped-def]
    from edge_agent.sentiment.scorer import SentimentScorer

    return SentimentScorer()


def test_model_file_exists_and_is_at_most_10_mb() -> None:
    assert MODEL.is_file()
    assert MODEL.stat().st_size <= 10_000_000


def test_default_model_is_loaded_from_the_package(scorer) -> None:  # type: ignore[no-untyped-def]
    assert scorer.model_path.resolve() == MODEL.resolve()
    assert scorer.labels == ("negative", "neutral", "positive")


def test_missing_model_path_raises_file_not_found() -> None:
    from edge_agent.sentiment.scorer import SentimentScorer

    with pytest.raises(FileNotFoundError):
        SentimentScorer(ROOT / "no-such-model.onnx")


def test_indomain_test_set_is_large_and_disjoint_from_training() -> None:
    test = _rows("indomain_test.tsv")
    assert len(test) >= 400
    assert {label for label, _ in test} == {"negative", "neutral", "positive"}
    train_keys = set()
    for name in ("indomain_train.tsv", "indomain_dev.tsv"):
        for _, text in _rows(name):
            key = normalize_text(text)
            train_keys.update({key, fold_diacritics(key)})
    shared = [text for _, text in test if normalize_text(text) in train_keys]
    assert shared == []


def test_handwritten_dev_set_is_disjoint_from_train_generated_dev_and_test() -> None:
    hand = _rows("indomain_dev_handwritten.tsv")
    assert len(hand) >= 150
    assert {label for label, _ in hand} == {"negative", "neutral", "positive"}
    other = set()
    for name in ("indomain_train.tsv", "indomain_dev.tsv", "indomain_test.tsv"):
        for _, text in _rows(name):
            key = normalize_text(text)
            other.update({key, fold_diacritics(key)})
    keys = [normalize_text(text) for _, text in hand]
    assert [k for k in keys if k in other or fold_diacritics(k) in other] == []
    assert len(set(keys)) == len(keys)


@pytest.fixture(scope="module")
def held_out(scorer):  # type: ignore[no-untyped-def]
    """Every row of the held-out test splits, as ``models/sentiment/train.py`` builds them, scored by the
    shipped model through edge_agent's scorer: ``{split name: (split, results)}``."""
    from models.sentiment.data import VSFC_DIR, load_indomain, load_vsfc
    from models.sentiment.train import stripped

    assert (VSFC_DIR / "test").is_dir(), (
        f"UIT-VSFC not found at {VSFC_DIR}: the project's shared/ folder belongs beside the checkout "
        "(or set MOTCUA_VSFC_DIR)"
    )
    ind_test = load_indomain("test")
    splits = [load_vsfc("test"), ind_test, stripped(ind_test)]
    return {split.name: (split, scorer.score_many(split.texts)) for split in splits}


def _measured(held_out, name: str):  # type: ignore[no-untyped-def]
    from edge_agent.core.sentiment_metrics import evaluate

    split, results = held_out[name]
    return evaluate(split.labels, [r.label for r in results])


def test_uit_vsfc_test_accuracy_is_at_least_0_90(held_out) -> None:  # type: ignore[no-untyped-def]
    measured = _measured(held_out, "vsfc_test")
    assert measured.n == 3166
    assert measured.accuracy >= 0.90


def test_indomain_test_macro_f1_is_at_least_0_85(held_out) -> None:  # type: ignore[no-untyped-def]
    measured = _measured(held_out, "indomain_test")
    assert measured.n >= 400
    assert measured.macro_f1 >= 0.85


def test_indomain_test_without_diacritics_is_within_0_03(held_out) -> None:  # type: ignore[no-untyped-def]
    accented = _measured(held_out, "indomain_test")
    stripped = _measured(held_out, "indomain_test_no_diacritics")
    assert stripped.n == accented.n
    assert accented.macro_f1 - stripped.macro_f1 <= 0.03


def test_published_metrics_are_the_measured_ones(held_out) -> None:  # type: ignore[no-untyped-def]
    """metrics.json (and the model card and README made from it) states what the shipped model does."""
    import json

    metrics = json.loads((ROOT / "models" / "sentiment" / "metrics.json").read_text())
    assert metrics["size_bytes"] == MODEL.stat().st_size
    assert "indomain_dev_handwritten" in metrics["splits"]
    for name in held_out:
        measured = _measured(held_out, name)
        published = metrics["splits"][name]
        assert (measured.n, measured.accuracy, measured.macro_f1) == pytest.approx(
            (published["n"], published["accuracy"], published["macro_f1"]), abs=1e-9
        ), name


CLEAR = [
    ("Nhân viên rất nhiệt tình, làm nhanh gọn, cảm ơn nhiều!", "positive"),
    ("nhan vien rat nhiet tinh, lam nhanh gon, cam on nhieu", "positive"),
    ("Great service, the staff were very helpful 👍", "positive"),
    ("Chờ 3 tiếng, cán bộ cáu gắt, quá tệ 😡", "negative"),
    ("cho 3 tieng, can bo cau gat, qua te", "negative"),
    ("nv thai do ko tot, bat dan cho ca buoi", "negative"),
    ("Terrible, the clerk was rude and slow", "negative"),
    ("Cho hỏi làm giấy khai sinh cần mang những giấy tờ gì?", "neutral"),
    ("cho hoi lam giay khai sinh can mang nhung giay to gi?", "neutral"),
    ("Bình thường", "neutral"),
]


@pytest.mark.parametrize(("text", "label"), CLEAR)
def test_clear_comments_get_their_label(scorer, text: str, label: str) -> None:  # type: ignore[no-untyped-def]
    result = scorer.score(text)
    assert result.label == label, result
    assert result.score == max(result.probabilities.values())
    assert sum(result.probabilities.values()) == pytest.approx(1.0, abs=1e-4)


def test_nfc_and_nfd_input_score_the_same(scorer) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    text = "Thủ tục rườm rà, đi lại nhiều lần"
    a = scorer.score(unicodedata.normalize("NFC", text))
    b = scorer.score(unicodedata.normalize("NFD", text))
    assert a == b


def test_empty_comment_is_neutral(scorer) -> None:  # type: ignore[no-untyped-def]
    result = scorer.score("   ")
    assert (result.label, result.score, result.topics) == ("neutral", 1.0, ())


def test_score_many_matches_score(scorer) -> None:  # type: ignore[no-untyped-def]
    texts = [t for t, _ in CLEAR] + [""]
    assert scorer.score_many(texts) == [scorer.score(t) for t in texts]


def test_topics_come_with_the_result(scorer) -> None:  # type: ignore[no-untyped-def]
    result = scorer.score("Máy lấy số bị treo, phải chờ lâu")
    assert {"kiosk_technology", "waiting_time"} <= set(result.topics)


def test_score_async_runs_off_the_event_loop_thread(scorer) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    original = scorer.score

    def spy(text: str):  # type: ignore[no-untyped-def]
        seen.append(threading.get_ident())
        return original(text)

    async def main() -> tuple[int, object]:
        loop_thread = threading.get_ident()
        scorer.score = spy
        try:
            return loop_thread, await scorer.score_async("Rất hài lòng")
        finally:
            del scorer.score

    loop_thread, result = asyncio.run(main())
    assert seen
    assert seen[0] != loop_thread
    assert result.label == "positive"


def test_onnx_agrees_with_sklearn_on_every_test_row() -> None:
    """Retrain in-process (about a minute) only when explicitly asked; otherwise use metrics.json."""
    import json

    metrics = json.loads((ROOT / "models" / "sentiment" / "metrics.json").read_text())
    agreement = metrics["agreement"]
    assert set(agreement) >= {"vsfc_test", "indomain_test", "indomain_test_no_diacritics"}
    for figures in agreement.values():
        assert figures["label_disagreements"] == 0
        assert figures["max_abs_prob_diff"] <= 1e-4


def test_shipped_onnx_matches_the_training_frameworks_on_every_test_row(held_out) -> None:  # type: ignore[no-untyped-def]
    """The shipped graph (TF-IDF LR + BiLSTM) against the scikit-learn + PyTorch probabilities the
    training run stored for every row of both test sets; needs onnxruntime and numpy only."""
    import numpy as np

    from edge_agent.core.sentiment import LABELS
    from models.sentiment.train import REFERENCE_FILE

    reference = np.load(ROOT / "models" / "sentiment" / REFERENCE_FILE)
    assert set(reference.files) == set(held_out)
    for name, (split, results) in held_out.items():
        expected = reference[name]
        assert expected.shape == (len(split.rows), 3)
        for i, (text, result) in enumerate(zip(split.texts, results, strict=True)):
            if not normalize_text(text):
                continue
            got = np.array([result.probabilities[label] for label in LABELS])
            assert np.max(np.abs(got - expected[i])) <= 1e-4, (name, i, text)
            assert LABELS.index(result.label) == int(np.argmax(expected[i])), (name, i, text)


def test_export_path_agrees_with_sklearn_on_every_row_of_both_test_sets(tmp_path: Path) -> None:
    """Fit the shipped pipeline on a subset, export it the same way, compare on every test row."""
    pytest.importorskip("sklearn")
    pytest.importorskip("skl2onnx")
    from models.sentiment.data import Split, load_indomain, load_vsfc
    from models.sentiment.train import (
        build_pipeline,
        check_agreement,
        export_onnx,
        fit,
        stripped,
        training_set,
    )

    vsfc_train = load_vsfc("train")
    ind_train = load_indomain("train")
    small = [Split("vsfc_small", vsfc_train.rows[:2500]), Split("ind_small", ind_train.rows[:2500])]
    # A neutral-intercept shift as in the shipped model: it must survive the export too.
    pipe = fit(build_pipeline(max_word=20000, max_char=20000), [training_set(small)], neutral_bias=0.25)
    path = tmp_path / "small.onnx"
    export_onnx(pipe, path)
    ind_test = load_indomain("test")
    result = check_agreement(pipe, path, [load_vsfc("test"), ind_test, stripped(ind_test)])
    for figures in result.values():
        assert figures["label_disagreements"] == 0
        assert figures["max_abs_prob_diff"] <= 1e-4
