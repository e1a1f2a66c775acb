"""``GET /api/v1/events``: the site's event log for the edge agent, in order, paged, agent or admin only."""

from __future__ import annotations

import pytest

from motcua.contract.mqtt import decode_payload
from motcua.contract.uplink import EventPage
from queue_server.auth import create_token


@pytest.fixture
def agent(site):
    return {"Authorization": f"Bearer {create_token(site.service.db, 'agent')}"}


def _page(site, headers, **params) -> EventPage:
    r = site.client.get("/api/v1/events", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return decode_payload(EventPage, r.content)


def test_agent_reads_the_log_in_order_with_sequences_and_next_after(site, agent):
    site.act("1", "sign-in", staff_id="NV01")
    tickets = [site.issue("HT") for _ in range(3)]
    assert site.act("1", "next").status_code == 200
    page = _page(site, agent)
    assert page.site == "test-site" and page.after == 0
    seqs = [e.seq for e in page.events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert page.next_after == seqs[-1] == page.last_seq
    types = [e.type for e in page.events]
    assert types.count("ticket.issued") == 3 and types[-1] == "ticket.called"
    issued = [e.data["number"] for e in page.events if e.type == "ticket.issued"]
    assert issued == [t["number"] for t in tickets]
    # nothing after the end: an empty page that keeps the cursor where it was
    empty = _page(site, agent, after=page.last_seq)
    assert empty.events == [] and empty.next_after == page.last_seq == empty.last_seq


def test_pages_cover_the_log_exactly_once(site, agent):
    for _ in range(7):
        site.issue("CT")
    after, seen = 0, []
    while True:
        page = _page(site, agent, after=after, limit=3)
        assert len(page.events) <= 3
        seen += [e.seq for e in page.events]
        if not page.events:
            break
        after = page.next_after
    assert seen == list(range(seen[0], page.last_seq + 1))
    assert len(seen) == page.last_seq


def test_admin_may_read_the_log(site):
    site.issue("HT")
    page = _page(site, site.headers("admin"))
    assert [e.type for e in page.events][-1] == "ticket.issued"


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "missing_token"),
        ({"Authorization": "Bearer mc_not-a-token"}, 401, "invalid_token"),
    ],
)
def test_no_or_unknown_token_is_401(site, headers, status, code):
    r = site.client.get("/api/v1/events", headers=headers)
    assert r.status_code == status
    body = r.json()
    assert body["code"] == code and body["message_vi"] and body["message_en"]


@pytest.mark.parametrize("role", ["kiosk", "display", "counter1"])
def test_kiosk_display_and_counter_tokens_are_403(site, role):
    r = site.client.get("/api/v1/events", headers=site.headers(role))
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "forbidden_role" and body["message_vi"] and body["message_en"]


@pytest.mark.parametrize(
    "params",
    [{"limit": 1001}, {"limit": 0}, {"after": -1}, {"after": 2**63}, {"after": "abc"}, {"limit": "many"}],
)
def test_bad_after_or_limit_is_a_422_in_both_languages(site, agent, params):
    r = site.client.get("/api/v1/events", params=params, headers=agent)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid_request" and body["message_vi"] and body["message_en"]


def test_the_largest_limit_is_accepted(site, agent):
    site.issue("HT")
    assert len(_page(site, agent, limit=1000).events) >= 1
