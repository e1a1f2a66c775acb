"""One clerk per counter: a second sign-in is refused (409 ``counter_taken``) unless a manager takes over.

The rule in the core, the API in-process, and the counter console in headless Chromium on a real server.
"""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from chromium_browser import chromium
from queue_factories import at, counter
from site_app import open_site
from site_process import SiteServer, create_token, seed_demo

from motcua.contract import events as ev
from queue_server.auth import authenticate
from queue_server.core import lifecycle
from queue_server.core.errors import InvalidTransition
from queue_server.core.model import CounterStatus


def _opened(staff: str):
    return replace(counter("1"), status=CounterStatus.OPEN, staff_id=staff)


def test_core_refuses_a_second_clerk_and_names_the_first():
    with pytest.raises(InvalidTransition) as refused:
        lifecycle.sign_in(_opened("NV01"), "NV02", at(0))
    assert refused.value.code == "counter_taken"
    assert "NV01" in refused.value.message_vi and "NV01" in refused.value.message_en
    paused = replace(_opened("NV01"), status=CounterStatus.PAUSED)
    with pytest.raises(InvalidTransition):
        lifecycle.sign_in(paused, "NV02", at(0))  # a clerk on a break still holds the counter


def test_core_same_clerk_again_changes_nothing_and_a_closed_counter_opens():
    assert lifecycle.sign_in(_opened("NV01"), "NV01", at(0)) == lifecycle.Outcome()
    closed = replace(counter("1"), status=CounterStatus.CLOSED, staff_id=None)
    outcome = lifecycle.sign_in(closed, "NV02", at(0))
    assert outcome.counters[0].staff_id == "NV02" and outcome.events[0].type == ev.COUNTER_OPENED
    assert "previous_staff_id" not in outcome.events[0].data


def test_core_takeover_records_who_held_the_counter_and_who_allowed_it():
    outcome = lifecycle.sign_in(_opened("NV01"), "NV02", at(0), takeover_by="adm123")
    assert outcome.counters[0].staff_id == "NV02"
    (event,) = outcome.events
    assert event.type == ev.COUNTER_OPENED
    assert event.data == {"counter_id": "1", "staff_id": "NV02", "previous_staff_id": "NV01", "takeover_by": "adm123"}
    payload = event.payload()
    assert isinstance(payload, ev.CounterEvent) and payload.previous_staff_id == "NV01"


def _counter_events(site) -> list[dict]:
    r = site.client.get("/api/v1/events", params={"after": 0, "limit": 1000}, headers=site.headers("admin"))
    assert r.status_code == 200, r.text
    body = r.json()
    events = body["events"] if isinstance(body, dict) else body
    return [e for e in events if e["type"].startswith("counter.")]


def test_api_second_clerk_gets_409_naming_the_first_and_the_counter_stays_theirs(tmp_path):
    with open_site(tmp_path) as site:
        assert site.act("1", "sign-in", staff_id="NV01").status_code == 200
        r = site.act("1", "sign-in", staff_id="NV02")
        assert r.status_code == 409
        body = r.json()
        assert body["code"] == "counter_taken"
        assert "NV01" in body["message_vi"] and "đăng xuất" in body["message_vi"]
        assert "NV01" in body["message_en"] and "sign out" in body["message_en"]
        assert site.client.get("/api/v1/counters/1", headers=site.headers("display")).json()["staff_id"] == "NV01"
        assert site.act("1", "sign-in", staff_id="NV01").status_code == 200  # the same clerk again: idempotent
        assert [e["type"] for e in _counter_events(site)] == [ev.COUNTER_OPENED]
        assert site.act("1", "sign-out").status_code == 200
        assert site.act("1", "sign-in", staff_id="NV02").status_code == 200  # after the sign-out: free


def test_api_only_an_admin_may_take_over_and_the_hand_over_is_an_event(tmp_path):
    with open_site(tmp_path) as site:
        site.act("1", "sign-in", staff_id="NV01")
        refused = site.act("1", "sign-in", staff_id="NV02", takeover=True)  # a counter token
        assert refused.status_code == 403 and refused.json()["code"] == "takeover_forbidden"
        admin = site.headers("admin")
        plain = site.client.post("/api/v1/counters/1/sign-in", json={"staff_id": "NV02"}, headers=admin)
        assert plain.status_code == 409  # an admin must say it takes over
        taken = site.client.post(
            "/api/v1/counters/1/sign-in", json={"staff_id": "NV02", "takeover": True}, headers=admin
        )
        assert taken.status_code == 200 and taken.json()["staff_id"] == "NV02"
        admin_id = authenticate(site.service.db, site.tokens["admin"]).token_id
        last = _counter_events(site)[-1]
        assert last["type"] == ev.COUNTER_OPENED
        assert last["data"]["previous_staff_id"] == "NV01" and last["data"]["takeover_by"] == admin_id


def test_counter_console_shows_the_refusal_and_a_manager_takes_over(tmp_path):
    seed_demo(tmp_path)
    counter_token = create_token(tmp_path, "counter", counter="1", label="desk-1")
    admin_token = create_token(tmp_path, "admin", label="manager")
    with SiteServer(tmp_path, log=tmp_path / "server.log") as server, chromium() as browser:
        first = httpx.post(
            f"{server.base}/api/v1/counters/1/sign-in",
            json={"staff_id": "NV01"},
            headers={"Authorization": f"Bearer {counter_token}"},
        )
        assert first.status_code == 200
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{server.base}/console/counter#counter=1&token={counter_token}&staff=NV02")
        error = page.locator("#signin-error")
        error.wait_for(state="visible", timeout=15000)
        assert "NV01" in error.inner_text() and "đăng xuất" in error.inner_text()
        takeover = page.locator("#signin-takeover")
        assert takeover.is_visible() and "tiếp quản" in takeover.inner_text()
        assert page.locator("#console").is_hidden()
        # The broker pill: this server runs without MQTT.
        page.wait_for_function("document.getElementById('broker-state').dataset.state === 'none'", timeout=15000)
        page.fill("#f-token", admin_token)
        takeover.click()
        page.locator("#console").wait_for(state="visible", timeout=15000)
        assert "NV02" in page.locator("#staff").inner_text()
        page.close()
