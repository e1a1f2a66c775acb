"""A real ``motcua server`` subprocess and the real tablet app offscreen: served → shown → rated → stored → KPI.

Screenshots go to docs/feedback/ with MOTCUA_UPDATE_SCREENSHOTS=1 (else a temp dir): look at them.
"""

from __future__ import annotations

import struct
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from kivy_process import KivyProcess, screenshot_dir
from site_process import SiteServer, create_token, seed_demo
from waiting import eventually

pytestmark = pytest.mark.timeout(150)
HARNESS = Path(__file__).with_name("harness.py")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "feedback"
TYPED = "nhaan vieen nhieetj tinhf, nhwng chowf hoiw laau"  # Telex keys
COMMENT = "nhân viên nhiệt tình, nhưng chờ hơi lâu"  # what they render to


@dataclass
class RealServer:
    base: str
    tokens: dict[str, str]
    log: Path

    def call(self, method: str, path: str, role: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[role]}", **kw.pop("headers", {})}
        return httpx.request(method, f"{self.base}{path}", headers=headers, timeout=10, **kw)

    def serve_one(self, counter: str = "1") -> dict[str, Any]:
        r = self.call(
            "POST", "/api/v1/tickets", "kiosk", json={"service": "HT"}, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        assert r.status_code == 201, r.text
        for action in ("next", "start", "done"):
            assert self.call("POST", f"/api/v1/counters/{counter}/{action}", f"counter{counter}").status_code < 300
        return r.json()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    data = tmp_path_factory.mktemp("site")
    seed_demo(data)
    tokens = {role: create_token(data, role) for role in ("kiosk", "admin")}
    tokens["counter1"] = create_token(data, "counter", counter="1")
    log = data / "server.log"
    env = {"MOTCUA_FEEDBACK_SELF_SCORE_AFTER_S": "0.5"}
    with SiteServer(data, args=["--verbose"], env=env, log=log) as started:
        real = RealServer(started.base, tokens, log)
        signed = real.call("POST", "/api/v1/counters/1/sign-in", "counter1", json={"staff_id": "NV01"})
        assert signed.status_code == 200
        yield real


class Tablet(KivyProcess):
    """The tablet app in a child process, offscreen."""

    def __init__(self, settings: dict[str, Any], tmp: Path) -> None:
        super().__init__(HARNESS, settings, tmp / "kivy", tmp / "tablet.log", reply_timeout=20)

    def texts(self) -> dict[str, Any]:
        return self.request("texts")["texts"]

    def tap(self, *names: str) -> None:
        for name in names:
            self.request("tap", name=name)

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        return self.poll(self.texts, predicate, timeout, lambda texts: f"texts: {texts}", what="tablet")

    def shot(self, path: Path) -> None:
        self.request("shot", path=str(path))
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", data[16:24]) == (1280, 800)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return screenshot_dir(DOCS, tmp_path / "shots")


@pytest.fixture
def tablet(server: RealServer, tmp_path: Path) -> Iterator[Tablet]:
    settings = {
        "server": server.base, "token": server.tokens["kiosk"], "counter": "1", "windowed": True,
        "poll_seconds": 0.3, "thanks_seconds": 1.5, "idle_seconds": 4.0,
    }  # fmt: skip
    app = Tablet(settings, tmp_path)
    yield app
    app.stop()


def type_keys(tablet: Tablet, text: str) -> None:
    tablet.tap(*("key:space" if ch == " " else f"key:{ch}" for ch in text))


def test_served_ticket_is_rated_on_the_tablet_stored_scored_and_counted(
    server: RealServer, tablet: Tablet, shots: Path
) -> None:
    before = server.call("GET", "/api/v1/kpis/feedback", "kiosk").json()
    texts = tablet.wait_for(lambda t: t["screen"] == "idle" and not t["offline"])
    tablet.shot(shots / "tablet-idle-vi.png")

    ticket = server.serve_one("1")
    texts = tablet.wait_for(lambda t: t["screen"] == "rate")
    assert texts["served"] == f"Quý khách vừa được phục vụ với số {ticket['number']} — xin đánh giá"
    assert [label for _code, label in texts["scale"]] == ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"]
    assert [name for _code, name in texts["criteria"]] == [
        "Thái độ cán bộ",
        "Thời gian chờ",
        "Hướng dẫn",
        "Cơ sở vật chất",
    ]
    assert texts["can_submit"] is False
    tablet.tap("submit")  # disabled: nothing happens
    assert tablet.texts()["screen"] == "rate"

    tablet.tap("face:satisfied", "crit:staff_attitude:very_satisfied", "crit:waiting_time:neutral")
    tablet.tap("crit:guidance:satisfied", "crit:facilities:satisfied")
    texts = tablet.texts()
    assert texts["rating"] == "satisfied" and texts["can_submit"] is True
    tablet.shot(shots / "tablet-rate-vi.png")

    tablet.tap("comment")
    type_keys(tablet, TYPED)
    texts = tablet.wait_for(lambda t: t["screen"] == "comment")
    assert texts["comment"] == COMMENT
    tablet.shot(shots / "tablet-comment-vi.png")
    tablet.tap("key:done", "submit")
    texts = tablet.wait_for(lambda t: t["screen"] == "thanks")
    assert texts["thanks_title"] == "Xin cảm ơn quý khách!" and texts["comment"] == "" and texts["rating"] is None
    tablet.shot(shots / "tablet-thanks-vi.png")

    listed = server.call("GET", "/api/v1/feedback", "admin").json()["items"]
    mine = [f for f in listed if f["ticket_id"] == ticket["id"]]
    assert len(mine) == 1
    assert mine[0]["rating"] == "satisfied" and mine[0]["comment"] == COMMENT and mine[0]["counter_id"] == "1"
    assert mine[0]["ratings"] == {
        "staff_attitude": "very_satisfied", "waiting_time": "neutral", "guidance": "satisfied", "facilities": "satisfied",
    }  # fmt: skip
    after = server.call("GET", "/api/v1/kpis/feedback", "kiosk").json()
    assert after["responses"] == before["responses"] + 1
    assert after["by_counter"]["1"]["responses"] == before.get("by_counter", {}).get("1", {}).get("responses", 0) + 1
    assert after["by_criterion"]["waiting_time"]["ratings"]["neutral"] >= 1

    # No edge agent answered: the server scored the comment itself with the ONNX model, off the event loop.
    def scored() -> dict[str, Any]:
        items = server.call("GET", "/api/v1/feedback", "admin").json()["items"]
        return next(f["sentiment"] for f in items if f["id"] == mine[0]["id"])

    sentiment = eventually(scored, 20, interval=0.2)
    assert sentiment is not None and sentiment["scored_by"] == "server"
    assert sentiment["label"] in ("negative", "neutral", "positive") and "staff_attitude" in sentiment["topics"]

    # The thank-you screen resets; the rated ticket is not offered again.
    texts = tablet.wait_for(lambda t: t["screen"] == "idle", timeout=5)
    polls = texts["answers"]
    texts = tablet.wait_for(lambda t: t["answers"] >= polls + 2 or t["screen"] != "idle")  # two more answers
    assert texts["screen"] == "idle"

    # The comment never reached a log: not the server's (debug level), not the tablet's.
    for log in (server.log, tablet.log_path):
        content = log.read_text(encoding="utf-8")
        assert COMMENT not in content and "nhiệt tình" not in content, log


def test_english_switch_and_idle_timeout_forget_everything(server: RealServer, tablet: Tablet, shots: Path) -> None:
    tablet.wait_for(lambda t: t["screen"] == "idle" and not t["offline"])
    tablet.tap("lang")
    tablet.shot(shots / "tablet-idle-en.png")
    ticket = server.serve_one("1")
    texts = tablet.wait_for(lambda t: t["screen"] == "rate")
    assert texts["served"] == f"You were just served: ticket {ticket['number']} — please rate us"
    tablet.tap("face:dissatisfied", "crit:waiting_time:dissatisfied")
    tablet.shot(shots / "tablet-rate-en.png")
    tablet.tap("comment")
    type_keys(tablet, "slow")
    assert tablet.texts()["comment"] == "slow"
    tablet.tap("key:done")
    # The citizen walks away: after idle_seconds the tablet resets, in Vietnamese, with nothing kept.
    texts = tablet.wait_for(lambda t: t["screen"] == "idle", timeout=8)
    assert texts["lang"] == "vi" and texts["rating"] is None and texts["ratings"] == {} and texts["comment"] == ""
    listed = server.call("GET", "/api/v1/feedback", "admin").json()["items"]
    assert all(f["ticket_id"] != ticket["id"] for f in listed)


def test_real_server_refuses_a_second_feedback_and_unknown_numbers(server: RealServer) -> None:
    ticket = server.serve_one("1")
    body = {"number": ticket["number"].lower(), "rating": "very_satisfied"}
    first = server.call("POST", "/api/v1/feedback", "kiosk", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert first.status_code == 201, first.text
    again = server.call("POST", "/api/v1/feedback", "kiosk", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert again.status_code == 409 and again.json()["code"] == "feedback_exists"
    unknown = server.call(
        "POST", "/api/v1/feedback", "kiosk", json={"number": "Z999", "rating": "satisfied"},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )  # fmt: skip
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_ticket"
