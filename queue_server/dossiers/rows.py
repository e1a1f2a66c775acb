"""``dossiers`` rows ⇄ ``queue_server.core.dossier.Dossier``. Translates; decides nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from queue_server.core.dossier import Dossier, HistoryEntry


def _dt(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _iso(value: datetime | None) -> str | None:
    # Stored in UTC, so that SQL compares times as text (due_at < now) correctly.
    return value.astimezone(UTC).isoformat() if value else None


def dossier_from_row(row: dict[str, Any]) -> Dossier:
    """The domain state of a row of ``dossiers``."""
    history = tuple(
        HistoryEntry(h["status"], datetime.fromisoformat(h["at"]), h.get("staff_id"), h.get("reason"))
        for h in json.loads(row.get("history") or "[]")
    )
    return Dossier(
        id=row["id"],
        procedure_code=row["procedure_code"],
        status=row["status"],
        channel=row.get("channel") or "kiosk",
        created_at=datetime.fromisoformat(row["created_at"]),
        on_the_spot=bool(row.get("on_the_spot")),
        department=row.get("department"),
        ticks=tuple((str(k), int(c)) for k, c in json.loads(row.get("ticks") or "[]")),
        code=row.get("code"),
        received_at=_dt(row.get("received_at")),
        received_by=row.get("received_by"),
        due_at=_dt(row.get("due_at")),
        forwarded_at=_dt(row.get("forwarded_at")),
        result_ready_at=_dt(row.get("result_ready_at")),
        returned_at=_dt(row.get("returned_at")),
        closed_at=_dt(row.get("closed_at")),
        reason=row.get("reason"),
        supplements=int(row.get("supplements") or 0),
        requested=tuple(json.loads(row.get("requested_kinds") or "[]")),
        history=history,
    )


def state_columns(d: Dossier) -> dict[str, Any]:
    """The columns a transition writes."""
    return {
        "status": d.status,
        "department": d.department,
        "ticks": json.dumps([list(t) for t in d.ticks]),
        "code": d.code,
        "received_at": _iso(d.received_at),
        "received_by": d.received_by,
        "due_at": _iso(d.due_at),
        "forwarded_at": _iso(d.forwarded_at),
        "result_ready_at": _iso(d.result_ready_at),
        "returned_at": _iso(d.returned_at),
        "closed_at": _iso(d.closed_at),
        "reason": d.reason,
        "supplements": d.supplements,
        "requested_kinds": json.dumps(list(d.requested)),
        "history": json.dumps(
            [
                {"status": h.status, "at": h.at.isoformat(), "staff_id": h.staff_id, "reason": h.reason}
                for h in d.history
            ],
            ensure_ascii=False,
        ),
    }


def save_state(conn: Any, d: Dossier, now: datetime, **extra: Any) -> None:
    """Write a dossier's state (and ``extra`` columns) in the caller's transaction."""
    columns = {**state_columns(d), "updated_at": now.isoformat(), **extra}
    sets = ", ".join(f"{name} = ?" for name in columns)
    conn.execute(f"UPDATE dossiers SET {sets} WHERE id = ?", (*columns.values(), d.id))
