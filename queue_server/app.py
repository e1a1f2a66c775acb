"""Build the FastAPI application of one site: API, staff console pages, live updates, MQTT publisher."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from importlib import resources
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles

from queue_server.api.errors import ApiError, install_error_handlers
from queue_server.auth import authenticate
from queue_server.live import LiveHub
from queue_server.service import QueueService
from queue_server.settings import ServerSettings
from queue_server.store.db import open_database

logger = logging.getLogger(__name__)

WEB_DIR = resources.files("queue_server") / "web"


def create_app(settings: ServerSettings, *, service: QueueService | None = None, with_mqtt: bool = True) -> FastAPI:
    """The app; ``service`` may be injected by tests, else it is built from ``settings``."""
    if service is None:
        db = open_database(settings.data_dir)
        service = QueueService(db, settings.site_id, settings.queue_config())
    hub = LiveHub()
    service.listeners.append(hub.notify)
    publisher = None
    if with_mqtt and settings.broker_url:
        from motcua.runtime.mqtt import MqttConnection
        from queue_server.provisioning.hooks import server_broker
        from queue_server.publisher import EventPublisher

        broker_url, tls_files = server_broker(settings)
        connection = MqttConnection(broker_url, client_id=f"motcua-server-{settings.site_id}", tls_files=tls_files)
        publisher = EventPublisher(service, connection, recent_calls=settings.recent_calls)
        connection.add_connection_listener(publisher.on_connection)
        service.listeners.append(publisher.notify)

    router_lifespans: list[Any] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub.bind(asyncio.get_running_loop())
        stack = AsyncExitStack()
        for extra in router_lifespans:
            await stack.enter_async_context(extra(app))
        if publisher is not None:
            publisher.connection.start()
            publisher.start()
        purge = asyncio.create_task(_purge_loop(app, settings))
        from motcua.runtime.sdnotify import Watchdog

        # systemd Type=notify: READY=1 once serving, WATCHDOG=1 while the database answers.
        watchdog = Watchdog(healthy=lambda: bool(service.db.read("SELECT 1"))).start()
        try:
            yield
        finally:
            watchdog.stop()
            purge.cancel()
            await stack.aclose()
            if publisher is not None:
                publisher.stop()
                publisher.connection.stop()

    app = FastAPI(
        title="motcua queue server",
        version="0.1.0",
        description="Queue, tickets and counters of a one-stop public administrative service centre.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    from motcua.runtime.apidocs import mount_api_docs

    mount_api_docs(app, title="motcua queue server API")
    app.state.service = service
    app.state.settings = settings
    app.state.hub = hub
    app.state.publisher = publisher
    from motcua.runtime.ratelimit import TokenBuckets

    app.state.ticket_limiter = TokenBuckets(settings.ticket_rate_per_min / 60.0, settings.ticket_burst)
    install_error_handlers(app)
    router_lifespans.extend(_wire(app, service, settings))
    _mount_console(app, service, hub, settings)
    from queue_server.metrics import install_metrics

    install_metrics(app, service, publisher)  # per-route request metrics and GET /metrics (docs/metrics.md)
    return app


async def _purge_loop(app: FastAPI, settings: ServerSettings) -> None:
    """Run the retention jobs at start and every ``purge_interval_s``; one failing job does not stop the others."""
    while True:
        for job, what in _purge_jobs(app, settings):
            try:
                done = await asyncio.to_thread(job)
                if done:
                    logger.info("%s: %d", what, done)
            except Exception:
                logger.exception("%s failed", what)
        await asyncio.sleep(settings.purge_interval_s)


def _purge_jobs(app: FastAPI, settings: ServerSettings) -> list[tuple[Callable[[], int], str]]:
    """The periodic jobs whose component this app has (each is set up by its API module)."""
    jobs: list[tuple[Callable[[], int], str]] = []
    dossiers = getattr(app.state, "dossiers", None)
    if dossiers is not None:
        jobs.append((dossiers.purge_expired, "dossiers whose personal data was purged"))
        jobs.append((dossiers.flag_overdue, "dossiers flagged overdue"))
    feedback = getattr(app.state, "feedback", None)
    if feedback is not None:
        retention = settings.comment_retention_days
        jobs.append((lambda: int(feedback.purge_comments(retention)), "feedback comments blanked"))
    provisioner = getattr(app.state, "provisioner", None)
    if provisioner is not None:
        jobs.append((provisioner.expire_codes, "enrolment codes closed unused"))
    return jobs


def _wire(app: FastAPI, service: QueueService, settings: ServerSettings) -> list[Any]:
    """Every desk the routes use and every router, built from ``settings`` here and nowhere else.

    Returns the lifespans (functions of the app giving an async context manager) of work that runs only while
    the app does, such as the feedback desk's background scorer.
    """
    from queue_server.api import (
        catalogue,
        counters,
        desk_print,
        dossiers,
        events,
        feedback,
        forms,
        health,
        provisioning,
        site,
        staffing,
        tickets,
    )
    from queue_server.dossiers import build_desk
    from queue_server.feedback import FeedbackDesk
    from queue_server.scoring import load_scorer_factory

    app.state.dossiers = build_desk(service, settings, catalogue.catalogue())
    fb = settings.feedback
    # The ONNX scorer is another deployable's: found through the motcua.scorers entry point, never imported.
    desk = FeedbackDesk(
        service,
        fb.policy(),
        self_score=fb.self_score,
        self_score_after_s=fb.self_score_after_s,
        scorer_factory=load_scorer_factory() if fb.self_score else None,
    )
    app.state.feedback = desk
    publisher = app.state.publisher
    app.state.provisioner = _provisioner(service, settings, publisher.connection if publisher is not None else None)
    provisioning.install(app)
    routers = (catalogue, counters, dossiers, events, feedback, forms, health, provisioning, site, staffing, tickets)
    for module in routers:
        app.include_router(module.router)
    app.include_router(desk_print.router)  # the desk's printouts and capture devices, the department page

    @asynccontextmanager
    async def feedback_desk(_app: FastAPI) -> AsyncIterator[None]:
        desk.start()
        try:
            yield
        finally:
            desk.close()

    return [feedback_desk]


def _provisioner(service: QueueService, settings: ServerSettings, connection: Any) -> Any:
    """The device registry; configs are published and device statuses read over the app's MQTT connection."""
    from motcua.contract.mqtt import topic_device_statuses
    from queue_server.provisioning import Provisioner

    prov = settings.provisioning

    def publish(topic: str, payload: bytes) -> None:
        connection.publish(topic, payload, qos=1, retain=True)

    provisioner = Provisioner(
        service.db,
        settings.site_id,
        prov.directory(settings.data_dir),
        prov,
        clock=service.clock,
        publish=publish if connection is not None else None,
        broker_url_for_devices=prov.device_broker_url,
    )
    if connection is not None:
        connection.subscribe(
            topic_device_statuses(settings.site_id),
            lambda _topic, payload, _retained: provisioner.record_status(payload),
        )
        connection.add_connection_listener(lambda up: up and provisioner.publish_all_configs())
    return provisioner


def _mount_console(app: FastAPI, service: QueueService, hub: LiveHub, settings: ServerSettings) -> None:
    static = WEB_DIR / "static"
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/console/")

    def page(name: str) -> FileResponse:
        return FileResponse(str(WEB_DIR / name), media_type="text/html; charset=utf-8")

    @app.get("/console/", include_in_schema=False)
    def console_home() -> FileResponse:
        return page("index.html")

    @app.get("/console/counter", include_in_schema=False)
    def console_counter() -> FileResponse:
        return page("counter.html")

    @app.get("/console/admin", include_in_schema=False)
    def console_admin() -> FileResponse:
        return page("admin.html")

    @app.get("/t/{ticket_id}", include_in_schema=False)
    def track(ticket_id: str) -> FileResponse:
        return page("track.html")

    @app.get("/api/v1/stream", include_in_schema=False)
    async def stream(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> Any:
        if not token or authenticate(service.db, token) is None:
            raise ApiError(401, "invalid_token", "Mã truy cập không hợp lệ.", "Invalid token.")
        return StreamingResponse(
            hub.stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
