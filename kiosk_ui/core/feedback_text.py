"""Every text of the counter-side feedback tablet, Vietnamese first, English second (one catalogue)."""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["MESSAGES", "SCALE_LABELS", "UiLang", "message", "scale_label"]

UiLang = Literal["vi", "en"]

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "title": ("Đánh giá mức độ hài lòng", "Rate our service"),
    "lang_switch": ("English", "Tiếng Việt"),
    "idle_title": ("Xin kính chào quý khách", "Welcome"),
    "idle_body": (
        "Sau khi được phục vụ, xin quý khách dành ít giây đánh giá tại đây.",
        "After your visit, please take a few seconds to rate us here.",
    ),
    "served": (
        "Quý khách vừa được phục vụ với số {number} — xin đánh giá",
        "You were just served: ticket {number} — please rate us",
    ),
    "overall": ("Quý khách hài lòng thế nào với lần làm thủ tục này?", "How satisfied are you with this visit?"),
    "criteria": ("Theo từng tiêu chí (không bắt buộc)", "Each aspect (optional)"),
    "comment_button": ("Viết góp ý", "Write a comment"),
    "comment_edit": ("Sửa góp ý", "Edit comment"),
    "comment_title": ("Góp ý của quý khách (không bắt buộc)", "Your comment (optional)"),
    "comment_hint": (
        "Gõ kiểu Telex: aa = â, aw = ă, dd = đ, ow = ơ; dấu: s sắc, f huyền, r hỏi, x ngã, j nặng",
        "Telex typing: aa = â, aw = ă, dd = đ, ow = ơ; tones: s f r x j",
    ),
    "comment_count": ("{count}/{limit} ký tự", "{count}/{limit} characters"),
    "keyboard_telex": ("Telex", "Telex"),
    "keyboard_plain": ("Không dấu", "Plain"),
    "space": ("Dấu cách", "Space"),
    "backspace": ("Xoá", "Delete"),
    "comment_done": ("Xong", "Done"),
    "submit": ("Gửi đánh giá", "Send"),
    "need_rating": ("Xin chọn một mức đánh giá", "Please choose a rating"),
    "sending": ("Đang gửi…", "Sending…"),
    "thanks_title": ("Xin cảm ơn quý khách!", "Thank you!"),
    "thanks_body": (
        "Ý kiến của quý khách giúp chúng tôi phục vụ ngày càng tốt hơn.",
        "Your opinion helps us serve you better.",
    ),
    "offline": ("Mất kết nối máy chủ, xin thử lại", "Cannot reach the server, please try again"),
    "counter": ("Quầy {counter}", "Counter {counter}"),
}

SCALE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "very_satisfied": ("Rất hài lòng", "Very satisfied"),
    "satisfied": ("Hài lòng", "Satisfied"),
    "neutral": ("Bình thường", "Neutral"),
    "dissatisfied": ("Không hài lòng", "Dissatisfied"),
}


def message(key: str, lang: UiLang, **fields: object) -> str:
    """The text ``key`` in ``lang``, with ``{fields}`` filled in."""
    vi, en = MESSAGES[key]
    text = vi if lang == "vi" else en
    return text.format(**fields) if fields else text


def scale_label(code: str, lang: UiLang) -> str:
    """The label of a point of the satisfaction scale."""
    vi, en = SCALE_LABELS[code]
    return vi if lang == "vi" else en
