"""The site's event log, for the site's edge agent: ``GET /api/v1/events?after=SEQ&limit=N``.

The agent learns events over MQTT, from a persistent session; what was published before that session
existed (or while the broker had lost it) it reads here, from the sequence it has processed up to.
Pages are in sequence order; ask again with ``next_after`` until ``next_after`` reaches ``last_seq``.
The data is the log's own (personal fields included): an agent token or an admin token only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from motcua.contract.mqtt import EventEnvelope
from motcua.contract.uplink import EventPage
from queue_server.api.deps import ServiceDep, require_roles
from queue_server.api.errors import ErrorBody
from queue_server.auth import Principal

router = APIRouter(prefix="/api/v1", tags=["events"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (401, 403, 422)}
AgentDep = Annotated[Principal, Depends(require_roles("agent"))]

MAX_LIMIT = 1000
MAX_SEQ = 2**63 - 1  # SQLite INTEGER: a larger ``after`` is a 422, not an overflow


@router.get("/events", response_model=EventPage, responses=ERRORS)
def list_events(
    service: ServiceDep,
    principal: AgentDep,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="Return events with a sequence above this.")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"At most this many (1-{MAX_LIMIT}).")] = 500,
) -> EventPage:
    """Events of the site's log after ``after``, oldest first, with their log sequence (agent or admin token)."""
    events, last_seq = service.events_after(after, limit)
    return EventPage(
        site=service.site_id,
        after=after,
        next_after=events[-1][0] if events else after,
        last_seq=last_seq,
        events=[
            EventEnvelope(site=service.site_id, seq=seq, type=event.type, at=event.at, data=event.data)
            for seq, event in events
        ],
    )
