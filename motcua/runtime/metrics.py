"""Prometheus glue shared by the server, the agent and the monitor (never imported by a display).

- ``instrument_app(app, registry, service_name)``: an ASGI middleware counting requests and timing them per
  *route template* (``/api/v1/tickets/{ticket_id}``, never the raw URL, so a scan of random paths cannot
  blow up the label set), and ``GET /metrics`` answering the registry in the Prometheus text format.
- ``ScrapeCollector``: a collector whose samples are computed at scrape time by a function of the component
  (queue lengths, outbox depth), so no gauge has to be kept in step by hand.
- ``serve_registry(registry, port)``: a small HTTP server on 127.0.0.1 for a process that has no web app.

See docs/metrics.md for every metric name.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

__all__ = [
    "CONTENT_TYPE_LATEST",
    "ScrapeCollector",
    "counter_family",
    "gauge_family",
    "instrument_app",
    "metrics_response_body",
    "serve_registry",
]

logger = logging.getLogger(__name__)
# No ``*_created`` series: the text format has no use for them and they double every counter's lines.
disable_created_metrics()  # type: ignore[no-untyped-call]

# Seconds; the ticket path answers in milliseconds, a KPI report or an SSE stream may take much longer.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "<unmatched>"


def gauge_family(name: str, doc: str, labels: Iterable[str] = ()) -> GaugeMetricFamily:
    """A gauge family to fill in a collector."""
    return GaugeMetricFamily(name, doc, labels=list(labels))


def counter_family(name: str, doc: str, labels: Iterable[str] = ()) -> CounterMetricFamily:
    """A counter family to fill in a collector (``name`` without ``_total``)."""
    return CounterMetricFamily(name, doc, labels=list(labels))


class ScrapeCollector(Collector):
    """Samples computed by ``produce()`` at every scrape; a failing ``produce`` yields nothing, logged once."""

    def __init__(self, produce: Callable[[], Iterable[Metric]]) -> None:
        self._produce = produce
        self._failed = False

    def collect(self) -> Iterator[Metric]:
        try:
            metrics = list(self._produce())
        except Exception:
            if not self._failed:
                logger.exception("metrics collector failed")
            self._failed = True
            return iter(())
        self._failed = False
        return iter(metrics)


def metrics_response_body(registry: CollectorRegistry) -> bytes:
    """The registry in the Prometheus text exposition format."""
    return generate_latest(registry)


def _route_template(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        # A mount (static files) answers for a whole subtree: its prefix is the template.
        return path or "/"
    return UNMATCHED


class _MetricsMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware: no extra task per request on the ticket path)."""

    def __init__(self, app: Any, requests: Counter, latency: Histogram) -> None:
        self.app = app
        self.requests = requests
        self.latency = latency

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def send_wrapper(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = _route_template(scope)
            method = str(scope.get("method", "GET"))
            self.requests.labels(method, route, str(status[0])).inc()
            self.latency.labels(method, route).observe(time.perf_counter() - started)


def instrument_app(app: Any, registry: CollectorRegistry, *, prefix: str, path: str = "/metrics") -> None:
    """Count and time every request of a FastAPI/Starlette ``app`` per route template; serve ``path``.

    Metrics: ``{prefix}_http_requests_total{method,route,status}`` and
    ``{prefix}_http_request_duration_seconds{method,route}`` (a histogram).
    """
    from starlette.responses import Response

    requests = Counter(
        f"{prefix}_http_requests",
        "HTTP requests answered, per method, route template and status code.",
        ["method", "route", "status"],
        registry=registry,
    )
    latency = Histogram(
        f"{prefix}_http_request_duration_seconds",
        "Time to answer an HTTP request, per method and route template.",
        ["method", "route"],
        buckets=LATENCY_BUCKETS,
        registry=registry,
    )
    app.add_middleware(_MetricsMiddleware, requests=requests, latency=latency)

    async def metrics() -> Response:
        return Response(metrics_response_body(registry), media_type=CONTENT_TYPE_LATEST)

    async def metrics_route(_request: object) -> Response:
        return await metrics()

    if hasattr(app, "add_api_route"):  # FastAPI: the app's own dependencies (an access guard) apply to it
        app.add_api_route(path, metrics, methods=["GET"], include_in_schema=False)
    else:
        app.add_route(path, metrics_route, methods=["GET"], include_in_schema=False)
    app.state.metrics_registry = registry


def serve_registry(registry: CollectorRegistry, port: int, host: str = "127.0.0.1") -> tuple[Any, Any]:
    """Serve ``registry`` at ``http://host:port/metrics`` from a daemon thread; returns (server, thread).

    Stop it with ``server.shutdown(); server.server_close()``.
    """
    server, thread = start_http_server(port, addr=host, registry=registry)
    logger.info("metrics on http://%s:%d/metrics", host, server.server_port)
    return server, thread
