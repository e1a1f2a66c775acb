"""What is wrong with a field of a request, said in Vietnamese (pydantic says it only in English).

``describe_vi`` takes one pydantic error (``type``, ``ctx``) and returns a short Vietnamese phrase; the
API puts it next to the English message, so a kiosk or console can show the citizen or clerk how to
fix the input in their language. Unknown error types fall back to a general phrase, never English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["FIELD_NAMES_VI", "describe_vi", "field_vi"]

_PHRASES: dict[str, str] = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "trường này không được phép",
    "string_type": "phải là chuỗi ký tự",
    "string_too_short": "quá ngắn (ít nhất {min_length} ký tự)",
    "string_too_long": "quá dài (tối đa {max_length} ký tự)",
    "string_pattern_mismatch": "sai định dạng",
    "too_short": "quá ít phần tử (ít nhất {min_length})",
    "too_long": "quá nhiều phần tử (tối đa {max_length})",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "bool_type": "phải là đúng/sai (true/false)",
    "bool_parsing": "phải là đúng/sai (true/false)",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải không quá {le}",
    "literal_error": "phải là một trong: {expected}",
    "enum": "phải là một trong: {expected}",
    "date_type": "phải là ngày (YYYY-MM-DD)",
    "date_parsing": "phải là ngày (YYYY-MM-DD)",
    "date_from_datetime_parsing": "phải là ngày (YYYY-MM-DD)",
    "datetime_type": "phải là thời điểm (ISO 8601)",
    "datetime_parsing": "phải là thời điểm (ISO 8601)",
    "datetime_from_date_parsing": "phải là thời điểm (ISO 8601)",
    "timezone_aware": "thời điểm phải có múi giờ",
    "uuid_parsing": "phải là mã UUID",
    "uuid_type": "phải là mã UUID",
    "dict_type": "phải là một đối tượng JSON",
    "model_type": "phải là một đối tượng JSON",
    "model_attributes_type": "phải là một đối tượng JSON",
    "list_type": "phải là một danh sách",
    "json_invalid": "JSON không hợp lệ",
    "json_type": "JSON không hợp lệ",
    "none_required": "phải để trống",
    "url_parsing": "phải là địa chỉ URL",
    "url_scheme": "địa chỉ URL có giao thức không được hỗ trợ",
}

FIELD_NAMES_VI: dict[str, str] = {
    "body": "nội dung",
    "query": "tham số",
    "path": "đường dẫn",
    "header": "tiêu đề",
}


def describe_vi(error_type: str, ctx: Mapping[str, Any] | None = None) -> str:
    """The Vietnamese phrase for one pydantic error type, with its limits filled in."""
    phrase = _PHRASES.get(error_type)
    if phrase is None:
        return "giá trị không hợp lệ"
    values = {key: _show(value) for key, value in (ctx or {}).items()}
    try:
        return phrase.format(**values)
    except (KeyError, IndexError, ValueError):  # a limit pydantic did not give: drop the detail
        return phrase.split(" (")[0].split(": ")[0]


def field_vi(loc: list[str]) -> str:
    """Where the error is, e.g. ``nội dung.service`` for ``body.service``."""
    if not loc:
        return "yêu cầu"
    head = FIELD_NAMES_VI.get(loc[0], loc[0])
    return ".".join([head, *loc[1:]])


def _show(value: Any) -> str:
    return str(value).replace("'", "")
