"""Circular 03/2025 forms 01–07 of the dossiers (docs/forms.md): issue, list, download, tracking book, deadlines."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from queue_server.api.dossiers import ERRORS, DossierId, PaperId, Purpose, StaffDep, _purpose, actor_of, desk
from queue_server.forms import FormDesk, build_form_desk

router = APIRouter(prefix="/api/v1", tags=["forms"])
FormNo = Annotated[str, Path(pattern=r"^0[1-6]$", description="01–06 (07 is the tracking book)")]


class FormBody(BaseModel):
    """What a form needs besides the dossier's data: a reason (02–05), the new date (04), missing kinds (02)."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(None, max_length=1000)
    new_date: date | None = None
    kinds: list[Annotated[str, Field(max_length=24)]] = Field(default_factory=list, max_length=40)


def forms(request: Request) -> FormDesk:
    found: FormDesk | None = getattr(request.app.state, "forms", None)
    if found is None:
        found = build_form_desk(desk(request), request.app.state.settings)
        request.app.state.forms = found
    return found


@router.post("/dossiers/{dossier_id}/forms/{form}", status_code=201, responses=ERRORS)
async def issue_form(
    dossier_id: DossierId,
    form: FormNo,
    request: Request,
    principal: StaffDep,
    response: Response,
    body: FormBody | None = None,
) -> dict[str, Any]:
    """Issue form ``form`` for the dossier: the PDF is kept with it (encrypted) and ``dossier.form_issued`` written;
    the very same PDF again answers 200 with ``duplicate``."""
    actor = await run_in_threadpool(actor_of, request, principal)
    payload = body.model_dump(mode="json", exclude_none=True) if body else {}
    issued = await run_in_threadpool(forms(request).issue, actor, dossier_id, form, payload)
    if issued["duplicate"]:
        response.status_code = 200
    return issued


@router.get("/dossiers/{dossier_id}/forms", responses=ERRORS)
def list_forms(dossier_id: DossierId, request: Request, principal: StaffDep) -> list[dict[str, Any]]:
    """The forms issued for this dossier, oldest first."""
    return forms(request).list_forms(actor_of(request, principal), dossier_id)


@router.get("/dossiers/{dossier_id}/forms/{paper_id}.pdf", responses=ERRORS)
def read_form(
    dossier_id: DossierId, paper_id: PaperId, request: Request, principal: StaffDep, purpose: Purpose = None
) -> Response:
    """An issued form's PDF (decrypted, hash-checked); the read is written to the access log."""
    data = forms(request).read_form(actor_of(request, principal), dossier_id, paper_id, _purpose(principal, purpose))
    return Response(data, media_type="application/pdf", headers={"Cache-Control": "no-store"})


@router.get("/forms/07", responses=ERRORS)
def tracking_book(
    request: Request,
    principal: StaffDep,
    from_: Annotated[date, Query(alias="from")],
    to: date,
    desk_id: Annotated[str | None, Query(alias="desk", max_length=16, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    department: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")] = None,
    format: Literal["pdf", "csv"] = "pdf",
) -> Response:
    """Form 07, the dossier tracking book of a counter (``desk``) or a department over ``from``–``to``."""
    data, media = forms(request).tracking_book(
        actor_of(request, principal), from_, to, desk_id=desk_id, department=department, fmt=format
    )
    name = f"so-theo-doi-{from_.isoformat()}-{to.isoformat()}.{format}"
    return Response(
        data,
        media_type=media,
        headers={"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/forms/due-soon", responses=ERRORS)
def due_soon(
    request: Request, principal: StaffDep, within_hours: Annotated[float, Query(gt=0, le=24 * 31)] = 24
) -> list[dict[str, Any]]:
    """Open dossiers whose deadline passes within ``within_hours`` (late ones too), soonest first, each with
    ``hours_left`` and ``apology_issued`` (whether form 04 exists): the console's warning list."""
    return forms(request).due_soon(actor_of(request, principal), within_hours)
