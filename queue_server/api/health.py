"""``GET /api/v1/health``: is the server up and does it reach its MQTT broker (what the console shows)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

router = APIRouter(prefix="/api/v1", tags=["health"])


class Health(BaseModel):
    """The server answers; ``mqtt``: its broker connection (``none`` when the server runs without one)."""

    status: Literal["ok"]
    site: str
    mqtt: Literal["connected", "disconnected", "none"]


@router.get("/health", response_model=Health)
def health(request: Request) -> Health:
    """Liveness and the MQTT broker state (public: no token, nothing personal)."""
    publisher = getattr(request.app.state, "publisher", None)
    if publisher is None:
        mqtt: Literal["connected", "disconnected", "none"] = "none"
    else:
        mqtt = "connected" if publisher.connection.connected else "disconnected"
    return Health(status="ok", site=request.app.state.service.site_id, mqtt=mqtt)
