"""The agent's metrics on 127.0.0.1: outbox depth and age move with events in and acks out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families

from edge_agent.agent import Agent
from edge_agent.metrics import serve_metrics
from edge_agent.outbox import NewEvent
from edge_agent.settings import AgentSettings


def parse(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_outbox_depth_and_age_move_and_are_served_on_loopback(tmp_path, mosquitto):
    settings = AgentSettings(
        data_dir=tmp_path, site_id="metrics-site", role="server", broker_url=mosquitto.url, uplink="mqtt", replay=False
    )
    agent = Agent(settings)
    server, _thread = serve_metrics(agent, 0)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        url = f"http://127.0.0.1:{port}/metrics"
        empty = parse(httpx.get(url, timeout=5).text)
        assert empty[("motcua_agent_outbox_events", (("kind", "business"),))] == 0
        assert empty[("motcua_agent_outbox_oldest_age_seconds", ())] == 0
        assert empty[("motcua_agent_mqtt_connected", (("connection", "events"),))] == 0
        assert empty[("motcua_agent_uplink_batches_total", ())] == 0

        assert agent.outbox is not None
        old = datetime.now(UTC) - timedelta(minutes=10)
        seqs = [
            agent.outbox.append(NewEvent("business", "ticket.issued", old + timedelta(seconds=i), {"n": i}))
            for i in range(3)
        ]
        full = parse(httpx.get(url, timeout=5).text)
        assert full[("motcua_agent_outbox_events", (("kind", "business"),))] == 3
        assert full[("motcua_agent_outbox_bytes", ())] > 0
        assert 590 <= full[("motcua_agent_outbox_oldest_age_seconds", ())] <= 660

        agent.outbox.ack(seqs[:2])
        after = parse(httpx.get(url, timeout=5).text)
        assert after[("motcua_agent_outbox_events", (("kind", "business"),))] == 1
        assert 580 <= after[("motcua_agent_outbox_oldest_age_seconds", ())] <= 650
    finally:
        server.shutdown()
        server.server_close()
        agent.outbox.close()
