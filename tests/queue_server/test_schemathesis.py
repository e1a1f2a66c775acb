"""Property-based API fuzzing from the served OpenAPI schema: no input may cause a server error."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from queue_server.app import create_app
from queue_server.auth import create_token
from queue_server.demo import seed_demo
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database

_DIR = Path(f"/tmp/motcua-schemathesis-{uuid.uuid4().hex[:8]}")
_SETTINGS = ServerSettings(data_dir=_DIR, site_id="fuzz")
_DB = open_database(_DIR)
seed_demo(_DB)
_ADMIN = create_token(_DB, "admin")
_SERVICE = QueueService(_DB, "fuzz", _SETTINGS.queue_config(), clock=lambda: datetime.now(UTC))
_APP = create_app(_SETTINGS, service=_SERVICE, with_mqtt=False)
_SERVICE.sign_in("1", "NV01")

schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case):
    case.headers = case.headers or {}
    case.headers["Authorization"] = f"Bearer {_ADMIN}"
    case.headers.setdefault("Idempotency-Key", uuid.uuid4().hex)
    response = case.call()
    case.validate_response(response, checks=(not_a_server_error,))
    assert response.status_code < 500
    if response.status_code >= 400 and response.content:
        body = response.json()
        assert {"code", "message_vi", "message_en"} <= set(body), body


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_anonymous_fuzzing_never_errors(case):
    response = case.call()
    assert response.status_code < 500
