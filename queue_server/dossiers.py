"""Dossiers prepared at a kiosk: stored with their ticket, listed for the counter that serves it.

The form data is personal (names, ID numbers): it lives in the ``dossiers`` table only, is never
written into the event log or logs, and is purged after the retention period.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from motcua.contract import events as ev
from motcua.contract.events import DomainEvent, DossierSubmitted
from queue_server.core.catalogue import Catalogue
from queue_server.core.errors import DomainError, NotFound
from queue_server.idempotency import IdempotentRequest
from queue_server.service import QueueService
from queue_server.store import repo

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by clerks


def new_receipt_code() -> str:
    """An 8-character receipt code a citizen can read out, e.g. ``HS-7KQ2-M9TA``."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"HS-{chars[:4]}-{chars[4:]}"


@dataclass
class DossierDesk:
    """Dossier use cases over the queue service's database."""

    service: QueueService
    catalogue: Catalogue
    retention_days: int = 30

    def submit(
        self,
        procedure_code: str,
        ticket_id: str | None,
        data: dict[str, str],
        *,
        idempotency_key: str,
        scope: str,
        request_hash: str,
    ) -> tuple[dict[str, Any], bool]:
        """Store a dossier (idempotent by key); returns its id and receipt code."""
        procedure = next((p for p in self.catalogue.procedures if p.code == procedure_code), None)
        if procedure is None:
            raise NotFound(
                "unknown_procedure", f"Không có thủ tục '{procedure_code}'.", f"No procedure '{procedure_code}'."
            )
        names = {f.name for f in procedure.form}
        unknown = sorted(set(data) - names)
        if unknown:
            raise DomainError(
                "unknown_fields",
                f"Trường không có trong tờ khai: {', '.join(unknown)}.",
                f"Fields not in the form: {', '.join(unknown)}.",
                status=422,
            )
        missing = [f for f in procedure.form if f.required and not str(data.get(f.name, "")).strip()]
        if missing:
            raise DomainError(
                "missing_fields",
                f"Chưa điền: {', '.join(f.label_vi for f in missing)}.",
                f"Missing: {', '.join(f.label_en for f in missing)}.",
                status=422,
            )
        request = IdempotentRequest(f"dossier:{scope}", idempotency_key, request_hash)
        with self.service.db.transaction() as conn:
            previous = request.replay(conn)
            if previous is not None:
                return previous, True
            ticket = repo.load_ticket(conn, ticket_id) if ticket_id else None
            if ticket_id and ticket is None:
                raise NotFound("unknown_ticket", "Không tìm thấy vé.", "Ticket not found.")
            now = self.service.clock()
            dossier_id = secrets.token_urlsafe(12)
            receipt = new_receipt_code()
            conn.execute(
                "INSERT INTO dossiers (id, receipt_code, procedure_code, ticket_id, service, data, created_at,"
                " purge_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    dossier_id,
                    receipt,
                    procedure.code,
                    ticket_id,
                    procedure.service,
                    json.dumps(data, ensure_ascii=False),
                    now.isoformat(),
                    (now + timedelta(days=self.retention_days)).isoformat(),
                ),
            )
            if ticket_id:
                conn.execute("UPDATE tickets SET dossier_id = ? WHERE id = ?", (dossier_id, ticket_id))
            response = {
                "id": dossier_id,
                "receipt_code": receipt,
                "procedure_code": procedure.code,
                "ticket_id": ticket_id,
                "created_at": now.isoformat(),
            }
            request.remember(conn, response, now)
            event = DomainEvent.of(
                ev.DOSSIER_SUBMITTED,
                now,
                DossierSubmitted(
                    dossier_id=dossier_id,
                    procedure_code=procedure.code,
                    ticket_id=ticket_id,
                    number=ticket.number if ticket else None,
                    service=procedure.service,
                ),
            )
            seq = self.service.commit_events(conn, [event])
        self.service.notify(seq)
        return response, False

    def for_counter(self, counter_id: str) -> list[dict[str, Any]]:
        """Dossiers of tickets that this counter has called, serves, or may call next (today)."""
        counter, _current = self.service.counter(counter_id)
        placeholders = ", ".join("?" for _ in counter.services)
        rows = self.service.db.query(
            "SELECT d.id, d.receipt_code, d.procedure_code, d.created_at, t.id AS ticket_id, t.number, t.status,"
            " t.counter_id FROM dossiers d JOIN tickets t ON t.id = d.ticket_id"
            f" WHERE t.day = ? AND t.service IN ({placeholders})"
            " AND (t.status = 'waiting' OR (t.status IN ('called', 'serving') AND t.counter_id = ?))"
            " ORDER BY t.issued_at",
            (self.service.today(), *counter.services, counter_id),
        )
        names = {p.code: (p.name_vi, p.name_en) for p in self.catalogue.procedures}
        return [
            {
                **dict(r),
                "procedure_name_vi": names.get(r["procedure_code"], ("", ""))[0],
                "procedure_name_en": names.get(r["procedure_code"], ("", ""))[1],
            }
            for r in rows
        ]

    def get(self, dossier_id: str) -> dict[str, Any]:
        """A whole dossier with its form data (staff only)."""
        rows = self.service.db.query(
            "SELECT * FROM dossiers WHERE id = ? OR receipt_code = ?", (dossier_id, dossier_id)
        )
        if not rows:
            raise NotFound("unknown_dossier", "Không tìm thấy hồ sơ.", "Dossier not found.")
        row = dict(rows[0])
        row["data"] = json.loads(row["data"])
        return row

    def purge_expired(self, now: datetime | None = None) -> int:
        """Blank the personal data of dossiers past their retention period; returns how many."""
        moment = (now or self.service.clock()).isoformat()
        with self.service.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE dossiers SET data = '{}', status = 'purged' WHERE purge_after <= ? AND status != 'purged'",
                (moment,),
            )
            return cursor.rowcount
