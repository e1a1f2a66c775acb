"""422 answers say what is wrong in Vietnamese too, not pydantic's English inside the Vietnamese message."""

from __future__ import annotations

import uuid

import pytest
from site_app import Site

from queue_server.core.validation_text import describe_vi, field_vi

ENGLISH = ("Field required", "Input should", "String should", "valid integer", "at least", "at most")


@pytest.mark.parametrize(
    ("kind", "ctx", "expected"),
    [
        ("missing", None, "thiếu trường bắt buộc"),
        ("string_too_long", {"max_length": 64}, "quá dài (tối đa 64 ký tự)"),
        ("greater_than_equal", {"ge": 1}, "phải từ 1 trở lên"),
        ("literal_error", {"expected": "'vi' or 'en'"}, "phải là một trong: vi or en"),
        ("string_too_long", None, "quá dài"),  # no limit given: the phrase without it
        ("some_new_pydantic_error", None, "giá trị không hợp lệ"),  # never English
    ],
)
def test_error_types_in_vietnamese(kind: str, ctx: dict[str, object] | None, expected: str) -> None:
    assert describe_vi(kind, ctx) == expected


def test_locations_in_vietnamese() -> None:
    assert field_vi(["body", "service"]) == "nội dung.service" and field_vi([]) == "yêu cầu"


@pytest.mark.parametrize(
    ("body", "where", "what"),
    [
        ({}, "nội dung.service", "thiếu trường bắt buộc"),
        ({"service": "x" * 500}, "nội dung.service", "quá dài"),
        ({"service": 12}, "nội dung.service", "phải là chuỗi ký tự"),
    ],
)
def test_a_bad_ticket_request_is_explained_in_both_languages(site: Site, body: dict, where: str, what: str) -> None:
    r = site.client.post(
        "/api/v1/tickets", json=body, headers={**site.headers("kiosk"), "Idempotency-Key": uuid.uuid4().hex}
    )
    assert r.status_code == 422, r.text
    answer = r.json()
    assert where in answer["message_vi"] and what in answer["message_vi"], answer
    assert not any(phrase in answer["message_vi"] for phrase in ENGLISH), answer["message_vi"]
    assert "service" in answer["message_en"]
