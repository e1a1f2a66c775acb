"""Feedback at the kiosk: rate a served visit by the number on the slip, against a real queue server.

A ticket is issued and served to done through the API (counter token: sign-in, next, start, done);
the kiosk app then rates it by number, and a second attempt shows the server's "already rated".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from site_process import SiteServer, create_token, seed_demo

from kiosk_ui.core.kiosk_catalogue import Catalogue
from kiosk_ui.core.kiosk_feedback import KioskFeedback
from kiosk_ui.core.kiosk_flow import KioskFlow, Prefs, Screen

from .conftest import Kiosk, Server

pytestmark = pytest.mark.timeout(240)


@dataclass
class FeedbackServer(Server):
    admin: str = ""
    counter4: str = ""

    def call(
        self, method: str, path: str, token: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        merged = {"Authorization": f"Bearer {token}", **(headers or {})}
        return httpx.request(method, f"{self.url}{path}", headers=merged, timeout=10, **kwargs)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedbackServer]:
    """Its own server (with admin and counter tokens), counter 4 (DD only) signed in."""
    data = tmp_path_factory.mktemp("feedback-server")
    seed_demo(data)
    with SiteServer(data, log=data / "server.log") as started:
        assert started.process is not None
        real = FeedbackServer(
            started.base,
            create_token(data, "kiosk"),
            started.process,
            create_token(data, "admin"),
            create_token(data, "counter", counter="4"),
        )
        signed = real.call("POST", "/api/v1/counters/4/sign-in", real.counter4, json={"staff_id": "NV04"})
        assert signed.status_code == 200, signed.text
        yield real


def serve_to_done(server: FeedbackServer) -> str:
    issued = server.call(
        "POST", "/api/v1/tickets", server.token, json={"service": "DD"}, headers={"Idempotency-Key": uuid.uuid4().hex}
    )
    assert issued.status_code == 201, issued.text
    for action in ("next", "start", "done"):
        r = server.call("POST", f"/api/v1/counters/4/{action}", server.counter4)
        assert r.status_code < 300, (action, r.text)
    return str(issued.json()["number"])


def rate(kiosk: Kiosk, number: str, rating: str) -> dict[str, object]:
    kiosk.tap("feedback")
    kiosk.type(number)
    kiosk.tap("feedback_next")
    kiosk.tap(f"rate:{rating}")
    kiosk.request("double_tap", id="feedback_send")  # two taps in one frame: one submission
    return kiosk.settle()


def test_a_served_ticket_is_rated_by_number_once(kiosk_factory, server: FeedbackServer, shots: Path) -> None:  # type: ignore[no-untyped-def]
    number = serve_to_done(server)
    waiting = server.call("POST", "/api/v1/tickets", server.token, json={"service": "DD"},
                          headers={"Idempotency-Key": uuid.uuid4().hex}).json()["number"]  # fmt: skip
    kiosk: Kiosk = kiosk_factory()
    kiosk.tap("feedback")
    state = kiosk.state()
    assert state["screen"] == "feedback" and any("giữa phiếu" in t for t in state["texts"])
    kiosk.type(number)
    kiosk.shot("31-feedback-number-vi", shots)
    kiosk.tap("feedback_next")
    kiosk.tap("rate:satisfied")
    kiosk.tap("feedback_comment")
    kiosk.type("raats toots")
    state = kiosk.tap("feedback_comment_done")
    assert any(f"Vé {number}" in t for t in state["texts"]) and any("Hài lòng" in t for t in state["texts"])
    kiosk.shot("30-feedback-vi", shots)
    kiosk.request("double_tap", id="feedback_send")
    state = kiosk.settle()
    assert state["error"] is None, state["error"]
    assert any("cảm ơn" in t.lower() for t in state["texts"])
    stored = server.call("GET", "/api/v1/feedback", server.admin).json()
    items = stored.get("items", stored) if isinstance(stored, dict) else stored
    mine = [f for f in items if f.get("number", f.get("ticket_number")) == number] or items
    assert len(items) == 1, stored  # a double tap gave one submission
    assert mine[0]["rating"] == "satisfied" and mine[0].get("comment") == "rất tốt", mine[0]
    kpis = server.call("GET", "/api/v1/kpis/feedback", server.admin)
    assert kpis.status_code == 200, kpis.text

    kiosk.tap("feedback_home")
    state = kiosk.state()
    assert state["screen"] == "welcome"

    state = rate(kiosk, number, "very_satisfied")  # a second attempt: already rated
    assert state["screen"] == "feedback" and state["error"] is not None
    assert any(f"Vé {number} đã được đánh giá rồi" in t for t in state["texts"]), state["texts"]
    kiosk.tap("lang")
    assert any("already been rated" in t for t in kiosk.state()["texts"])
    kiosk.tap("home")

    state = rate(kiosk, waiting, "neutral")  # not served yet: the server's reason, plainly
    assert state["error"] is not None and state["error"][0], state
    assert any(state["error"][0] in t for t in state["texts"])
    assert len(server.call("GET", "/api/v1/feedback", server.admin).json().get("items", [])) <= 1


def test_the_visit_wipe_forgets_the_number_rating_and_comment() -> None:
    keys = iter(["k1", "k2"])
    flow = KioskFlow(Catalogue(), defaults=Prefs(), new_key=lambda: next(keys), today=lambda: None,  # type: ignore[arg-type,return-value]
                     track_base="http://x")  # fmt: skip
    flow.open_feedback()
    assert flow.screen == Screen.FEEDBACK
    for key in "12":
        flow.feedback_key(key)
    assert not flow.feedback_number_done()  # no service letter: the screen says how a number looks
    flow.feedback_key("\x00")
    for key in "A012":
        flow.feedback_key(key)
    assert flow.feedback_number_done()
    assert flow.begin_feedback() is None  # no rating yet
    flow.feedback_rate("satisfied")
    flow.feedback_comment(open_=True)
    for key in "toots":
        flow.feedback_comment_key(key)
    first = flow.begin_feedback()
    assert first is not None and first.body["number"] == "A012" and first.body["comment"] == "tốt"
    assert flow.begin_feedback() is None  # a second tap while sending
    flow.feedback_failed(first.visit, "Lỗi", "Error")
    again = flow.begin_feedback()
    assert again is not None and again.key == first.key  # the retry keeps the key
    feedback: KioskFeedback | None = flow.visit.feedback
    flow.home()
    assert feedback is not None and feedback.number == "" and feedback.rating is None and feedback.comment.text == ""
    assert flow.visit.feedback is None
