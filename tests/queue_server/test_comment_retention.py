"""Feedback comments are kept for ``comment_retention_days`` (90 by default), then blanked by the purge loop.

The rating, the per-criterion ratings and the comment's sentiment stay, and the day's KPIs do not change.
A real SQLite store, the app in-process with its purge loop running, a clock the test moves by hand.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from site_app import START, Site, open_site
from waiting import CallCounter, wait_until

from queue_server.settings import ServerSettings

COMMENT = "Chị Nguyễn Thị Hoa ở quầy 1 rất nhiệt tình, gọi lại cho tôi số 0912 345 678 nhé"


class RetentionSite(Site):
    """The shared in-process site, with what these tests read: the feedback table and its events."""

    def headers(self, role: str, key: str | None = None) -> dict[str, str]:
        return super().headers(role, key or uuid.uuid4().hex)

    def served_feedback(self, comment: str | None, rating: str = "dissatisfied") -> dict[str, Any]:
        """Issue, call, serve and finish a ticket at counter 1, then rate it at the kiosk."""
        r = self.client.post("/api/v1/tickets", json={"service": "HT", "lang": "vi"}, headers=self.headers("kiosk"))
        assert r.status_code == 201, r.text
        for action in ("next", "start", "done"):
            answer = self.client.post(f"/api/v1/counters/1/{action}", headers=self.headers("counter1"))
            assert answer.status_code < 300, answer.text
        body = {"ticket_id": r.json()["id"], "rating": rating, "ratings": {"waiting_time": "neutral"}}
        if comment:
            body["comment"] = comment
        stored = self.client.post("/api/v1/feedback", json=body, headers=self.headers("kiosk"))
        assert stored.status_code == 201, stored.text
        return dict(stored.json())

    def table(self) -> dict[str, dict[str, Any]]:
        return {str(r["id"]): r for r in self.service.db.read("SELECT * FROM feedback")}

    def events(self) -> dict[str, dict[str, Any]]:
        rows = self.service.db.read("SELECT data FROM events WHERE type = 'feedback.submitted'")
        return {d["feedback_id"]: d for d in (json.loads(str(r["data"])) for r in rows)}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RetentionSite]:
    monkeypatch.setenv("MOTCUA_FEEDBACK_SELF_SCORE", "false")
    assert ServerSettings(data_dir=tmp_path).comment_retention_days == 90
    with open_site(
        tmp_path, RetentionSite, roles=("kiosk", "admin", "agent"), site_id="retention-site", purge_interval_s=0.1
    ) as opened:
        r = opened.client.post(
            "/api/v1/counters/1/sign-in", json={"staff_id": "NV01"}, headers=opened.headers("counter1")
        )
        assert r.status_code < 300, r.text
        yield opened


def test_comment_text_is_blanked_after_90_days_and_rating_and_sentiment_stay(site: RetentionSite) -> None:
    rated = site.served_feedback(COMMENT)
    silent = site.served_feedback(None, rating="very_satisfied")
    scored = site.client.post(
        f"/api/v1/feedback/{rated['id']}/sentiment",
        json={"label": "positive", "score": 0.91, "topics": ["staff_attitude"]},
        headers=site.headers("agent"),
    )
    assert scored.status_code == 200, scored.text
    day = site.service.today()
    kpis_before = site.client.get("/api/v1/kpis/feedback", params={"date": day}, headers=site.headers("admin")).json()
    assert kpis_before["responses"] == 2 and kpis_before["sentiment"]["comments"] == 1
    assert kpis_before["sentiment"]["positive"] == 1 and kpis_before["flagged_for_review"] == 1

    purges = CallCounter(site.client.app.state.feedback, "purge_comments")  # type: ignore[attr-defined]
    site.clock.advance(89 * 24 * 60)  # day 89: kept
    purges.wait_more(2)  # a whole round of the purge loop on day 89
    assert site.table()[rated["id"]]["comment"] == COMMENT
    assert site.events()[rated["id"]]["comment"] == COMMENT

    site.clock.advance(24 * 60 + 1)  # past 90 days
    wait_until(lambda: site.table()[rated["id"]]["comment"] is None, 5, "the purge loop to blank it")
    row = site.table()[rated["id"]]
    assert row["comment_purged_at"] == site.clock.now.isoformat()
    assert row["rating"] == "dissatisfied" and json.loads(str(row["ratings"])) == {"waiting_time": "neutral"}
    assert row["sentiment_label"] == "positive" and row["sentiment_score"] == pytest.approx(0.91)
    assert json.loads(str(row["topics"])) == ["staff_attitude"] and row["rating_mismatch"] == 1
    event = site.events()[rated["id"]]
    assert event["comment"] is None and event["rating"] == "dissatisfied" and event["comment_purged_at"]
    assert site.table()[silent["id"]]["comment_purged_at"] is None  # nothing to blank

    # nowhere in the store any more: not in any table, not in an idempotency record
    for table in ("feedback", "events", "idempotency"):
        rows = site.service.db.read(f"SELECT * FROM {table}")
        assert "0912 345 678" not in json.dumps(rows, ensure_ascii=False, default=str), table

    listed = site.client.get("/api/v1/feedback", params={"date": day}, headers=site.headers("admin")).json()
    item = next(i for i in listed["items"] if i["id"] == rated["id"])
    assert item["comment"] is None and item["has_comment"] and item["comment_purged"]
    assert item["rating"] == "dissatisfied" and item["sentiment"]["label"] == "positive"
    assert item["sentiment"]["score"] == pytest.approx(0.91)
    kpis_after = site.client.get("/api/v1/kpis/feedback", params={"date": day}, headers=site.headers("admin")).json()
    assert kpis_after == kpis_before  # a blanked comment still counts as written, with its sentiment


def test_purge_takes_only_comments_past_the_retention_and_runs_once(site: RetentionSite) -> None:
    old = site.served_feedback(COMMENT)
    site.clock.advance(30 * 24 * 60)
    recent = site.served_feedback("Thủ tục nhanh gọn, cảm ơn chị Lan")
    desk = site.client.app.state.feedback
    assert desk.purge_comments(90) == 0
    moment = START + timedelta(days=90)
    assert desk.purge_comments(90, now=moment) == 1  # exactly 90 days: due
    assert desk.purge_comments(90, now=moment) == 0
    table = site.table()
    assert table[old["id"]]["comment"] is None
    assert table[recent["id"]]["comment"] == "Thủ tục nhanh gọn, cảm ơn chị Lan"
    assert desk.purge_comments(7, now=moment) == 1  # a shorter setting takes the recent one too
    assert site.table()[recent["id"]]["comment"] is None and site.events()[recent["id"]]["comment"] is None


def test_retention_setting_comes_from_the_environment_and_refuses_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_COMMENT_RETENTION_DAYS", "30")
    assert ServerSettings().comment_retention_days == 30
    field = ServerSettings.model_fields["comment_retention_days"]
    assert field.description and "blanked" in field.description
    for bad in ("0", "-5", "ninety"):
        monkeypatch.setenv("MOTCUA_COMMENT_RETENTION_DAYS", bad)
        with pytest.raises(ValueError, match="comment_retention_days"):
            ServerSettings()
