"""The monitor's metrics: batches, new and duplicate events, each site's age since its last batch, open alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from prometheus_client.exposition import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from monitor.alerts import AlertEngine
from monitor.ingest.http import create_app
from monitor.ingest.service import IngestService
from monitor.store import open_store
from motcua.contract.mqtt import encode_payload
from motcua.contract.uplink import Alert, UplinkBatch, UplinkEvent

T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def _batch(site: str, seqs: list[int]) -> UplinkBatch:
    return UplinkBatch(
        site=site,
        events=[UplinkEvent(site=site, seq=s, kind="business", type="ticket.issued", at=T0, data={}) for s in seqs],
    )


def scrape(app) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(app.state.metrics_registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_ingest_and_dedup_hits_and_open_alerts_are_counted(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'monitor.db'}")
    try:
        app = create_app(store, IngestService(store, AlertEngine(store)))
        token = store.create_site_token("bn")
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        with TestClient(app) as client:
            assert scrape(app)[("motcua_monitor_events_total", (("outcome", "new"),))] == 0
            r = client.post("/api/v1/ingest", content=encode_payload(_batch("bn", [1, 2, 3])), headers=headers)
            assert r.status_code == 200, r.text
            r = client.post("/api/v1/ingest", content=encode_payload(_batch("bn", [2, 3, 4])), headers=headers)
            assert r.status_code == 200, r.text
            store.add_alert(
                Alert(site="bn", kind="long_wait", message_vi="Chờ lâu", message_en="Long wait", at=datetime.now(UTC))
            )
            s = scrape(app)
        assert s[("motcua_monitor_batches_total", ())] == 2
        assert s[("motcua_monitor_events_total", (("outcome", "new"),))] == 4
        assert s[("motcua_monitor_events_total", (("outcome", "duplicate"),))] == 2
        assert s[("motcua_monitor_alerts_open", (("kind", "long_wait"), ("site", "bn")))] == 1
        age = s[("motcua_monitor_site_last_event_age_seconds", (("site", "bn"),))]
        assert 0 <= age < timedelta(minutes=5).total_seconds()
        route = (("method", "POST"), ("route", "/api/v1/ingest"), ("status", "200"))
        assert s[("motcua_monitor_http_requests_total", route)] == 2
    finally:
        store.close()
