"""The kiosk API client over httpx.MockTransport: retries, idempotency, typed errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kiosk_ui.client import (
    QueueClient,
    RequestRejected,
    ServerUnavailable,
    UnexpectedResponse,
)
from motcua.contract.tickets import PriorityCategory, TicketPublic

TICKET = {
    "id": "t-42",
    "number": "B012",
    "service": "birth",
    "priority": None,
    "status": "waiting",
    "issued_at": "2025-03-18T09:05:00+07:00",
    "position": 7,
    "estimated_wait_min": 25,
    "service_name_vi": "Đăng ký khai sinh",
    "service_name_en": "Birth registration",
    "day": "2025-03-18",
}


def client(
    handler: Callable[[httpx.Request], httpx.Response], sleeps: list[float] | None = None, retries: int = 3
) -> QueueClient:
    record = sleeps if sleeps is not None else []
    return QueueClient(
        "http://server.test/",
        "secret-token",
        2.0,
        retries=retries,
        transport=httpx.MockTransport(handler),
        sleep=record.append,
    )


def test_issue_ticket_posts_body_and_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=TICKET)

    with client(handler) as api:
        ticket = api.issue_ticket("birth", "elderly", "en", idempotency_key="key-1")
    (request,) = seen
    assert request.method == "POST"
    assert request.url == "http://server.test/api/v1/tickets"
    assert request.headers["Authorization"] == "Bearer secret-token"
    assert request.headers["Idempotency-Key"] == "key-1"
    assert json.loads(request.content) == {"service": "birth", "priority": "elderly", "lang": "en"}
    assert ticket.number == "B012"
    assert ticket.position == 7
    assert ticket.issued_at.utcoffset() is not None
    assert isinstance(ticket, TicketPublic)  # the server's own response model, not a kiosk copy
    assert ticket.estimated_wait_min == 25 and ticket.counters_vi == []


def test_null_priority_is_sent_as_json_null_and_a_key_is_generated() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=TICKET)

    ticket = client(handler).issue_ticket("birth")
    assert json.loads(seen[0].content)["priority"] is None
    assert len(seen[0].headers["Idempotency-Key"]) >= 32
    assert ticket.priority is None


def test_retry_after_dropped_connection_reuses_the_idempotency_key() -> None:
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        if len(keys) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        if len(keys) == 2:
            raise httpx.RemoteProtocolError("server disconnected", request=request)
        if len(keys) == 3:
            return httpx.Response(503, json={"code": "busy", "message_vi": "Bận", "message_en": "Busy"})
        return httpx.Response(201, json=TICKET)

    sleeps: list[float] = []
    ticket = client(handler, sleeps).issue_ticket("birth")
    assert ticket.id == "t-42"
    assert len(keys) == 4
    assert len(set(keys)) == 1
    assert sleeps == [0.25, 0.5, 1.0]


def test_gives_up_after_bounded_retries_with_server_unavailable() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.headers["Idempotency-Key"])
        return httpx.Response(502, text="Bad Gateway")

    with pytest.raises(ServerUnavailable) as info:
        client(handler, retries=2).issue_ticket("birth", idempotency_key="k")
    assert calls == ["k", "k", "k"]
    assert info.value.attempts == 3
    assert info.value.last_status == 502
    assert "Không kết nối được máy chủ" in info.value.message_vi


def test_timeouts_are_retried() -> None:
    attempts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) < 3:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(201, json=TICKET)

    assert client(handler).issue_ticket("birth").number == "B012"
    assert len(attempts) == 3


def test_4xx_is_not_retried_and_carries_the_server_messages() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(
            409,
            json={
                "code": "service_closed",
                "message_vi": "Dịch vụ đã ngừng nhận số hôm nay",
                "message_en": "This service has stopped issuing tickets today",
            },
        )

    with pytest.raises(RequestRejected) as info:
        client(handler).issue_ticket("birth")
    assert calls == [1]
    assert info.value.status == 409
    assert info.value.code == "service_closed"
    assert info.value.message_vi == "Dịch vụ đã ngừng nhận số hôm nay"
    assert info.value.message_en == "This service has stopped issuing tickets today"


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        (401, "Unauthorized", "http_401"),
        (422, json.dumps({"detail": [{"loc": ["body", "service"], "msg": "missing"}]}), "validation_error"),
        (404, json.dumps(["not", "an", "object"]), "http_404"),
    ],
)
def test_4xx_without_the_error_shape_still_raises_request_rejected(status: int, body: str, code: str) -> None:
    with pytest.raises(RequestRejected) as info:
        client(lambda _r: httpx.Response(status, text=body)).issue_ticket("birth")
    assert info.value.code == code
    assert info.value.message_vi
    assert info.value.message_en


def test_language_is_checked_and_priorities_are_the_servers_to_refuse() -> None:
    api = client(lambda _r: httpx.Response(201, json=TICKET))
    with pytest.raises(ValueError, match="language"):
        api.issue_ticket("birth", None, "fr")  # type: ignore[arg-type]
    refused = {"code": "unknown_priority", "message_vi": "Loại ưu tiên không hợp lệ", "message_en": "Unknown priority"}
    with pytest.raises(RequestRejected) as info:
        client(lambda _r: httpx.Response(422, json=refused)).issue_ticket("birth", "vip")
    assert info.value.code == "unknown_priority"


def test_priorities_are_decoded_into_the_contract() -> None:
    lanes = [{"code": "elderly", "name_vi": "Người cao tuổi", "name_en": "Elderly"},
             {"code": "veteran", "name_vi": "Cựu chiến binh", "name_en": "Veteran"}]  # fmt: skip
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=lanes)

    got = client(handler).list_priorities()
    assert seen == ["/api/v1/priorities"]
    assert [p.category() for p in got] == [PriorityCategory("elderly", "Người cao tuổi", "Elderly"),
                                           PriorityCategory("veteran", "Cựu chiến binh", "Veteran")]  # fmt: skip
    with pytest.raises(UnexpectedResponse):
        client(lambda _r: httpx.Response(200, json=[{"code": "x"}])).list_priorities()


def test_malformed_ticket_body_raises_unexpected_response() -> None:
    with pytest.raises(UnexpectedResponse):
        client(lambda _r: httpx.Response(201, json={"id": "x"})).issue_ticket("birth")
    with pytest.raises(UnexpectedResponse):
        client(lambda _r: httpx.Response(201, text="<html>")).issue_ticket("birth")


def test_list_procedures_with_search_and_field() -> None:
    seen: list[httpx.Request] = []
    procedures: list[dict[str, Any]] = [{"code": "1.001193", "name_vi": "Đăng ký khai sinh"}]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=procedures if len(seen) == 1 else {"items": procedures})

    api = client(handler)
    assert api.list_procedures(q="khai sinh", field="tu_phap") == procedures
    assert api.list_procedures() == procedures
    assert seen[0].url.path == "/api/v1/procedures"
    assert dict(seen[0].url.params) == {"q": "khai sinh", "field": "tu_phap"}
    assert not seen[1].url.params
    assert "Idempotency-Key" not in seen[0].headers


def test_submit_dossier_posts_data_with_its_key_and_retries_5xx() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(500)
        return httpx.Response(201, json={"id": "d-1", "receipt_code": "H06.25.03.18-0042"})

    data = {"child_full_name": "Nguyễn Thị Mai", "child_date_of_birth": "01/06/2024"}
    receipt = client(handler).submit_dossier("1.001193", "t-42", data, idempotency_key="dossier-key")
    assert (receipt.id, receipt.receipt_code) == ("d-1", "H06.25.03.18-0042")
    assert [r.headers["Idempotency-Key"] for r in seen] == ["dossier-key", "dossier-key"]
    assert seen[0].url.path == "/api/v1/dossiers"
    body = json.loads(seen[1].content)
    assert body == {"procedure_code": "1.001193", "ticket_id": "t-42", "data": data}


def test_citizen_data_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down", request=request)

    caplog.set_level("DEBUG")
    with pytest.raises(ServerUnavailable):
        client(handler, retries=1).submit_dossier("p", None, {"name": "Nguyễn Văn An", "id": "001089012345"}, "k")
    assert "Nguyễn" not in caplog.text
    assert "001089012345" not in caplog.text
    assert "attempt 1/2" in caplog.text
