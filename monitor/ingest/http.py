"""The monitor's HTTP API: ``POST /api/v1/ingest`` (bearer site token) and read endpoints of the store.

Serve it behind TLS: a reverse proxy (nginx/caddy) in front of uvicorn, or uvicorn's own
``--ssl-certfile/--ssl-keyfile`` (``motcua monitor --ssl-certfile ... --ssl-keyfile ...``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse

from monitor.ingest.service import IngestService
from monitor.store import Store
from motcua.contract.mqtt import decode_payload
from motcua.contract.uplink import UplinkAck, UplinkBatch
from motcua.runtime.apidocs import mount_api_docs


class ApiError(Exception):
    """An error answered as JSON with a machine code and messages in Vietnamese and English."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message_vi, self.message_en = status, code, message_vi, message_en


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _site_of_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise ApiError(401, "unauthorized", "Thiếu mã xác thực của điểm", "Missing site bearer token")
    site = _store(request).site_for_token(authorization.split(" ", 1)[1].strip())
    if site is None:
        raise ApiError(401, "unauthorized", "Mã xác thực không hợp lệ", "Invalid site token")
    return site


SiteDep = Annotated[str, Depends(_site_of_token)]
StoreDep = Annotated[Store, Depends(_store)]


def _event_json(e: Any) -> dict[str, Any]:
    return {
        "site": e.site,
        "epoch": e.epoch,
        "seq": e.seq,
        "kind": e.kind,
        "type": e.type,
        "at": e.at.isoformat(),
        "source_seq": e.source_seq,
        "data": e.data,
        "received_at": e.received_at.isoformat(),
    }


def create_app(store: Store, service: IngestService) -> FastAPI:
    """The monitor's FastAPI app (the dashboard, when installed, is mounted on it by ``monitor.cli``)."""
    app = FastAPI(title="motcua provincial monitor", version="1")
    mount_api_docs(app, title="motcua provincial monitor API")
    app.state.store = store
    app.state.ingest = service

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            {"code": exc.code, "message_vi": exc.message_vi, "message_en": exc.message_en}, status_code=exc.status
        )

    @app.post("/api/v1/ingest", response_model=UplinkAck, tags=["ingest"])
    async def ingest(request: Request, site: SiteDep) -> UplinkAck:
        """Store a site's batch once per (site, epoch, seq); the answer acknowledges every event stored."""
        body = await request.body()
        try:
            batch = decode_payload(UplinkBatch, body)
        except ValueError as exc:
            raise ApiError(422, "invalid_batch", "Lô sự kiện không hợp lệ", str(exc)) from None
        if batch.site != site or any(e.site != site for e in batch.events):
            raise ApiError(403, "wrong_site", "Mã xác thực không thuộc điểm này", "Token does not belong to this site")
        import asyncio

        return await asyncio.to_thread(service.handle, batch)

    @app.get("/api/v1/healthz", tags=["health"])
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "batches": service.batches, "events_new": service.events_new}

    @app.get("/api/v1/store/events", tags=["store"])
    def events(
        store: StoreDep,
        site: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        type: Annotated[list[str] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    ) -> list[dict[str, Any]]:
        """Stored events, oldest first."""
        return [_event_json(e) for e in store.events(site, since, until, type, limit=limit)]

    @app.get("/api/v1/store/sites", tags=["store"])
    def sites(store: StoreDep) -> list[dict[str, Any]]:
        return [
            {
                "site": s.site,
                "name": s.name,
                "level": s.level,
                "one_stop_staff": s.one_stop_staff,
                "last_seen": s.last_seen.isoformat() if s.last_seen else None,
            }
            for s in store.sites()
        ]

    @app.get("/api/v1/store/devices", tags=["store"])
    def devices(store: StoreDep, site: str | None = None) -> list[dict[str, Any]]:
        return [
            {
                "site": d.site,
                "device_id": d.device_id,
                "role": d.role,
                "state": d.state,
                "version": d.version,
                "last_seen": d.last_seen.isoformat(),
                "details": d.details,
            }
            for d in store.devices(site)
        ]

    @app.get("/api/v1/store/alerts", tags=["store"])
    def alerts(store: StoreDep, site: str | None = None, open_only: bool = False) -> list[dict[str, Any]]:
        return [a.to_alert().model_dump(mode="json") for a in store.alerts(site, open_only=open_only)]

    return app
