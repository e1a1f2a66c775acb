"""Citizen feedback: capture after service, the counter tablet's view, sentiment from the agent, KPIs."""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from queue_server.api.deps import (
    FeedbackReaderDep,
    IdempotencyKey,
    PrincipalDep,
    request_hash,
    require_idempotency_key,
    require_roles,
)
from queue_server.api.errors import ApiError, ErrorBody
from queue_server.auth import Principal
from queue_server.feedback import FeedbackDesk

router = APIRouter(prefix="/api/v1", tags=["feedback"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 422)}

# "feedback" is a counter-side tablet (a kiosk may take feedback too), "agent" the site's edge agent.
TabletDep = Annotated[Principal, Depends(require_roles("kiosk", "feedback"))]
AgentDep = Annotated[Principal, Depends(require_roles("agent"))]
ManagerDep = Annotated[Principal, Depends(require_roles())]
CounterId = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]
FeedbackId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Code = Annotated[str, Field(min_length=1, max_length=40)]
Label = Literal["negative", "neutral", "positive"]


class FeedbackCreate(BaseModel):
    """A citizen's rating of a served visit: the ticket (id, or number as printed), ratings, a comment."""

    model_config = ConfigDict(extra="forbid")
    ticket_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    number: str | None = Field(None, min_length=1, max_length=12, description="Ticket number as printed, e.g. A012.")
    day: Date | None = Field(None, description="Service day of the number, YYYY-MM-DD; today by default.")
    rating: Code = Field(description="Overall: very_satisfied | satisfied | neutral | dissatisfied.")
    ratings: dict[Code, Code] = Field(
        default_factory=dict, max_length=20, description="Per criterion, e.g. {staff_attitude: satisfied}."
    )
    comment: str | None = Field(None, max_length=4000, description="Optional comment (at most 1000 characters).")
    lang: Literal["vi", "en"] = "vi"


class SentimentCreate(BaseModel):
    """The sentiment of a feedback's comment, from the site's edge agent (ONNX model)."""

    model_config = ConfigDict(extra="forbid")
    label: Label
    score: float = Field(ge=0.0, le=1.0)
    probabilities: dict[Label, Annotated[float, Field(ge=0.0, le=1.0)]] | None = None
    topics: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list, max_length=20)
    rating_mismatch: bool | None = Field(None, description="Computed from the rating when omitted.")


def desk_of(request: Request) -> FeedbackDesk:
    """The feedback desk of this app."""
    found: FeedbackDesk = request.app.state.feedback
    return found


@router.post("/feedback", status_code=201, responses=ERRORS)
def submit_feedback(
    body: FeedbackCreate,
    request: Request,
    principal: TabletDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Rate a served visit. One feedback per ticket (a second → 409); retrying with the same key replays."""
    key = require_idempotency_key(idempotency_key)
    stored, replayed = desk_of(request).submit(
        ticket_id=body.ticket_id,
        number=body.number,
        day=body.day.isoformat() if body.day else None,
        rating=body.rating,
        ratings=body.ratings,
        comment=body.comment,
        lang=body.lang,
        idempotency_key=key,
        scope=principal.token_id,
        request_hash=request_hash(body.model_dump(mode="json")),
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return stored


@router.get("/counters/{counter_id}/last-served", responses=ERRORS)
def last_served(counter_id: CounterId, request: Request, principal: PrincipalDep) -> dict[str, Any]:
    """The ticket just served at this counter, if recent and not yet rated (the counter's feedback tablet)."""
    if principal.role == "counter" and principal.counter_id != counter_id:
        raise ApiError(
            403, "forbidden_counter", "Mã truy cập này thuộc quầy khác.", "This token belongs to another counter."
        )
    if principal.role not in ("admin", "kiosk", "feedback", "counter"):
        raise ApiError(
            403,
            "forbidden_role",
            "Thiết bị này không được phép thực hiện thao tác này.",
            f"A {principal.role} token may not do this.",
        )
    return desk_of(request).last_served(counter_id)


@router.post("/feedback/{feedback_id}/sentiment", responses=ERRORS)
def attach_sentiment(
    feedback_id: FeedbackId, body: SentimentCreate, request: Request, principal: AgentDep
) -> dict[str, Any]:
    """The edge agent's score of the comment; ``rating_mismatch`` flags it for a manager's review."""
    return desk_of(request).attach_sentiment(
        feedback_id,
        label=body.label,
        score=body.score,
        probabilities={str(k): v for k, v in body.probabilities.items()} if body.probabilities else None,
        topics=tuple(body.topics),
        mismatch=body.rating_mismatch,
        scored_by=f"{principal.role}:{principal.token_id}",
    )


@router.get("/feedback", responses=ERRORS)
def list_feedback(
    request: Request,
    principal: ManagerDep,
    date: Annotated[Date | None, Query(description="Service day, YYYY-MM-DD; today by default.")] = None,
    counter: Annotated[str | None, Query(max_length=16, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    flagged: Annotated[
        bool | None, Query(description="Only comments contradicting their rating (or only not).")
    ] = None,
) -> dict[str, Any]:
    """Feedback of a day with comments and sentiment, for the centre's managers."""
    return desk_of(request).list_feedback(date.isoformat() if date else None, counter, flagged)


@router.get("/kpis/feedback", responses=ERRORS)
def feedback_kpis(
    request: Request,
    principal: FeedbackReaderDep,
    date: Annotated[Date | None, Query(description="Service day, YYYY-MM-DD; today by default.")] = None,
) -> dict[str, Any]:
    """Satisfaction % (overall, per criterion, counter, service, staff), comment sentiment, flagged count."""
    return desk_of(request).kpis(date.isoformat() if date else None)
