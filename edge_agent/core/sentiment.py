"""Pure sentiment logic: text normalisation, topic rules, rating/comment mismatch.

``normalize_text`` is the one function applied to a comment both when the model is trained
(``models/sentiment/train.py``) and when it is scored on a device (``edge_agent.sentiment``);
changing it means retraining the model (bump ``NORMALIZER_VERSION``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

__all__ = [
    "LABELS",
    "MISMATCH_THRESHOLD",
    "NORMALIZER_VERSION",
    "TOPICS",
    "Rating",
    "SentimentResult",
    "detect_topics",
    "fold_diacritics",
    "make_result",
    "normalize_text",
    "parse_rating",
    "rating_mismatch",
]

NORMALIZER_VERSION: Final = "1"
LABELS: Final[tuple[str, ...]] = ("negative", "neutral", "positive")
MISMATCH_THRESHOLD: Final = 0.8

# Emoticons first (before lower-casing: ":D" and "XD" differ from ":d"), longest first.
_POS_EMOTICONS: Final = (
    ":))))",
    ":)))",
    ":))",
    ":-)",
    ":)",
    ":D",
    ":-D",
    "=)",
    "^^",
    "^_^",
    "<3",
    ";)",
    ":P",
    ":p",
    "XD",
    "xD",
)
_NEG_EMOTICONS: Final = (":((((", ":(((", ":((", ":-(", ":(", ":'(", ">:(", ":/", "-_-", ":|", "=((", "=(")
_EMOTICON_RE: Final = re.compile(
    "|".join(re.escape(e) for e in sorted((*_POS_EMOTICONS, *_NEG_EMOTICONS), key=len, reverse=True))
)
_EMOTICON_TOKEN: Final = dict.fromkeys(_POS_EMOTICONS, " emopos ") | dict.fromkeys(_NEG_EMOTICONS, " emoneg ")

# Emoji: a few dozen that citizens actually type; the rest become spaces.
_POS_EMOJI: Final = "😀😃😄😁😆😊☺🙂😍🥰😘😇🤗👍👏💯❤💕💖💗💓🌹🌸🎉✨🙏💪🤩😎✅⭐🌟"
_NEG_EMOJI: Final = "😡😠🤬😤😞😔😟😢😭😩😫😒🙄😑😐😕☹🙁👎💔😓😖😣🤦🤮❌⏳⌛🐌"
_EMOJI_TOKEN: Final = dict.fromkeys(_POS_EMOJI, " emopos ") | dict.fromkeys(_NEG_EMOJI, " emoneg ")

# Texting abbreviations -> the written word (only whole tokens; "50k" stays "50k").
_ABBREVIATIONS: Final[Mapping[str, str]] = {
    "ko": "không",
    "k": "không",
    "kh": "không",
    "khg": "không",
    "hok": "không",
    "hông": "không",
    "kg": "không",
    "kô": "không",
    "hem": "không",
    "0k": "không",
    "dc": "được",
    "đc": "được",
    "dk": "được",
    "đx": "được",
    "dx": "được",
    "nv": "nhân viên",
    "nvien": "nhân viên",
    "cb": "cán bộ",
    "cbcc": "cán bộ công chức",
    "tks": "cảm ơn",
    "thks": "cảm ơn",
    "thx": "cảm ơn",
    "tk": "cảm ơn",
    "ths": "cảm ơn",
    "camon": "cảm ơn",
    "vs": "với",
    "j": "gì",
    "gi": "gì",
    "r": "rồi",
    "ng": "người",
    "ngta": "người ta",
    "mn": "mọi người",
    "bt": "bình thường",
    "bth": "bình thường",
    "bthg": "bình thường",
    "tthc": "thủ tục hành chính",
    "hs": "hồ sơ",
    "kq": "kết quả",
    "tg": "thời gian",
    "cx": "cũng",
    "cg": "cũng",
    "lm": "làm",
    "nhìu": "nhiều",
    "nhiu": "nhiều",
    "wa": "quá",
    "qá": "quá",
    "ntn": "như thế nào",
    "bn": "bao nhiêu",
    "bnhiu": "bao nhiêu",
    "mik": "mình",
    "mk": "mình",
    "oke": "ok",
    "okie": "ok",
    "okay": "ok",
    "oki": "ok",
    "okela": "ok",
    "ubnd": "ủy ban nhân dân",
    "ttdv": "trung tâm",
    "tt": "trung tâm",
    "dvc": "dịch vụ công",
}

_DIGITS_OR_LETTERS: Final = re.compile(r"[^\w?!]+")
_UNDERSCORE: Final = re.compile(r"_+")
_REPEATS: Final = re.compile(r"(\D)\1{2,}")  # "quáaaa" -> "quáa", "!!!!" -> "!!"


def normalize_text(text: str) -> str:
    """Return ``text`` NFC-normalised, lower-cased, emoji mapped, abbreviations expanded, space-joined.

    The output holds only word characters, ``?``, ``!`` and single spaces, so a plain ``[^ ]+``
    tokeniser splits it the same way in scikit-learn and in ONNX Runtime.
    """
    text = unicodedata.normalize("NFC", text)
    text = _EMOTICON_RE.sub(lambda m: _EMOTICON_TOKEN[m.group(0)], text)
    text = "".join(_EMOJI_TOKEN.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFC", text.lower())
    text = _REPEATS.sub(r"\1\1", text)
    text = text.replace("?", " ? ").replace("!", " ! ")
    text = _UNDERSCORE.sub(" ", _DIGITS_OR_LETTERS.sub(" ", text))
    tokens = [_ABBREVIATIONS.get(tok, tok) for tok in text.split()]
    return " ".join(tokens)


def fold_diacritics(text: str) -> str:
    """Return ``text`` with Vietnamese diacritics removed (``đ`` -> ``d``), NFC."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


# Topic rules: phrases matched on whole tokens of the folded, normalised text.  Folding merges
# words ("chờ"/"cho", "quát"/"quạt"), so ambiguous words appear only inside longer phrases.
_TOPIC_PHRASES: Final[Mapping[str, tuple[str, ...]]] = {
    "waiting_time": (
        "cho lau",
        "cho doi",
        "cho mai",
        "cho ca",
        "cho het",
        "cho tu",
        "cho den",
        "cho gan",
        "cho hon",
        "phai cho",
        "ngoi cho",
        "dung cho",
        "thoi gian cho",
        "cho qua lau",
        "xep hang",
        "hang dai",
        "doi lau",
        "doi mai",
        "lau qua",
        "qua lau",
        "rat lau",
        "lau lam",
        "mat ca",
        "mat nguyen",
        "cham qua",
        "qua cham",
        "rat cham",
        "xu ly cham",
        "cham tre",
        "cham chap",
        "tre hen",
        "tre han",
        "nhanh chong",
        "nhanh gon",
        "rat nhanh",
        "lam nhanh",
        "nhanh qua",
        "so thu tu",
        "luot",
        "goi so",
        "dong nguoi",
        "un u",
        "qua tai",
        "phut",
        "tieng dong ho",
        "ca buoi",
        "ca sang",
        "ca chieu",
        "wait",
        "waiting",
        "waited",
        "queue",
        "slow",
        "quick",
        "quickly",
        "fast",
        "delay",
        "delayed",
        "hours",
        "minutes",
        "line",
    ),
    "staff_attitude": (
        "nhan vien",
        "can bo",
        "cong chuc",
        "chuyen vien",
        "thai do",
        "nhiet tinh",
        "than thien",
        "vui ve",
        "niem no",
        "lich su",
        "chu dao",
        "tan tinh",
        "tan tam",
        "kien nhan",
        "nhe nhang",
        "kho chiu",
        "cau gat",
        "cau kinh",
        "hach dich",
        "coi thuong",
        "thieu ton trong",
        "loi lo",
        "bi quat",
        "quat thao",
        "quat nguoi",
        "quat toi",
        "quat em",
        "quat minh",
        "gat gong",
        "lanh lung",
        "tho o",
        "voi vang",
        "lam viec rieng",
        "noi chuyen rieng",
        "bam dien thoai",
        "choi dien thoai",
        "an sang",
        "vang mat",
        "bo di",
        "chi o quay",
        "anh o quay",
        "co o quay",
        "chu o quay",
        "chi nhan vien",
        "anh nhan vien",
        "huong dan tan",
        "giai thich",
        "phuc vu",
        "staff",
        "officer",
        "officers",
        "clerk",
        "clerks",
        "rude",
        "friendly",
        "helpful",
        "polite",
        "attitude",
        "impolite",
        "kind",
    ),
    "procedure_paperwork": (
        "ho so",
        "giay to",
        "thu tuc",
        "to khai",
        "bieu mau",
        "mau don",
        "ban sao",
        "chung thuc",
        "cong chung",
        "khai sinh",
        "khai tu",
        "ket hon",
        "ho khau",
        "tam tru",
        "thuong tru",
        "can cuoc",
        "cccd",
        "cmnd",
        "so do",
        "quyen su dung dat",
        "giay phep",
        "dang ky",
        "bo sung",
        "nop lai",
        "lam lai",
        "khai lai",
        "ruom ra",
        "lang nhang",
        "ra ra vao vao",
        "di lai nhieu lan",
        "rac roi",
        "phuc tap",
        "don gian",
        "quy trinh",
        "giay hen",
        "tra ket qua",
        "ket qua",
        "chu ky",
        "con dau",
        "dong dau",
        "paperwork",
        "form",
        "forms",
        "document",
        "documents",
        "procedure",
        "procedures",
        "certificate",
        "application",
    ),
    "facilities": (
        "nha ve sinh",
        "ve sinh",
        "toilet",
        "toilets",
        "wc",
        "cho ngoi",
        "ghe ngoi",
        "thieu ghe",
        "het ghe",
        "ghe cho",
        "hang ghe",
        "bai do xe",
        "bai xe",
        "gui xe",
        "do xe",
        "cho de xe",
        "parking",
        "dieu hoa",
        "may lanh",
        "quat tran",
        "quat may",
        "bat quat",
        "co quat",
        "nuoc uong",
        "nuoc loc",
        "phong cho",
        "sanh cho",
        "o sanh",
        "sanh chinh",
        "toa nha",
        "thang may",
        "loi di",
        "bac tam",
        "duong doc",
        "xe lan",
        "chat hep",
        "chat choi",
        "nong buc",
        "oi buc",
        "mui hoi",
        "sach se",
        "rat sach",
        "khong sach",
        "ban thiu",
        "co so vat chat",
        "khang trang",
        "rong rai",
        "thoang mat",
        "mat me",
        "bien chi dan",
        "building",
        "chairs",
        "seats",
        "air conditioning",
        "hot",
        "dirty",
        "clean",
    ),
    "kiosk_technology": (
        "kiosk",
        "ki ot",
        "ky ot",
        "may lay so",
        "lay so",
        "man hinh",
        "cam ung",
        "may in",
        "in phieu",
        "phieu so",
        "het giay",
        "ket giay",
        "may quet",
        "quet ma",
        "ma qr",
        "qr",
        "may tinh",
        "wifi",
        "mat mang",
        "rot mang",
        "loi mang",
        "mang cham",
        "mang yeu",
        "he thong",
        "phan mem",
        "loi he thong",
        "bi loi",
        "bi treo",
        "may treo",
        "treo may",
        "dich vu cong",
        "truc tuyen",
        "online",
        "website",
        "trang web",
        "cong thong tin",
        "app",
        "ung dung",
        "dang nhap",
        "vneid",
        "chu ky so",
        "loa",
        "loa goi",
        "bang dien tu",
        "printer",
        "screen",
        "touchscreen",
        "machine",
        "system",
        "crashed",
        "frozen",
        "internet",
    ),
    "fees_corruption": (
        "le phi",
        "thu phi",
        "mat phi",
        "tra phi",
        "nop phi",
        "dong phi",
        "phi dich vu",
        "phi cong chung",
        "phi cao",
        "phi bao nhieu",
        "chi phi",
        "thu them",
        "thu tien",
        "mat tien",
        "dua tien",
        "nop tien",
        "bao nhieu tien",
        "tien mat",
        "tien le phi",
        "boi duong",
        "phong bi",
        "hoi lo",
        "an hoi lo",
        "nhung nhieu",
        "tieu cuc",
        "vu vo",
        "dut lot",
        "bien lai",
        "chay ho so",
        "chay viec",
        "lot tay",
        "tien che nuoc",
        "tien ca phe",
        "qua cap",
        "co dich vu",
        "dich vu ngoai",
        "mien phi",
        "dat qua",
        "qua dat",
        "dat do",
        "gia re",
        "re qua",
        "bribe",
        "bribes",
        "bribery",
        "fee",
        "fees",
        "money",
        "charge",
        "charged",
        "corruption",
        "corrupt",
        "free",
    ),
}
TOPICS: Final[tuple[str, ...]] = tuple(_TOPIC_PHRASES)
_TOPIC_FOLDED: Final = {topic: tuple(f" {p} " for p in phrases) for topic, phrases in _TOPIC_PHRASES.items()}


# "3 tiếng", "hai tiếng", "40 phút", "cả tiếng": a duration is about waiting.
_DURATION_RE: Final = re.compile(r" (\d+|mot|hai|ba|bon|nam|may|ca|nua|hon \d+) (tieng|phut|gio dong ho|buoi|ngay) ")


def detect_topics(text: str) -> tuple[str, ...]:
    """Return the topic tags whose keyword phrases occur in ``text`` (any case, any diacritics)."""
    padded = f" {fold_diacritics(normalize_text(text))} "
    found = [topic for topic, phrases in _TOPIC_FOLDED.items() if any(p in padded for p in phrases)]
    if "waiting_time" not in found and _DURATION_RE.search(padded):
        found.insert(0, "waiting_time")
    return tuple(found)


class Rating(StrEnum):
    """The four-point satisfaction scale shown on the kiosk after service."""

    VERY_SATISFIED = "very_satisfied"  # Rất hài lòng
    SATISFIED = "satisfied"  # Hài lòng
    NEUTRAL = "neutral"  # Bình thường
    DISSATISFIED = "dissatisfied"  # Không hài lòng


_RATING_WORDS: Final[Mapping[str, Rating]] = {
    "rat hai long": Rating.VERY_SATISFIED,
    "hai long": Rating.SATISFIED,
    "binh thuong": Rating.NEUTRAL,
    "khong hai long": Rating.DISSATISFIED,
}


def parse_rating(value: str | Rating) -> Rating:
    """Return the rating for a code (``satisfied``) or a Vietnamese label (``Hài lòng``); else ValueError."""
    if isinstance(value, Rating):
        return value
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Rating(key)
    except ValueError:
        pass
    folded = " ".join(fold_diacritics(value).lower().split())
    if folded in _RATING_WORDS:
        return _RATING_WORDS[folded]
    raise ValueError(f"unknown rating {value!r}")


@dataclass(frozen=True, slots=True)
class SentimentResult:
    """A scored comment: the label, its probability, every class probability and the topic tags."""

    label: str
    score: float
    probabilities: Mapping[str, float] = field(default_factory=dict)
    topics: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Return the JSON-ready form ``{"label", "score", "probabilities", "topics"}``."""
        return {
            "label": self.label,
            "score": self.score,
            "probabilities": dict(self.probabilities),
            "topics": list(self.topics),
        }


def make_result(text: str, probabilities: Mapping[str, float]) -> SentimentResult:
    """Build the result for ``text`` from class probabilities: the arg-max label and the topics."""
    if not probabilities:
        raise ValueError("no probabilities")
    label = max(LABELS, key=lambda name: probabilities.get(name, 0.0))
    rounded = {name: float(probabilities.get(name, 0.0)) for name in LABELS}
    topics = detect_topics(text)
    return SentimentResult(label=label, score=rounded[label], probabilities=rounded, topics=topics)


def rating_mismatch(rating: str | Rating, result: SentimentResult, threshold: float = MISMATCH_THRESHOLD) -> bool:
    """True when the comment contradicts the rating and a manager should review it.

    A confidently negative comment (p >= ``threshold``) with "Rất hài lòng"/"Hài lòng", or a
    confidently positive one with "Không hài lòng".  "Bình thường" never mismatches.
    """
    parsed = parse_rating(rating)
    negative = result.probabilities.get("negative", result.score if result.label == "negative" else 0.0)
    positive = result.probabilities.get("positive", result.score if result.label == "positive" else 0.0)
    if parsed in (Rating.VERY_SATISFIED, Rating.SATISFIED):
        return negative >= threshold
    if parsed is Rating.DISSATISFIED:
        return positive >= threshold
    return False
