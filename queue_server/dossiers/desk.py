"""Dossier use cases: prepared at a kiosk or started at the desk, received, followed to the result.

The form data and the papers are personal (names, ID numbers): they live in the ``dossiers`` table and
the encrypted paper store only, are never written into the event log, logs or MQTT, and every read of
them by staff is written to ``dossier_access``. Retention: an unfinished dossier (never received) keeps
its data ``retention_days``; a received one keeps data and papers for the archive period
(``archive_years``), and the purge never touches a dossier before its ``archive_until``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from motcua.contract import events as ev
from motcua.contract.dossiers import dossier_code
from motcua.contract.events import DomainEvent, DossierSubmitted
from queue_server.core import dossier as core
from queue_server.core.catalogue import RESULT_KIND, Catalogue, Document, Procedure
from queue_server.core.errors import DomainError, NotFound
from queue_server.core.workdays import WorkCalendar, due_at
from queue_server.dossiers.rows import dossier_from_row, save_state
from queue_server.idempotency import IdempotentRequest
from queue_server.papers import PaperRecord, PaperStore
from queue_server.service import QueueService
from queue_server.store import repo

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by clerks


def new_receipt_code() -> str:
    """An 8-character receipt code a citizen can read out, e.g. ``HS-7KQ2-M9TA``."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"HS-{chars[:4]}-{chars[4:]}"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the token, its role, its counter or department, and the staff member signed in."""

    token_id: str
    role: str
    counter_id: str | None = None
    department: str | None = None
    staff_id: str | None = None


EVENT_OF_ACTION = {
    "receive": ev.DOSSIER_RECEIVED,
    "forward": ev.DOSSIER_FORWARDED,
    "request_supplement": ev.DOSSIER_SUPPLEMENT_REQUESTED,
    "supplement": ev.DOSSIER_SUPPLEMENTED,
    "result_ready": ev.DOSSIER_RESULT_READY,
    "return_result": ev.DOSSIER_RETURNED,
    "cancel": ev.DOSSIER_CANCELLED,
    "refuse": ev.DOSSIER_REFUSED,
}


@dataclass
class DossierDesk:
    """Dossier use cases over the queue service's database and the paper store."""

    service: QueueService
    catalogue: Catalogue
    retention_days: int = 30
    papers: PaperStore | None = None
    archive_years: int = 10
    site_code: str | None = None
    site_name_vi: str = ""
    site_name_en: str = ""
    calendar_factory: Any = None  # (first_year, last_year) -> WorkCalendar; None: Vietnam's (holidays pkg)
    _calendars: dict[int, WorkCalendar] = field(default_factory=dict, repr=False)

    # -- helpers
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.service.config.timezone)

    def calendar(self, year: int) -> WorkCalendar:
        """The work calendar covering ``year`` and the next (results can be due across New Year)."""
        if year not in self._calendars:
            factory = self.calendar_factory
            if factory is None:
                from queue_server.dossiers.calendar import work_calendar

                factory = work_calendar
            self._calendars[year] = factory(year, year + 1)
        return self._calendars[year]

    def procedure(self, code: str) -> Procedure:
        found = self.catalogue.get_procedure(code)
        if found is None:
            raise NotFound("unknown_procedure", f"Không có thủ tục '{code}'.", f"No procedure '{code}'.")
        return found

    def _row(self, dossier_id: str) -> dict[str, Any]:
        rows = self.service.db.query(
            "SELECT * FROM dossiers WHERE id = ? OR receipt_code = ? OR code = ?", (dossier_id, dossier_id, dossier_id)
        )
        if not rows:
            raise NotFound("unknown_dossier", "Không tìm thấy hồ sơ.", "Dossier not found.")
        return dict(rows[0])

    def _check_scope(self, actor: Actor, row: dict[str, Any]) -> None:
        """A department token with a department sees only that department's dossiers."""
        if actor.role == "department":
            if row["status"] in ("prepared", "draft"):
                raise DomainError(
                    "forbidden_dossier",
                    "Hồ sơ chưa được tiếp nhận, cơ quan chuyên môn chưa được xem.",
                    "The dossier has not been received yet: departments cannot see it.",
                    status=403,
                )
            if actor.department and row.get("department") not in (None, actor.department):
                raise DomainError(
                    "forbidden_dossier",
                    "Hồ sơ thuộc cơ quan khác.",
                    "This dossier belongs to another department.",
                    status=403,
                )

    def _validate_fields(self, procedure: Procedure, data: Mapping[str, str], *, complete: bool) -> None:
        names = {f.name for f in procedure.form}
        unknown = sorted(set(data) - names)
        if unknown:
            raise DomainError(
                "unknown_fields",
                f"Trường không có trong tờ khai: {', '.join(unknown)}.",
                f"Fields not in the form: {', '.join(unknown)}.",
                status=422,
            )
        if complete:
            missing = [f for f in procedure.form if f.required and not str(data.get(f.name, "")).strip()]
            if missing:
                raise DomainError(
                    "missing_fields",
                    f"Chưa điền: {', '.join(f.label_vi for f in missing)}.",
                    f"Missing: {', '.join(f.label_en for f in missing)}.",
                    status=422,
                )

    def log_access(self, conn: Any, dossier_id: str, actor: Actor, purpose: str, what: str) -> None:
        """Append to the access log: who opened this dossier's personal data, when, why."""
        conn.execute(
            "INSERT INTO dossier_access (dossier_id, at, token_id, role, staff_id, purpose, what)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (dossier_id, self.service.clock().isoformat(), actor.token_id, actor.role, actor.staff_id, purpose, what),
        )

    def _event(
        self, event_type: str, now: datetime, d: core.Dossier, row: dict[str, Any], actor: Actor, **kw: Any
    ) -> DomainEvent:
        procedure = self.catalogue.get_procedure(d.procedure_code)
        model = ev.EVENT_MODELS[event_type]
        payload = model(
            dossier_id=d.id,
            code=d.code,
            procedure_code=d.procedure_code,
            national_code=procedure.national_code if procedure else None,
            service=row.get("service"),
            department=d.department,
            channel=d.channel,
            status=d.status,
            ticket_id=row.get("ticket_id"),
            counter_id=actor.counter_id,
            staff_id=actor.staff_id,
            due_at=d.due_at.isoformat() if d.due_at else None,
            due_date=d.due_at.astimezone(self.zone).date().isoformat() if d.due_at else None,
            **kw,
        )
        return DomainEvent.of(event_type, now, payload)

    # -- the kiosk
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
        """Store a dossier prepared at a kiosk (idempotent by key); returns its id and receipt code."""
        procedure = self.procedure(procedure_code)
        self._validate_fields(procedure, data, complete=True)
        return self._create(procedure, ticket_id, data, "kiosk", None, idempotency_key, scope, request_hash)

    def create_draft(
        self,
        actor: Actor,
        procedure_code: str,
        ticket_id: str | None,
        data: dict[str, str],
        *,
        idempotency_key: str,
        request_hash: str,
    ) -> tuple[dict[str, Any], bool]:
        """A walk-in's dossier started at the desk (ticket: the given one, else the counter's current one)."""
        procedure = self.procedure(procedure_code)
        self._validate_fields(procedure, data, complete=False)
        if ticket_id is None and actor.counter_id:
            _counter, current = self.service.counter(actor.counter_id)
            ticket_id = current.id if current else None
        response, replayed = self._create(
            procedure, ticket_id, data, "desk", actor, idempotency_key, f"draft:{actor.token_id}", request_hash
        )
        return self.view(actor, response["id"], "intake"), replayed

    def _create(
        self,
        procedure: Procedure,
        ticket_id: str | None,
        data: dict[str, str],
        channel: str,
        actor: Actor | None,
        idempotency_key: str,
        scope: str,
        request_hash: str,
    ) -> tuple[dict[str, Any], bool]:
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
            status = "prepared" if channel == "kiosk" else "draft"
            conn.execute(
                "INSERT INTO dossiers (id, receipt_code, procedure_code, ticket_id, service, data, status, created_at,"
                " purge_after, channel, department, on_the_spot, counter_id, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    dossier_id,
                    receipt,
                    procedure.code,
                    ticket_id,
                    procedure.service,
                    json.dumps(data, ensure_ascii=False),
                    status,
                    now.isoformat(),
                    (now + timedelta(days=self.retention_days)).isoformat(),
                    channel,
                    procedure.department_code,
                    int(procedure.on_the_spot),
                    actor.counter_id if actor else None,
                    now.isoformat(),
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
                    channel=channel,
                ),
            )
            seq = self.service.commit_events(conn, [event])
        self.service.notify(seq)
        return response, False

    # -- reads
    def for_counter(self, counter_id: str) -> list[dict[str, Any]]:
        """Dossiers of tickets that this counter has called, serves, or may call next (today); no form data."""
        counter, _current = self.service.counter(counter_id)
        placeholders = ", ".join("?" for _ in counter.services)
        rows = self.service.db.query(
            "SELECT d.id, d.receipt_code, d.procedure_code, d.created_at, d.status AS dossier_status, d.channel,"
            " t.id AS ticket_id, t.number, t.status, t.counter_id FROM dossiers d JOIN tickets t ON t.id = d.ticket_id"
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

    def current_for_counter(self, actor: Actor, counter_id: str) -> dict[str, Any]:
        """The dossier of the ticket this counter calls or serves; 404 when the citizen prepared none."""
        _counter, current = self.service.counter(counter_id)
        if current is None:
            raise NotFound("no_ticket", "Quầy chưa gọi vé nào.", "This counter is not serving a ticket.")
        rows = self.service.db.query(
            "SELECT id FROM dossiers WHERE ticket_id = ? AND status NOT IN ('cancelled', 'refused')"
            " ORDER BY created_at DESC LIMIT 1",
            (current.id,),
        )
        if not rows:
            raise NotFound(
                "no_dossier",
                "Công dân chưa chuẩn bị hồ sơ tại ki-ốt; hãy chọn thủ tục để lập hồ sơ tại quầy.",
                "The citizen prepared no dossier at the kiosk: pick the procedure to start one at the desk.",
            )
        return self.view(actor, str(rows[0]["id"]), "intake")

    def get(self, dossier_id: str) -> dict[str, Any]:
        """A raw dossier row with its form data (kept for older callers)."""
        row = self._row(dossier_id)
        row["data"] = json.loads(row["data"])
        return row

    def _summary(self, row: dict[str, Any], now: datetime, papers: int) -> dict[str, Any]:
        d = dossier_from_row(row)
        procedure = self.catalogue.get_procedure(d.procedure_code)
        return {
            "id": d.id,
            "code": d.code,
            "receipt_code": row["receipt_code"],
            "status": d.status,
            "channel": d.channel,
            "procedure_code": d.procedure_code,
            "procedure_name_vi": procedure.name_vi if procedure else "",
            "procedure_name_en": procedure.name_en if procedure else "",
            "department": d.department,
            "ticket_id": row.get("ticket_id"),
            "received_at": row.get("received_at"),
            "due_at": row.get("due_at"),
            "due_date": row.get("due_date"),
            "late": core.is_late(d, now),
            "papers": papers,
        }

    def checklist(
        self, procedure: Procedure | None, d: core.Dossier, papers: list[PaperRecord]
    ) -> list[dict[str, Any]]:
        """The procedure's papers with what the desk has of each."""
        docs = procedure.documents if procedure else ()
        return [
            {
                "kind": doc.kind,
                "vi": doc.vi,
                "en": doc.en,
                "required": doc.required,
                "presentation": doc.presentation,
                "count": doc.count,
                "received": d.tick_count(doc.kind) > 0,
                "received_count": d.tick_count(doc.kind),
                "paper_ids": [p.id for p in papers if p.kind == doc.kind],
            }
            for doc in docs
        ]

    def view(self, actor: Actor, dossier_id: str, purpose: str) -> dict[str, Any]:
        """The whole dossier with its form data; the read is written to the access log."""
        row = self._row(dossier_id)
        self._check_scope(actor, row)
        with self.service.db.transaction() as conn:
            self.log_access(conn, row["id"], actor, purpose, "dossier")
        return self._view(row)

    def _view(self, row: dict[str, Any]) -> dict[str, Any]:
        now = self.service.clock()
        d = dossier_from_row(row)
        procedure = self.catalogue.get_procedure(d.procedure_code)
        papers = self.papers.papers_of(d.id) if self.papers else []
        ticket_number, called_at = None, None
        if row.get("ticket_id"):
            t = self.service.db.query("SELECT number, called_at FROM tickets WHERE id = ?", (row["ticket_id"],))
            if t:
                ticket_number, called_at = t[0]["number"], t[0]["called_at"]
        docs = procedure.documents if procedure else ()
        return {
            **self._summary(row, now, len(papers)),
            "procedure": _procedure_public(procedure) if procedure else {"code": d.procedure_code},
            "ticket_number": ticket_number,
            "form": [_field_public(f) for f in procedure.form] if procedure else [],
            "data": json.loads(row["data"] or "{}"),
            "checklist": self.checklist(procedure, d, papers),
            "missing_required": [doc.kind for doc in core.missing_required(d, docs)],
            "requested": list(d.requested),
            "paper_list": [p.public() for p in papers],
            "received_by": d.received_by,
            "forwarded_at": row.get("forwarded_at"),
            "result_ready_at": row.get("result_ready_at"),
            "returned_at": row.get("returned_at"),
            "called_at": called_at,
            "reason": d.reason,
            "history": [
                {"status": h.status, "at": h.at.isoformat(), "staff_id": h.staff_id, "reason": h.reason}
                for h in d.history
            ],
            "created_at": row["created_at"],
        }

    def list_dossiers(
        self,
        actor: Actor,
        *,
        status: str | None = None,
        late: bool = False,
        department: str | None = None,
        day: str | None = None,
    ) -> list[dict[str, Any]]:
        """Dossiers without form data (a department's queue, or the site's), newest due first."""
        clauses, params = ["1 = 1"], []
        if actor.role == "department":
            clauses.append("status NOT IN ('prepared', 'draft')")
            if actor.department:
                department = actor.department
        if department:
            clauses.append("department = ?")
            params.append(department)
        if status:
            clauses.append("status = ?")
            params.append(status)
        if day:
            clauses.append("substr(COALESCE(received_at, created_at), 1, 10) = ?")
            params.append(day)
        rows = self.service.db.query(
            "SELECT d.*, (SELECT COUNT(*) FROM papers p WHERE p.dossier_id = d.id) AS n_papers FROM dossiers d"
            f" WHERE {' AND '.join(clauses)} ORDER BY COALESCE(due_at, created_at) LIMIT 500",
            tuple(params),
        )
        now = self.service.clock()
        out = [self._summary(dict(r), now, int(r["n_papers"])) for r in rows]
        return [s for s in out if s["late"]] if late else out

    def access_log(self, dossier_id: str) -> list[dict[str, Any]]:
        """Who opened this dossier's personal data, oldest first."""
        row = self._row(dossier_id)
        return [
            dict(r)
            for r in self.service.db.query(
                "SELECT at, token_id, role, staff_id, purpose, what FROM dossier_access"
                " WHERE dossier_id = ? ORDER BY seq",
                (row["id"],),
            )
        ]

    # -- the desk's edits
    def edit(self, actor: Actor, dossier_id: str, data: Mapping[str, str]) -> dict[str, Any]:
        """Change form values (an empty string clears one) while the dossier is at the desk."""
        with self.service.db.transaction() as conn:
            row = self._row(dossier_id)
            d = dossier_from_row(row)
            core.check_editable(d)
            procedure = self.procedure(d.procedure_code)
            self._validate_fields(procedure, data, complete=False)
            merged = {**json.loads(row["data"] or "{}"), **data}
            merged = {k: v for k, v in merged.items() if str(v).strip()}
            conn.execute(
                "UPDATE dossiers SET data = ?, updated_at = ? WHERE id = ?",
                (json.dumps(merged, ensure_ascii=False), self.service.clock().isoformat(), d.id),
            )
            self.log_access(conn, d.id, actor, "intake", "edit")
        return self._view(self._row(d.id))

    def set_ticks(self, actor: Actor, dossier_id: str, items: Mapping[str, tuple[bool, int | None]]) -> dict[str, Any]:
        """Tick papers as received (``(received, count)`` per kind; count defaults to the checklist's)."""
        with self.service.db.transaction() as conn:
            row = self._row(dossier_id)
            d = dossier_from_row(row)
            procedure = self.procedure(d.procedure_code)
            wanted = {doc.kind: doc.count for doc in procedure.documents}
            changes = {
                kind: (0 if not received else (count if count else wanted.get(kind, 1)))
                for kind, (received, count) in items.items()
            }
            moved = core.tick(d, procedure.documents, changes)
            save_state(conn, moved, self.service.clock())
            self.log_access(conn, d.id, actor, "intake", "checklist")  # the answer carries the form data
        return self._view(self._row(d.id))

    def missing(self, actor: Actor, dossier_id: str) -> dict[str, Any]:
        """What the citizen must still bring: the data of the printed phiếu hướng dẫn bổ sung hồ sơ."""
        row = self._row(dossier_id)
        d = dossier_from_row(row)
        procedure = self.procedure(d.procedure_code)
        papers = self.papers.papers_of(d.id) if self.papers else []
        missing = {doc.kind for doc in core.missing_required(d, procedure.documents)}
        return {
            "dossier_id": d.id,
            "receipt_code": row["receipt_code"],
            "code": d.code,
            "procedure": _procedure_public(procedure),
            "missing": [item for item in self.checklist(procedure, d, papers) if item["kind"] in missing],
            "note_vi": d.reason if d.status == "supplement_requested" else None,
            "note_en": None,
            "site_name_vi": self.site_name_vi,
            "site_name_en": self.site_name_en,
            "issued_at": self.service.clock().isoformat(),
            "staff_id": actor.staff_id,
        }

    # -- papers
    def add_paper(
        self,
        actor: Actor,
        dossier_id: str,
        kind: str,
        content: bytes,
        text: str,
        thumbnails: list[bytes],
        pages: int,
        content_type: str,
        source_sha256: str | None = None,
    ) -> PaperRecord:
        """Store a digitised paper of a dossier and tick its kind; the same bytes again are the same paper."""
        if self.papers is None:
            raise DomainError("no_paper_store", "Máy chủ chưa bật kho giấy tờ.", "No paper store.", status=503)
        row = self._row(dossier_id)
        self._check_scope(actor, row)
        d = dossier_from_row(row)
        procedure = self.procedure(d.procedure_code)
        is_result = kind == RESULT_KIND
        self.check_paper_target(actor, d.id, kind)
        if is_result:
            if d.status not in ("received", "forwarded", "supplemented", "result_ready"):
                raise DomainError(
                    "invalid_transition",
                    "Chỉ gắn kết quả cho hồ sơ đã tiếp nhận.",
                    "A result can be attached only to a received dossier.",
                    status=409,
                )
        elif d.status not in core.EDITABLE:
            core.check_editable(d)
        if source_sha256 and (same := self.papers.find_source(d.id, source_sha256)) is not None:
            return same
        seqs: list[int] = []

        def on_insert(conn: Any, record: PaperRecord) -> None:
            fresh = dossier_from_row(self._row(d.id))
            now = self.service.clock()
            if not is_result and fresh.tick_count(kind) == 0:
                wanted = next((doc.count for doc in procedure.documents if doc.kind == kind), 1)
                save_state(conn, core.tick(fresh, procedure.documents, {kind: wanted}), now)
            event = self._event(
                ev.DOSSIER_PAPER_ADDED,
                now,
                fresh,
                row,
                actor,
                paper_id=record.id,
                kind=kind,
                pages=record.pages,
                size=record.size,
                is_result=is_result,
            )
            seqs.append(self.service.commit_events(conn, [event]))
            self.log_access(conn, d.id, actor, "intake" if not is_result else "result", f"paper:{record.id}:add")

        record = self.papers.store_paper(
            d.id,
            kind,
            content,
            text,
            thumbnails,
            pages=pages,
            content_type=content_type,
            is_result=is_result,
            source_sha256=source_sha256,
            on_insert=on_insert,
        )
        for seq in seqs:
            self.service.notify(seq)
        return record

    def check_paper_target(self, actor: Actor, dossier_id: str, kind: str) -> str:
        """Refuse an upload early (before any capture work) when it could not be stored; the dossier id."""
        row = self._row(dossier_id)
        self._check_scope(actor, row)
        procedure = self.procedure(row["procedure_code"])
        if kind != RESULT_KIND and kind not in {doc.kind for doc in procedure.documents}:
            kinds = ", ".join(sorted(doc.kind for doc in procedure.documents)) or "-"
            raise DomainError(
                "unknown_kind",
                f"Thủ tục này không có giấy tờ loại '{kind}' (có: {kinds}; kết quả: {RESULT_KIND}).",
                f"This procedure has no paper of kind '{kind}' (it has: {kinds}; result: {RESULT_KIND}).",
                status=422,
            )
        return str(row["id"])

    def find_upload(self, dossier_id: str, source_sha256: str) -> PaperRecord | None:
        """A paper of this dossier made from these very upload bytes (then no capture is needed)."""
        return self.papers.find_source(dossier_id, source_sha256) if self.papers else None

    def read_paper(
        self, actor: Actor, dossier_id: str, paper_id: str, purpose: str, thumbnail: int | None = None
    ) -> tuple[bytes, str]:
        """A paper's bytes (or one page thumbnail) and its media type; the read is logged."""
        if self.papers is None:
            raise DomainError("no_paper_store", "Máy chủ chưa bật kho giấy tờ.", "No paper store.", status=503)
        row = self._row(dossier_id)
        self._check_scope(actor, row)
        record = self.papers.record(paper_id)
        if record.dossier_id != row["id"]:
            raise NotFound("unknown_paper", "Không tìm thấy giấy tờ.", "Paper not found.")
        with self.service.db.transaction() as conn:
            what = f"paper:{paper_id}" if thumbnail is None else f"paper:{paper_id}:thumbnail:{thumbnail}"
            self.log_access(conn, row["id"], actor, purpose, what)
        if thumbnail is not None:
            return self.papers.read_thumbnail(paper_id, thumbnail), "image/png"
        return self.papers.read_paper(paper_id), record.content_type

    # -- transitions
    def transition(
        self,
        actor: Actor,
        dossier_id: str,
        action: str,
        *,
        reason: str = "",
        kinds: tuple[str, ...] = (),
        department: str | None = None,
        idempotency_key: str | None = None,
        request_hash: str = "",
    ) -> tuple[dict[str, Any], bool]:
        """Apply one action of the dossier's life; ``receive`` is idempotent by key."""
        request = (
            IdempotentRequest(f"dossier-{action}:{actor.token_id}", idempotency_key, request_hash)
            if idempotency_key
            else None
        )
        with self.service.db.transaction() as conn:
            if request is not None:
                previous = request.replay(conn)
                if previous is not None:  # only the id is remembered: no personal data in that table
                    return self._view(self._row(str(previous["dossier_id"]))), True
            row = self._row(dossier_id)
            self._check_scope(actor, row)
            d = dossier_from_row(row)
            procedure = self.procedure(d.procedure_code)
            now = self.service.clock()
            extra: dict[str, Any] = {}
            kw: dict[str, Any] = {}
            if action == "receive":
                core.receive(  # checks first (missing papers, status) before a code is drawn
                    d, procedure.documents, now, code="-", due=now, staff_id=actor.staff_id, department=department
                )
                due = due_at(self.calendar(now.astimezone(self.zone).year), now, procedure.processing_days, self.zone)
                code = self._next_code(conn, d.id, now)
                moved = core.receive(
                    d, procedure.documents, now, code=code, due=due, staff_id=actor.staff_id, department=department
                )
                archive_until = now + timedelta(days=round(365.25 * self.archive_years))
                extra = {
                    "due_date": due.date().isoformat(),
                    "archive_until": archive_until.isoformat(),
                    "purge_after": archive_until.isoformat(),
                    "counter_id": actor.counter_id or row.get("counter_id"),
                }
                papers = self.papers.papers_of(d.id) if self.papers else []
                called_at = None
                if row.get("ticket_id"):
                    t = conn.execute("SELECT called_at FROM tickets WHERE id = ?", (row["ticket_id"],)).fetchone()
                    called_at = t[0] if t else None
                desk_min = (now - datetime.fromisoformat(called_at)).total_seconds() / 60 if called_at else None
                kw = {
                    "processing_days": procedure.processing_days,
                    "on_the_spot": procedure.on_the_spot,
                    "prepared_at_kiosk": d.channel == "kiosk",
                    "called_at": called_at,
                    "desk_min": round(desk_min, 2) if desk_min is not None else None,
                    "papers_required": sum(1 for doc in procedure.documents if doc.required),
                    "papers_received": len(moved.received_kinds),
                    "papers_digitised": len({p.kind for p in papers if not p.is_result}),
                }
            else:
                moved = core.apply(
                    d,
                    action,
                    procedure.documents,
                    now,
                    staff_id=actor.staff_id,
                    reason=reason,
                    kinds=kinds,
                    department=department,
                )
                if action == "result_ready":
                    papers = self.papers.papers_of(d.id) if self.papers else []
                    on_time = moved.due_at is None or now <= moved.due_at
                    early = False
                    if moved.due_at is not None:
                        due_day = moved.due_at.astimezone(self.zone).date()
                        early = now.astimezone(self.zone).date() < due_day
                    kw = {
                        "received_at": d.received_at.isoformat() if d.received_at else None,
                        "on_time": on_time,
                        "early": early,
                        "result_digitised": any(p.is_result for p in papers),
                    }
                elif action in ("cancel", "refuse", "supplement", "return_result"):
                    kw = {"reason_given": bool(reason.strip())}
                    if action == "return_result" and moved.due_at is not None and moved.result_ready_at is not None:
                        kw["on_time"] = moved.result_ready_at <= moved.due_at
                elif action == "request_supplement":
                    kw = {"kinds": list(kinds), "supplements": moved.supplements}
            save_state(conn, moved, now, **extra)
            event = self._event(EVENT_OF_ACTION[action], now, moved, row, actor, **kw)
            seq = self.service.commit_events(conn, [event])
            response = self._view(self._row(d.id))
            self.log_access(conn, d.id, actor, action, "transition")  # the answer carries the form data
            if request is not None:
                request.remember(conn, {"dossier_id": d.id, "status": moved.status, "code": moved.code}, now)
        self.service.notify(seq)
        return response, False

    def _next_code(self, conn: Any, dossier_id: str, now: datetime) -> str:
        """The next dossier code of this site and day; the primary key of ``dossier_codes`` guards it."""
        site = (self.site_code or self.service.site_id).upper()
        local = now.astimezone(self.zone)
        day = local.strftime("%y%m%d")
        row = conn.execute(
            "INSERT INTO dossier_sequences (site_code, day, last_seq) VALUES (?, ?, 1)"
            " ON CONFLICT (site_code, day) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
            (site, day),
        ).fetchone()
        code = dossier_code(site, day, int(row[0]))
        conn.execute(
            "INSERT INTO dossier_codes (code, dossier_id, created_at) VALUES (?, ?, ?)",
            (code, dossier_id, now.isoformat()),
        )
        return code

    def flag_overdue(self, now: datetime | None = None) -> int:
        """Write ``dossier.overdue`` once for each received dossier past its due time without a result."""
        moment = now or self.service.clock()
        system = Actor(token_id="system", role="system")
        with self.service.db.transaction() as conn:
            rows = [
                dict(r)
                for r in self.service.db.query(
                    "SELECT * FROM dossiers WHERE overdue_at IS NULL AND due_at IS NOT NULL AND due_at < ?"
                    " AND status IN ('received', 'forwarded', 'supplement_requested', 'supplemented')",
                    (moment.isoformat(),),
                )
            ]
            events = []
            for row in rows:
                d = dossier_from_row(row)
                if not core.is_late(d, moment):  # due_at strings of other offsets: decide on the parsed time
                    continue
                conn.execute("UPDATE dossiers SET overdue_at = ? WHERE id = ?", (moment.isoformat(), d.id))
                events.append(self._event(ev.DOSSIER_OVERDUE, moment, d, row, system))
            seq = self.service.commit_events(conn, events)
        self.service.notify(seq)
        return len(events)

    # -- retention
    def purge_expired(self, now: datetime | None = None) -> int:
        """Blank the personal data (and delete the papers) of dossiers past their retention; returns how many.

        An unfinished dossier (never received) is purged ``retention_days`` after it was created; a received
        one only after ``archive_until`` (the archive period), whatever ``purge_after`` says.
        """
        moment = (now or self.service.clock()).isoformat()
        count = 0
        with self.service.db.transaction() as conn:
            rows = conn.execute(
                "SELECT id, status, received_at FROM dossiers WHERE purge_after <= ? AND data_purged_at IS NULL"
                " AND (archive_until IS NULL OR archive_until <= ?)"
                " AND (received_at IS NULL OR archive_until IS NOT NULL)",
                (moment, moment),
            ).fetchall()
            for dossier_id, status, received_at in rows:
                if self.papers is not None:
                    self.papers.delete_papers(conn, dossier_id)
                else:
                    conn.execute("DELETE FROM papers WHERE dossier_id = ?", (dossier_id,))
                new_status = "cancelled" if status in ("prepared", "draft") and not received_at else status
                conn.execute(
                    "UPDATE dossiers SET data = '{}', data_purged_at = ?, status = ?,"
                    " reason = CASE WHEN ? != status THEN 'retention' ELSE reason END WHERE id = ?",
                    (moment, new_status, new_status, dossier_id),
                )
                count += 1
        return count


def _procedure_public(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "national_code": p.national_code,
        "name_vi": p.name_vi,
        "name_en": p.name_en,
        "authority_vi": p.authority_vi,
        "authority_en": p.authority_en,
        "service": p.service,
        "department": p.department_code,
        "processing_days": p.processing_days,
        "processing_time_vi": p.processing_time_vi,
        "processing_time_en": p.processing_time_en,
        "on_the_spot": p.on_the_spot,
        "fee_vi": p.fee_vi,
        "fee_en": p.fee_en,
    }


def _field_public(f: Any) -> dict[str, Any]:
    return {
        "name": f.name,
        "label_vi": f.label_vi,
        "label_en": f.label_en,
        "type": f.type,
        "required": f.required,
        "choices": [{"value": c.value, "label_vi": c.label_vi, "label_en": c.label_en} for c in f.choices],
        "prefill": f.prefill,
        "max_length": f.max_length,
        "help_vi": f.help_vi,
        "help_en": f.help_en,
    }


def replace_documents(procedure: Procedure, documents: tuple[Document, ...]) -> Procedure:
    """A procedure with another checklist (tests)."""
    return replace(procedure, documents=documents)
