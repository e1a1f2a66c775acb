"""Pure sentiment core: normalisation, topic rules, rating mismatch, metrics."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from edge_agent.core.sentiment import (
    Rating,
    SentimentResult,
    detect_topics,
    fold_diacritics,
    make_result,
    normalize_text,
    parse_rating,
    rating_mismatch,
)
from edge_agent.core.sentiment_metrics import evaluate, format_evaluation


def test_normalize_is_nfc_lowercase_and_single_spaced() -> None:
    decomposed = unicodedata.normalize("NFD", "Nhân Viên   RẤT nhiệt tình!")
    out = normalize_text(decomposed)
    assert out == "nhân viên rất nhiệt tình !"
    assert unicodedata.is_normalized("NFC", out)


def test_normalize_maps_emoticons_and_emoji() -> None:
    assert normalize_text("tốt :) 👍") == "tốt emopos emopos"
    assert normalize_text("chán :( 😡") == "chán emoneg emoneg"
    assert normalize_text("Tuyệt :D") == "tuyệt emopos"


def test_normalize_expands_abbreviations_as_whole_tokens_only() -> None:
    assert normalize_text("nv ko nhiệt tình, đc cái nhanh, tks") == "nhân viên không nhiệt tình được cái nhanh cảm ơn"
    assert normalize_text("phí 50k") == "phí 50k"


def test_normalize_output_splits_the_same_on_spaces() -> None:
    out = normalize_text("Chờ\tlâu…\n(2 tiếng) -- quá_tệ???")
    assert "  " not in out
    assert out == " ".join(out.split())
    assert "_" not in out


def test_normalize_empty_and_symbol_only_text() -> None:
    assert normalize_text("") == ""
    assert normalize_text("  ...  ") == ""


def test_fold_diacritics_strips_vietnamese_marks() -> None:
    assert fold_diacritics("Đợi rất lâu, thủ tục rườm rà") == "Doi rat lau, thu tuc ruom ra"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Phải chờ hơn 2 tiếng mới tới lượt", "waiting_time"),
        ("phai cho hon 2 tieng moi toi luot", "waiting_time"),
        ("waited 3 hours in the queue", "waiting_time"),
        ("Nhân viên thái độ khó chịu", "staff_attitude"),
        ("nv thai do kho chiu", "staff_attitude"),
        ("the clerk was rude", "staff_attitude"),
        ("Thủ tục rườm rà, bắt bổ sung giấy tờ", "procedure_paperwork"),
        ("thu tuc ruom ra, bat bo sung giay to", "procedure_paperwork"),
        ("bắt nộp lại hs", "procedure_paperwork"),
        ("Nhà vệ sinh bẩn, không có chỗ ngồi", "facilities"),
        ("nha ve sinh ban, bai gui xe chat", "facilities"),
        ("Máy lấy số bị treo, máy in hết giấy", "kiosk_technology"),
        ("cong dich vu cong loi, ko dang nhap dc", "kiosk_technology"),
        ("Bị gợi ý bồi dưỡng, thu thêm phí", "fees_corruption"),
        ("phai dua phong bi moi dc lam", "fees_corruption"),
        ("they asked for a bribe", "fees_corruption"),
    ],
)
def test_topic_rules_with_and_without_diacritics(text: str, topic: str) -> None:
    assert topic in detect_topics(text)


def test_topics_ignore_folded_homographs() -> None:
    # "thuận tiện" folds to "thuan tien", "so sánh" to "so sanh": neither is a fee or the hall.
    assert detect_topics("Rất thuận tiện, so sánh với năm ngoái thì hơn") == ()
    assert detect_topics("bình thường") == ()


def test_topics_several_at_once() -> None:
    topics = detect_topics("Chờ lâu quá, nv cáu gắt, lại còn thu thêm phí")
    assert set(topics) >= {"waiting_time", "staff_attitude", "fees_corruption"}


def _result(neg: float, neu: float, pos: float) -> SentimentResult:
    return make_result("x", {"negative": neg, "neutral": neu, "positive": pos})


@pytest.mark.parametrize("rating", ["very_satisfied", "satisfied", "Rất hài lòng", "Hài lòng", "hai long"])
def test_confident_negative_comment_with_high_rating_is_flagged(rating: str) -> None:
    assert rating_mismatch(rating, _result(0.85, 0.1, 0.05))
    assert not rating_mismatch(rating, _result(0.7, 0.2, 0.1))


def test_confident_positive_comment_with_dissatisfied_is_flagged() -> None:
    assert rating_mismatch("dissatisfied", _result(0.05, 0.1, 0.85))
    assert rating_mismatch("Không hài lòng", _result(0.0, 0.2, 0.8))
    assert not rating_mismatch(Rating.DISSATISFIED, _result(0.9, 0.05, 0.05))


def test_neutral_rating_never_mismatches() -> None:
    assert not rating_mismatch("neutral", _result(0.99, 0.0, 0.01))
    assert not rating_mismatch("Bình thường", _result(0.0, 0.0, 1.0))


def test_unknown_rating_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown rating"):
        parse_rating("5 stars")


def test_make_result_picks_argmax_and_topics() -> None:
    result = make_result("nv cau gat", {"negative": 0.7, "neutral": 0.2, "positive": 0.1})
    assert (result.label, result.score) == ("negative", 0.7)
    assert result.topics == ("staff_attitude",)
    assert result.as_dict()["topics"] == ["staff_attitude"]


def test_metrics_accuracy_f1_and_confusion() -> None:
    ev = evaluate(["negative", "neutral", "positive", "positive"], ["negative", "positive", "positive", "positive"])
    assert ev.accuracy == 0.75
    assert ev.f1["neutral"] == 0.0
    assert ev.f1["positive"] == pytest.approx(0.8)
    assert ev.confusion == ((1, 0, 0), (0, 0, 1), (0, 0, 2))
    assert "macro-F1" in format_evaluation(ev)


def test_core_modules_import_no_heavy_dependencies() -> None:
    code = (
        "import sys, edge_agent.core.sentiment, edge_agent.core.sentiment_metrics;"
        "bad = {'onnxruntime', 'sklearn', 'sqlite3', 'paho', 'numpy', 'fastapi', 'kivy'} & set(sys.modules);"
        "print(sorted(bad)); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_encode_tokens_maps_exact_and_folded_spellings() -> None:
    from edge_agent.core.sentiment_tokens import UNK_ID, TokenVocab, encode_tokens

    vocab = TokenVocab(["chờ", "lâu", "quá"], ["cho", "lau", "qua"])
    assert encode_tokens("chờ lâu quá", vocab) == ([2, 3, 4], [2, 3, 4])
    assert encode_tokens("cho lau qua", vocab) == ([UNK_ID] * 3, [2, 3, 4])
    assert encode_tokens("", vocab) == ([UNK_ID], [UNK_ID])
    assert len(encode_tokens(" ".join(["chờ"] * 100), vocab)[0]) == 64
    again = TokenVocab.from_metadata(vocab.to_metadata())
    assert (again.tokens, again.folded) == (vocab.tokens, vocab.folded)
