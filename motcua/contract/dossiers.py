"""What the site server, the staff console and the monitor agree on about dossiers (hồ sơ TTHC).

The statuses of a dossier's life, the one rule that formats a dossier code, and the HTTP shapes of
``/api/v1/dossiers…`` (see docs/dossiers.md). Personal data (form values, papers) appears only in the
``DossierView.data`` of staff reads; never in events, logs or MQTT.
"""

from __future__ import annotations

import re
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CHANNELS",
    "CODE_PATTERN",
    "DOSSIER_STATUSES",
    "OPEN_STATUSES",
    "TERMINAL_STATUSES",
    "ChecklistItem",
    "ChecklistTick",
    "ChecklistUpdate",
    "DossierDraftCreate",
    "DossierEdit",
    "DossierSummary",
    "DossierView",
    "ForwardBody",
    "MissingPapers",
    "PaperRecordView",
    "ReasonBody",
    "SupplementRequest",
    "dossier_code",
    "parse_dossier_code",
]

Status = Literal[
    "prepared",  # at the kiosk, waiting for the desk
    "draft",  # a walk-in's dossier being filled at the desk
    "received",  # the desk took it: code and appointment date given
    "forwarded",  # sent to the competent department
    "supplement_requested",
    "supplemented",
    "result_ready",
    "returned",  # the result handed to the citizen
    "cancelled",
    "refused",
]
DOSSIER_STATUSES: Final[tuple[str, ...]] = (
    "prepared",
    "draft",
    "received",
    "forwarded",
    "supplement_requested",
    "supplemented",
    "result_ready",
    "returned",
    "cancelled",
    "refused",
)
TERMINAL_STATUSES: Final = frozenset({"returned", "cancelled", "refused"})
# Received and still on someone's desk: the ones that can be late.
OPEN_STATUSES: Final = frozenset({"received", "forwarded", "supplement_requested", "supplemented"})
CHANNELS: Final = ("kiosk", "desk")

# The dossier code, in the national form of Thông tư 01/2018/TT-VPCP, Điều 19: ``V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX``,
# the receiving unit's identifier code (mã định danh, Thông tư 10/2016/TT-BTTTT; here ``MOTCUA_DOSSIER_SITE_CODE``,
# by default the site id), the day received (local time) and the sequence of that day at that unit, 4 digits:
# ``000.00.12.H04-261130-0001``. The national form has no procedure in it: the procedure's national code
# travels beside the dossier code (on the slip and in every dossier event), so one sequence serves the site.
CODE_FORMAT: Final = "{site_code}-{yymmdd}-{seq:04d}"
CODE_PATTERN: Final = r"^(?P<site>[A-Za-z0-9_.-]{1,40})-(?P<yymmdd>\d{6})-(?P<seq>\d{4,})$"


def dossier_code(site_code: str, yymmdd: str, seq: int) -> str:
    """The dossier code of the ``seq``-th dossier (1-based) received at ``site_code`` on ``yymmdd``."""
    if seq < 1:
        raise ValueError("a dossier sequence starts at 1")
    if not re.fullmatch(r"\d{6}", yymmdd):
        raise ValueError("yymmdd must be six digits")
    return CODE_FORMAT.format(site_code=site_code.upper(), yymmdd=yymmdd, seq=seq)


def parse_dossier_code(code: str) -> tuple[str, str, int] | None:
    """``(site_code, yymmdd, seq)`` of a dossier code, or None when it is not one."""
    match = re.fullmatch(CODE_PATTERN, code)
    if match is None:
        return None
    return match["site"], match["yymmdd"], int(match["seq"])


_FieldName = Annotated[str, Field(max_length=64, pattern=r"^[a-z][a-z0-9_]{0,63}$")]
_FieldValue = Annotated[str, Field(max_length=500)]
_Kind = Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[A-Z][A-Z0-9_]{0,23}$")]


class DossierDraftCreate(BaseModel):
    """A walk-in's dossier started at the desk for a procedure (``ticket_id``: else the counter's current one)."""

    model_config = ConfigDict(extra="forbid")
    procedure_code: str = Field(min_length=1, max_length=40)
    ticket_id: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    data: dict[_FieldName, _FieldValue] = Field(default_factory=dict, max_length=60)


class DossierEdit(BaseModel):
    """Form values to change; an empty string clears a field."""

    model_config = ConfigDict(extra="forbid")
    data: dict[_FieldName, _FieldValue] = Field(max_length=60)


class ChecklistTick(BaseModel):
    """One paper ticked (or unticked) by the clerk, with how many copies were handed in."""

    model_config = ConfigDict(extra="forbid")
    received: bool
    count: int | None = Field(None, ge=0, le=99)


class ChecklistUpdate(BaseModel):
    """Checklist ticks by paper kind."""

    model_config = ConfigDict(extra="forbid")
    items: dict[_Kind, ChecklistTick] = Field(max_length=60)


class ReasonBody(BaseModel):
    """Why a dossier is cancelled or refused (shown to the citizen; no personal data please)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)


class ForwardBody(BaseModel):
    """Where a received dossier goes (default: the procedure's competent department)."""

    model_config = ConfigDict(extra="forbid")
    department: str | None = Field(None, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")


class SupplementRequest(BaseModel):
    """A department asks for more papers: which kinds, and why."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)
    kinds: list[_Kind] = Field(default_factory=list, max_length=60)


class ChecklistItem(BaseModel):
    """One paper of the procedure's checklist and what the desk has of it."""

    kind: str
    vi: str
    en: str
    required: bool
    presentation: Literal["original", "copy", "shown"]
    count: int
    received: bool
    received_count: int
    paper_ids: list[str]


class PaperRecordView(BaseModel):
    """A digitised paper (its content is read at ``/dossiers/{id}/papers/{paper_id}``)."""

    id: str
    dossier_id: str
    kind: str
    sha256: str
    pages: int
    size: int
    content_type: str
    created_at: str
    thumbnails: int = 0
    is_result: bool = False
    duplicate: bool = False


class DossierSummary(BaseModel):
    """A dossier in a list (a department's queue, the day's dossiers): no personal data."""

    id: str
    code: str | None
    receipt_code: str
    status: str
    channel: str
    procedure_code: str
    procedure_name_vi: str
    procedure_name_en: str
    department: str | None
    ticket_id: str | None
    received_at: str | None
    due_at: str | None
    due_date: str | None
    late: bool
    papers: int


class DossierView(DossierSummary):
    """The whole dossier for the staff who handle it: reading it is written to the access log."""

    procedure: dict[str, object]
    ticket_number: str | None
    form: list[dict[str, object]]
    data: dict[str, str]
    checklist: list[ChecklistItem]
    missing_required: list[str]
    requested: list[str]  # kinds an open supplement request asks for
    paper_list: list[PaperRecordView]
    received_by: str | None
    forwarded_at: str | None
    result_ready_at: str | None
    returned_at: str | None
    called_at: str | None
    reason: str | None
    history: list[dict[str, object]]
    created_at: str


class MissingPapers(BaseModel):
    """What the printed "phiếu hướng dẫn bổ sung hồ sơ" says: the papers still to bring."""

    dossier_id: str
    receipt_code: str
    code: str | None
    procedure: dict[str, object]
    missing: list[ChecklistItem]
    note_vi: str | None
    note_en: str | None
    site_name_vi: str
    site_name_en: str
    issued_at: str
    staff_id: str | None
