"""``GET /metrics`` of the site server: Prometheus text format, metrics that move with tickets and calls."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families
from site_app import open_site
from site_process import SiteServer, create_token, seed_demo


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, by (name, sorted labels); parsing fails on anything not in the text format."""
    out: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(scrape: dict, name: str, **labels: str) -> float:
    return scrape[(name, tuple(sorted(labels.items())))]


def test_metrics_move_when_tickets_are_issued_and_called(tmp_path):
    with open_site(tmp_path) as site:
        before = samples(site.client.get("/metrics").text)
        assert value(before, "motcua_queue_waiting", service="HT") == 0
        assert value(before, "motcua_tickets_issued_total", service="HT") == 0
        assert value(before, "motcua_mqtt_connected") == 0
        assert value(before, "motcua_mqtt_configured") == 0

        first = site.issue("HT")
        site.issue("HT")
        site.issue("CT")
        site.clock.advance(7)
        after_issue = samples(site.client.get("/metrics").text)
        assert value(after_issue, "motcua_queue_waiting", service="HT") == 2
        assert value(after_issue, "motcua_queue_waiting", service="CT") == 1
        assert value(after_issue, "motcua_tickets_issued_total", service="HT") == 2
        assert value(after_issue, "motcua_queue_oldest_wait_seconds", service="HT") == 7 * 60
        assert value(after_issue, "motcua_events_total", type="ticket.issued") == 3

        assert site.act("1", "sign-in", staff_id="NV01").status_code == 200
        called = site.act("1", "next")
        assert called.status_code == 200, called.text
        assert called.json()["id"] == first["id"]
        assert site.act("1", "recall").status_code == 200
        after_call = samples(site.client.get("/metrics").text)
        assert value(after_call, "motcua_queue_waiting", service="HT") == 1
        assert value(after_call, "motcua_calls_total", service="HT", kind="call") == 1
        assert value(after_call, "motcua_calls_total", service="HT", kind="recall") == 1
        assert value(after_call, "motcua_counters", state="open") >= 1

        # Requests are counted per route template: the ticket's id is not a label value.
        site.client.get(f"/api/v1/tickets/{first['id']}")
        site.client.get(f"/api/v1/tickets/{uuid.uuid4().hex}")
        scrape = samples(site.client.get("/metrics").text)
        route = "/api/v1/tickets/{ticket_id}"
        assert value(scrape, "motcua_server_http_requests_total", method="GET", route=route, status="200") == 1
        assert value(scrape, "motcua_server_http_requests_total", method="GET", route=route, status="404") == 1
        assert (
            value(scrape, "motcua_server_http_requests_total", method="POST", route="/api/v1/tickets", status="201")
            == 3
        )
        assert (
            value(scrape, "motcua_server_http_request_duration_seconds_count", method="POST", route="/api/v1/tickets")
            == 3
        )
        assert not any(first["id"] in dict(labels).get("route", "") for _name, labels in scrape)
        site.client.get("/no/such/path/12345")
        scrape = samples(site.client.get("/metrics").text)
        assert value(scrape, "motcua_server_http_requests_total", method="GET", route="<unmatched>", status="404") == 1


def test_a_real_server_answers_metrics_in_the_text_format(tmp_path, mosquitto):
    seed_demo(tmp_path)
    kiosk = create_token(tmp_path, "kiosk")
    server = SiteServer(tmp_path, args=["--broker", mosquitto.url], log=tmp_path / "server.log")
    with server, httpx.Client(base_url=server.base, timeout=5.0) as client:
        response = client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        before = samples(response.text)
        r = client.post(
            "/api/v1/tickets",
            json={"service": "DD", "lang": "vi"},
            headers={"Authorization": f"Bearer {kiosk}", "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201, r.text
        after = samples(client.get("/metrics").text)
    assert value(after, "motcua_tickets_issued_total", service="DD") == (
        value(before, "motcua_tickets_issued_total", service="DD") + 1
    )
    assert value(after, "motcua_queue_waiting", service="DD") == 1
    assert value(after, "motcua_mqtt_configured") == 1
    assert value(after, "motcua_mqtt_connected") in (0, 1)


ROOT = Path(__file__).resolve().parents[2]


def documented() -> set[str]:
    return set(re.findall(r"`(motcua_[a-z_]+)`", (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")))


def test_every_metric_the_server_exposes_is_documented(tmp_path):
    with open_site(tmp_path) as site:
        site.issue("HT")
        text = site.client.get("/metrics").text
    names = {f.name for f in text_string_to_metric_families(text)}
    # the parser strips _total from counters; the docs name the samples
    exposed = {s.name for f in text_string_to_metric_families(text) for s in f.samples}
    exposed = {re.sub(r"_(bucket|count|sum|created)$", "", n) for n in exposed} | names
    missing = {n for n in exposed if n not in documented() and f"{n}_total" not in documented()}
    assert not missing, f"undocumented metrics in docs/metrics.md: {sorted(missing)}"


def test_the_grafana_dashboard_is_valid_json_using_documented_metrics():
    dashboard = json.loads((ROOT / "docs" / "grafana" / "motcua-province.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert len(exprs) >= 15
    used = {re.sub(r"_bucket$", "", n) for e in exprs for n in re.findall(r"motcua_[a-z_]+", e)}
    assert used - documented() == set()
    assert {"motcua_queue_waiting", "motcua_agent_outbox_events", "motcua_monitor_site_last_event_age_seconds"} <= used
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
