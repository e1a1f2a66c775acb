"""API docs served offline: Swagger UI at ``/docs`` and ReDoc at ``/redoc``, for the site server and the monitor.

A centre's LAN (and often the province's) has no internet, so nothing is fetched from a CDN: the scripts and
styles come from the installed ``fastapi-offline`` package (MIT; it ships Swagger UI 5, which reads the OpenAPI
3.1 that FastAPI emits, and ReDoc's standalone bundle) and are served by the app itself under ``/docs-assets``.
FastAPI's own pages, which load from a CDN, are taken off first. No Google Fonts, no validator badge, and a
Content-Security-Policy on the pages lets the browser load nothing from another origin (ReDoc's bundle would
fetch its sponsor's logo; blocked, the logo hides itself).

FastAPI is imported only inside :func:`mount_api_docs`: the devices import ``motcua.runtime`` without it.

This module does not use ``from __future__ import annotations``: FastAPI reads the handlers' annotations
(``request: Request``) at definition time, and ``Request`` is imported inside the function.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
ASSETS_URL = "/docs-assets"
# The pages' own inline script (FastAPI's) and the inline styles of both UIs; ReDoc's search runs in a blob: worker.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
ASSETS_PACKAGE = "fastapi_offline"  # its ``static/`` holds swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js


def assets_dir() -> str:
    """The folder of the Swagger UI and ReDoc files of ``fastapi-offline`` (in the server and monitor extras)."""
    from importlib import resources

    return str(resources.files(ASSETS_PACKAGE) / "static")


def mount_api_docs(app: "FastAPI", title: str | None = None) -> None:
    """Serve ``/docs`` (Swagger UI), ``/docs/oauth2-redirect`` and ``/redoc`` (ReDoc) on ``app`` from local files.

    ``title`` (default: the app's title) names the pages. Pages built in by FastAPI (``docs_url``,
    ``redoc_url``), which load their scripts from a CDN, are removed.
    """
    from fastapi import Request
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles
    from starlette.routing import Route

    def _offline(page: HTMLResponse) -> HTMLResponse:
        page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return page

    name = title or app.title
    builtin = {app.docs_url, app.redoc_url}
    if app.docs_url:
        builtin.add(app.swagger_ui_oauth2_redirect_url)
    app.router.routes[:] = [r for r in app.router.routes if not (isinstance(r, Route) and r.path in builtin)]
    app.docs_url = app.redoc_url = None

    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or f"{DOCS_URL}/oauth2-redirect"
    swagger_parameters = {**(app.swagger_ui_parameters or {}), "validatorUrl": None}
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{name} – Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=root + oauth2_redirect_url,
            swagger_ui_parameters=swagger_parameters,
        )
        return _offline(page)

    @app.get(oauth2_redirect_url, include_in_schema=False)
    def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return _offline(get_swagger_ui_oauth2_redirect_html())

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{name} – ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        return _offline(page)
