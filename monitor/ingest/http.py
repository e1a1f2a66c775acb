"""The monitor's HTTP API: ``POST /api/v1/ingest`` (bearer site token) and read endpoints of the store.

Every route passes the access guard (``monitor.auth.http.guard``, rules in ``monitor.core.access.RULES``):
the ingest keeps its site tokens; the store's reads need a signed-in account or an API token, and answer
only the sites it may read (``?site=`` of another site: 403).

Serve it behind TLS: a reverse proxy (nginx/caddy) in front of uvicorn, or uvicorn's own
``--ssl-certfile/--ssl-keyfile`` (``motcua monitor --ssl-certfile ... --ssl-keyfile ...``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse

from monitor.auth.http import PrincipalDep, guard, install
from monitor.auth.service import AuthService
from monitor.core.access import Principal
from monitor.errors import ApiError
from monitor.ingest.service import IngestService
from monitor.store import Store
from motcua.contract.mqtt import decode_payload
from motcua.contract.uplink import UplinkAck, UplinkBatch
from motcua.runtime.apidocs import mount_api_docs

__all__ = ["ApiError", "create_app"]


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


def _scoped(principal: Principal, site: str | None) -> list[str | None]:
    """The sites a read covers: the one asked for (the guard checked it), every site (None) for a principal
    who reads them all, else each of the principal's sites."""
    if site is not None or principal.sites is None:
        return [site]
    scoped: list[str | None] = [*sorted(principal.sites)]
    return scoped


def create_app(
    store: Store, service: IngestService, *, auth: AuthService | None = None, cookie_secure: bool = True
) -> FastAPI:
    """The monitor's FastAPI app (the dashboard, when installed, is mounted on it by ``monitor.cli``).

    ``cookie_secure=False`` only for plain-HTTP development on loopback (``motcua monitor --insecure-cookies``).
    """
    app = FastAPI(title="motcua provincial monitor", version="1", dependencies=[Depends(guard)])
    mount_api_docs(app, title="motcua provincial monitor API")
    app.state.store = store
    app.state.ingest = service
    install(app, auth or AuthService(store), cookie_secure=cookie_secure)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

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
        principal: PrincipalDep,
        site: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        type: Annotated[list[str] | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    ) -> list[dict[str, Any]]:
        """Stored events, oldest first (of ``site``, else of every site the caller may read)."""
        found = [e for s in _scoped(principal, site) for e in store.events(s, since, until, type, limit=limit)]
        found.sort(key=lambda e: (e.at, e.site, e.seq, e.epoch))
        return [_event_json(e) for e in found[:limit]]

    @app.get("/api/v1/store/sites", tags=["store"])
    def sites(store: StoreDep, principal: PrincipalDep) -> list[dict[str, Any]]:
        """The sites the caller may read."""
        return [
            {
                "site": s.site,
                "name": s.name,
                "level": s.level,
                "one_stop_staff": s.one_stop_staff,
                "last_seen": s.last_seen.isoformat() if s.last_seen else None,
            }
            for s in store.sites()
            if principal.may_see(s.site)
        ]

    @app.get("/api/v1/store/devices", tags=["store"])
    def devices(store: StoreDep, principal: PrincipalDep, site: str | None = None) -> list[dict[str, Any]]:
        """The newest status of each device (of ``site``, else of every site the caller may read)."""
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
            for s in _scoped(principal, site)
            for d in store.devices(s)
        ]

    @app.get("/api/v1/store/alerts", tags=["store"])
    def alerts(
        store: StoreDep, principal: PrincipalDep, site: str | None = None, open_only: bool = False
    ) -> list[dict[str, Any]]:
        """Alerts (of ``site``, else of every site the caller may read)."""
        found = [a for s in _scoped(principal, site) for a in store.alerts(s, open_only=open_only)]
        found.sort(key=lambda a: (a.at, a.id))
        return [a.to_alert().model_dump(mode="json") for a in found]

    __import__("monitor.metrics").metrics.install_metrics(app)  # GET /metrics (docs/metrics.md)
    return app
