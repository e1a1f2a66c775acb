"""The procedure catalogue: browse by field, search with or without diacritics (public)."""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from queue_server.api.errors import ApiError, ErrorBody
from queue_server.core.catalogue import Catalogue, Procedure
from queue_server.core.search import search_procedures

router = APIRouter(prefix="/api/v1", tags=["catalogue"])
ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in (404, 422)}


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The packaged catalogue, parsed once."""
    from queue_server.catalogue import load_default_catalogue

    return load_default_catalogue()


def procedure_public(procedure: Procedure, *, full: bool) -> dict[str, Any]:
    """A procedure as JSON; the summary leaves out documents and the form."""
    body = dataclasses.asdict(procedure)
    body.pop("_by_code", None)
    if not full:
        body.pop("documents", None)
        body.pop("form", None)
        body["has_form"] = bool(procedure.form)
    return body


@router.get("/fields")
def list_fields() -> list[dict[str, Any]]:
    """Fields (lĩnh vực) to browse by, with how many procedures each has."""
    cat = catalogue()
    counts: dict[str, int] = {}
    for procedure in cat.procedures:
        counts[procedure.field] = counts.get(procedure.field, 0) + 1
    return [{**dataclasses.asdict(f), "procedures": counts.get(f.code, 0)} for f in cat.fields]


@router.get("/procedures", responses=ERRORS)
def list_procedures(
    q: Annotated[str | None, Query(max_length=200, description="Search text, with or without diacritics.")] = None,
    field: Annotated[str | None, Query(max_length=32)] = None,
    level: Annotated[str | None, Query(pattern=r"^(province|district|commune)$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    """Search or browse procedures; the best match first."""
    hits = search_procedures(catalogue(), q or "", limit=limit, field=field, level=level)
    return {
        "query": q or "",
        "count": len(hits),
        "items": [{**procedure_public(h.procedure, full=False), "score": round(h.score, 3)} for h in hits],
    }


@router.get("/procedures/{code}", responses=ERRORS)
def get_procedure(code: Annotated[str, Path(min_length=1, max_length=40)]) -> dict[str, Any]:
    """One procedure with its documents and form fields."""
    procedure = catalogue().get_procedure(code)
    if procedure is None:
        raise ApiError(404, "unknown_procedure", f"Không có thủ tục '{code}'.", f"No procedure '{code}'.")
    return procedure_public(procedure, full=True)
