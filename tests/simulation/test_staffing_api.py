"""The staffing advice route and page, in-process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database


def test_staffing_advice_from_yesterdays_tickets(tmp_path):
    db = open_database(tmp_path)
    seed_demo(db)
    now = [datetime(2026, 11, 29, 2, 0, tzinfo=UTC)]  # 09:00 in Hanoi, the day before
    service = QueueService(db, "t", ServerSettings(data_dir=tmp_path).queue_config(), clock=lambda: now[0])
    for n in range(30):
        service.issue_ticket("HT", idempotency_key=f"k{n}", scope="s", request_hash=f"h{n}")
        now[0] += timedelta(minutes=2)
    now[0] = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    admin = create_token(db, "admin")
    kiosk = create_token(db, "kiosk")
    app = create_app(ServerSettings(data_dir=tmp_path, site_id="t"), service=service, with_mqtt=False)
    with TestClient(app) as client:
        r = client.get("/api/v1/staffing", headers={"Authorization": f"Bearer {admin}"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["days_of_history"] == 1
        by_hour = {a["hour"]: a for a in body["advice"] if a["service"] == "HT"}
        assert by_hour[9]["counters"] >= 1 and body["counters_per_hour"]["9"] >= 1
        assert client.get("/api/v1/staffing", headers={"Authorization": f"Bearer {kiosk}"}).status_code == 403
        page = client.get("/console/staffing")
        assert page.status_code == 200 and "staffing.js" in page.text
    db.close()
