"""Circular 03/2025/TT-VPCP forms 01–07 from a dossier's own data (see docs/forms.md).

Forms 01–06 are issued for one dossier: the PDF is kept with it in the paper store (kind ``MAU01``…, encrypted,
content-addressed) and ``dossier.form_issued`` is written in the same transaction. Form 07, the tracking book,
is a report over a desk and a period (PDF or CSV), never stored. Reading the dossier's personal data to fill a
form writes the access log, as every other read does.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from motcua.contract import events as ev
from queue_server.core import dossier as core
from queue_server.core.errors import DomainError, NotFound
from queue_server.dossiers import Actor, DossierDesk
from queue_server.dossiers.rows import dossier_from_row
from queue_server.forms.render import load_layout, render_pdf

FORMS = ("01", "02", "03", "04", "05", "06")
PRESENTATION_VI = {"original": "Bản chính", "copy": "Bản sao", "shown": "Bản chính (xuất trình)"}
APPLICANT_FIELDS = ("applicant_full_name", "declarant_full_name", "full_name", "requester_full_name")
ADDRESS_FIELDS = ("applicant_address", "declarant_address", "address", "permanent_address")
UNIT_RECEPTION = "Bộ phận Một cửa"
UNIT_CITIZEN = "Người nộp hồ sơ"


def bad(code: str, vi: str, en: str, status: int = 422) -> DomainError:
    return DomainError(code, vi, en, status=status)


def long_date(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def short_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


@dataclass
class FormDesk:
    """Issues forms over the dossier desk; ``site_dir`` (``<data_dir>/forms``) holds a site's layouts and
    ``site.yaml`` (agency names, staff names, the book number)."""

    dossiers: DossierDesk
    site_dir: Path | None = None
    timings: dict[str, list[float]] = field(default_factory=dict, repr=False)

    # -- the site's settings for the papers
    def site(self) -> dict[str, Any]:
        path = self.site_dir / "site.yaml" if self.site_dir else None
        if path is not None and path.is_file():
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if isinstance(loaded, dict):
                return loaded
        return {}

    def _local(self, value: str | datetime | None) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.astimezone(self.dossiers.zone)

    def _when(self, value: str | datetime | None, long: bool = False) -> str:
        local = self._local(value)
        if local is None:
            return ""
        if long:
            return f"{local.hour:02d} giờ {local.minute:02d} phút, {long_date(local.date())}"
        return local.strftime("%H:%M %d/%m/%Y")

    def staff_name(self, staff_id: str | None, site: dict[str, Any]) -> str:
        if not staff_id:
            return ""
        name = (site.get("staff") or {}).get(staff_id)
        return f"{name} ({staff_id})" if name else staff_id

    def department_name(self, code: str | None, site: dict[str, Any]) -> str:
        if not code:
            return ""
        named = (site.get("departments") or {}).get(code)
        if named:
            return str(named)
        rows = self.dossiers.service.db.query("SELECT name_vi FROM services WHERE code = ?", (code,))
        return f"Bộ phận {rows[0]['name_vi']}" if rows else code

    # -- the data of one dossier's papers
    def context(self, row: dict[str, Any], actor: Actor) -> dict[str, Any]:
        desk = self.dossiers
        site = self.site()
        d = dossier_from_row(row)
        procedure = desk.catalogue.get_procedure(d.procedure_code)
        data = json.loads(row.get("data") or "{}")
        now = desk.service.clock().astimezone(desk.zone)
        papers = []
        for doc in procedure.documents if procedure else ():
            count = d.tick_count(doc.kind)
            papers.append(
                {
                    "kind": doc.kind,
                    "name": doc.vi,
                    "presentation_vi": PRESENTATION_VI.get(doc.presentation, doc.presentation),
                    "count": count or doc.count,
                    "received": count > 0,
                    "required": doc.required,
                }
            )
        agency = site.get("agency") or desk.site_name_vi or (procedure.authority_vi if procedure else "")
        department = self.department_name(d.department, site)
        received = self._local(d.received_at)
        due = self._local(d.due_at)
        return {
            "agency": agency,
            "superior_agency": site.get("superior_agency", ""),
            "place": site.get("place", ""),
            "reception_unit": site.get("reception_unit") or f"{UNIT_RECEPTION} {agency}".strip(),
            "deciding_unit": department or agency,
            "head_name": site.get("head_name", ""),
            "contact_phone": site.get("contact_phone", ""),
            "result_place": site.get("result_place") or f"{UNIT_RECEPTION} {agency}".strip(),
            "book_no": site.get("book_no", now.year),
            "book_seq": (d.code or "").rsplit("-", 1)[-1],
            "issued_date_long": long_date(now.date()),
            "issued_date": now.date().isoformat(),
            "code": d.code or "",
            "receipt_code": row.get("receipt_code") or "",
            "procedure_name": procedure.name_vi if procedure else d.procedure_code,
            "national_code": procedure.national_code if procedure else "",
            "processing_time": (procedure.processing_time_vi if procedure else "")
            or (f"{procedure.processing_days:g} ngày làm việc" if procedure else ""),
            "applicant": next((str(data[k]) for k in APPLICANT_FIELDS if data.get(k)), ""),
            "address": next((str(data[k]) for k in ADDRESS_FIELDS if data.get(k)), ""),
            "phone": str(data.get("phone", "")),
            "email": str(data.get("email", "")),
            "sets": 1,
            "papers": papers,
            "papers_received": [p for p in papers if p["received"]],
            "received_at_long": self._when(d.received_at, long=True),
            "received_at_short": self._when(d.received_at),
            "received_date_long": long_date(received.date()) if received else "",
            "received_date_short": short_date(received.date()) if received else "",
            "due_at_long": self._when(d.due_at, long=True),
            "due_at_short": self._when(d.due_at),
            "due_date_short": short_date(due.date()) if due else "",
            "staff_name": self.staff_name(actor.staff_id, site),
            "reason": d.reason or "",
            "hands": self.hand_overs(d, site),
        }

    def hand_overs(self, d: core.Dossier, site: dict[str, Any]) -> list[dict[str, str]]:
        """Form 06's rows: each step of the history as a hand-over from one holder to the next."""
        reception = site.get("reception_unit") or UNIT_RECEPTION
        department = self.department_name(d.department, site) or "Cơ quan giải quyết"
        holder_of = {
            "received": reception,
            "forwarded": department,
            "supplement_requested": UNIT_CITIZEN,
            "supplemented": reception,
            "result_ready": reception,
            "returned": UNIT_CITIZEN,
            "cancelled": UNIT_CITIZEN,
            "refused": UNIT_CITIZEN,
        }
        label = {
            "received": "Tiếp nhận hồ sơ",
            "forwarded": "Chuyển xử lý",
            "supplement_requested": "Yêu cầu bổ sung",
            "supplemented": "Đã bổ sung",
            "result_ready": "Có kết quả",
            "returned": "Trả kết quả",
            "cancelled": "Dừng (rút hồ sơ)",
            "refused": "Từ chối",
        }
        steps = [h for h in d.history if h.status in holder_of]
        rows: list[dict[str, str]] = []
        previous = UNIT_CITIZEN
        for i, step in enumerate(steps):
            after = steps[i + 1] if i + 1 < len(steps) else None
            done = after.at if after else None
            result = ""
            if done is not None and d.due_at is not None and step.status not in ("returned",):
                if done > d.due_at:
                    result = "Quá hạn"
                elif self._local(done).date() < self._local(d.due_at).date():  # type: ignore[union-attr]
                    result = "Trước hạn"
                else:
                    result = "Đúng hạn"
            to_person = ""  # who took it: the clerk acting now when it comes from the citizen, else the next actor
            if holder_of[step.status] != UNIT_CITIZEN:
                if previous == UNIT_CITIZEN:
                    to_person = self.staff_name(step.staff_id, site)
                elif after is not None:
                    to_person = self.staff_name(after.staff_id, site)
            rows.append(
                {
                    "from_unit": previous,
                    "from_person": self.staff_name(step.staff_id, site) if previous != UNIT_CITIZEN else "",
                    "to_unit": holder_of[step.status],
                    "to_person": to_person,
                    "received_at": self._when(step.at),
                    "due_at": self._when(d.due_at),
                    "done_at": self._when(done),
                    "result": result,
                    "note": label[step.status] + (f": {step.reason}" if step.reason else ""),
                }
            )
            previous = holder_of[step.status]
        return rows

    # -- issuing
    def _checked(self, form: str, row: dict[str, Any], body: dict[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
        status = row["status"]
        received = bool(row.get("code"))
        reason = str(body.get("reason") or "").strip() or ctx["reason"]
        extra: dict[str, Any] = {}
        if form in ("01", "04", "06") and not received:
            raise bad(
                "not_received",
                "Hồ sơ chưa được tiếp nhận (chưa có mã hồ sơ).",
                "The dossier has not been received yet (no dossier code).",
                409,
            )
        if form == "02":
            kinds = list(body.get("kinds") or []) or list(dossier_from_row(row).requested)
            if not kinds:
                kinds = [p["kind"] for p in ctx["papers"] if p["required"] and not p["received"]]
            unknown = sorted(set(kinds) - {p["kind"] for p in ctx["papers"]})
            if unknown:
                raise bad(
                    "unknown_kind",
                    f"Giấy tờ không có trong thủ tục: {', '.join(unknown)}.",
                    f"Papers not in the procedure: {', '.join(unknown)}.",
                )
            if not kinds:
                raise bad("nothing_missing", "Hồ sơ không thiếu giấy tờ nào.", "No paper is missing.", 409)
            extra["missing"] = [p for p in ctx["papers"] if p["kind"] in kinds]
        if form in ("02", "03", "04", "05") and not reason:
            raise bad("reason_required", "Cần ghi rõ lý do.", "A reason is required.")
        if form == "03" and status not in ("prepared", "draft", "refused", "cancelled"):
            raise bad(
                "invalid_form",
                "Hồ sơ đã tiếp nhận: không lập phiếu từ chối tiếp nhận.",
                "The dossier was received: a refusal to receive cannot be issued.",
                409,
            )
        if form == "04":
            if status in ("result_ready", "returned", "cancelled", "refused"):
                raise bad(
                    "invalid_form",
                    "Hồ sơ đã có kết quả hoặc đã đóng.",
                    "The dossier already has its result or is closed.",
                    409,
                )
            try:
                new_date = date.fromisoformat(str(body.get("new_date", "")))
            except ValueError:
                raise bad(
                    "new_date_required", "Cần ngày hẹn mới (YYYY-MM-DD).", "A new date (YYYY-MM-DD) is required."
                ) from None
            today = self.dossiers.service.clock().astimezone(self.dossiers.zone).date()
            if new_date <= today:
                raise bad("new_date_past", "Ngày hẹn mới phải sau hôm nay.", "The new date must be after today.")
            extra["new_date"] = new_date.isoformat()
            extra["new_date_long"] = long_date(new_date)
        if form == "05" and not received:
            raise bad("not_received", "Hồ sơ chưa được tiếp nhận.", "The dossier has not been received yet.", 409)
        extra["reason"] = reason
        return extra

    def issue(self, actor: Actor, dossier_id: str, form: str, body: dict[str, Any]) -> dict[str, Any]:
        """Make form ``form`` (01–06) for the dossier, keep it with the dossier, write ``dossier.form_issued``."""
        if form not in FORMS:
            raise NotFound(
                "unknown_form",
                f"Không có mẫu '{form}' (01–06; 07 là sổ theo dõi).",
                f"No form '{form}' (01–06; 07 is the tracking book).",
            )
        desk = self.dossiers
        if desk.papers is None:
            raise bad("no_paper_store", "Máy chủ chưa bật kho giấy tờ.", "No paper store.", 503)
        row = desk._row(dossier_id)
        desk._check_scope(actor, row)
        started = time.perf_counter()
        ctx = self.context(row, actor)
        ctx.update(self._checked(form, row, body, ctx))
        pdf = render_pdf(load_layout(f"mau{form}", self.site_dir), ctx)
        text = f"Mẫu số {form} {ctx['code'] or ctx['receipt_code']}"
        d = dossier_from_row(row)
        seqs: list[int] = []

        def on_insert(conn: Any, record: Any) -> None:
            now = desk.service.clock()
            event = desk._event(
                ev.DOSSIER_FORM_ISSUED,
                now,
                d,
                row,
                actor,
                form=f"MAU{form}",
                paper_id=record.id,
                sha256=record.sha256,
                new_due_date=ctx.get("new_date"),
            )
            seqs.append(desk.service.commit_events(conn, [event]))
            desk.log_access(conn, d.id, actor, "form", f"form:MAU{form}:{record.id}")

        record = desk.papers.store_paper(d.id, f"MAU{form}", pdf, text, pages=None, on_insert=on_insert)
        for seq in seqs:
            desk.service.notify(seq)
        self.timings.setdefault(form, []).append(time.perf_counter() - started)
        return {**self._public(record), "duplicate": record.duplicate}

    @staticmethod
    def _public(record: Any) -> dict[str, Any]:
        return {
            "id": record.id,
            "form": record.kind[3:],
            "kind": record.kind,
            "sha256": record.sha256,
            "size": record.size,
            "created_at": record.created_at,
        }

    def list_forms(self, actor: Actor, dossier_id: str) -> list[dict[str, Any]]:
        desk = self.dossiers
        row = desk._row(dossier_id)
        desk._check_scope(actor, row)
        papers = desk.papers.papers_of(row["id"]) if desk.papers else []
        return [self._public(p) for p in papers if p.kind.startswith("MAU")]

    def read_form(self, actor: Actor, dossier_id: str, paper_id: str, purpose: str) -> bytes:
        desk = self.dossiers
        row = desk._row(dossier_id)
        if desk.papers is None or not desk.papers.record(paper_id).kind.startswith("MAU"):
            raise NotFound("unknown_form", "Không tìm thấy phiếu.", "Form not found.")
        data, _media = desk.read_paper(actor, row["id"], paper_id, purpose)
        return data

    # -- form 07 and the deadline warning
    def tracking_book(
        self, actor: Actor, first: date, last: date, *, desk_id: str | None, department: str | None, fmt: str
    ) -> tuple[bytes, str]:
        """Form 07 over dossiers received from ``first`` to ``last`` (local days) at a counter or department."""
        if last < first or (last - first).days > 366:
            raise bad(
                "bad_period", "Khoảng thời gian không hợp lệ (tối đa 366 ngày).", "Invalid period (at most 366 days)."
            )
        desk = self.dossiers
        zone = desk.zone
        start = datetime.combine(first, datetime.min.time(), zone)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)
        clauses, params = (
            ["received_at IS NOT NULL", "received_at >= ?", "received_at < ?"],
            [start.isoformat(), end.isoformat()],
        )
        if actor.role == "department" and actor.department:
            department = actor.department
        if desk_id:
            clauses.append("counter_id = ?")
            params.append(desk_id)
        if department:
            clauses.append("department = ?")
            params.append(department)
        found = [
            dict(r)
            for r in desk.service.db.query(
                f"SELECT * FROM dossiers WHERE {' AND '.join(clauses)} ORDER BY received_at, code LIMIT 5000",
                tuple(params),
            )
        ]
        found = [r for r in found if start <= datetime.fromisoformat(r["received_at"]) < end]
        site = self.site()
        rows = []
        with desk.service.db.transaction() as conn:
            for r in found:
                ctx = self.context(r, actor)
                desk.log_access(conn, r["id"], actor, "tracking_book", "form:MAU07")
                d = dossier_from_row(r)
                times = {
                    "received": d.received_at,
                    "due": d.due_at,
                    "forwarded": r.get("forwarded_at"),
                    "result_ready": r.get("result_ready_at"),
                    "returned": r.get("returned_at"),
                }
                split = {}
                for key, value in times.items():
                    local = self._local(value)
                    split[f"{key}_date"] = local.strftime("%d/%m/%Y") if local else ""
                    split[f"{key}_time"] = local.strftime("%H:%M") if local else ""
                rows.append(
                    {
                        **split,
                        "code": ctx["code"],
                        "procedure_name": ctx["procedure_name"],
                        "sets": ctx["sets"],
                        "applicant": ctx["applicant"],
                        "contact": ", ".join(x for x in (ctx["address"], ctx["phone"]) if x),
                        "department": self.department_name(d.department, site),
                        "received": self._when(d.received_at),
                        "due": self._when(d.due_at),
                        "forwarded": self._when(r.get("forwarded_at")),
                        "result_ready": self._when(r.get("result_ready_at")),
                        "returned": self._when(r.get("returned_at")),
                        "note": _status_note(d),
                    }
                )
        label = f"Quầy {desk_id}" if desk_id else (self.department_name(department, site) if department else "Toàn bộ")
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(
                [
                    "STT",
                    "Mã hồ sơ",
                    "Tên thủ tục hành chính",
                    "Số lượng hồ sơ (bộ)",
                    "Tên cá nhân, tổ chức",
                    "Địa chỉ, số điện thoại",
                    "Cơ quan chủ trì giải quyết",
                    "Nhận hồ sơ",
                    "Hẹn trả kết quả",
                    "Chuyển hồ sơ đến cơ quan giải quyết",
                    "Nhận kết quả từ cơ quan giải quyết",
                    "Trả kết quả cho cá nhân, tổ chức",
                    "Ghi chú",
                ]
            )
            for n, x in enumerate(rows, start=1):
                writer.writerow(
                    [
                        n,
                        x["code"],
                        x["procedure_name"],
                        x["sets"],
                        x["applicant"],
                        x["contact"],
                        x["department"],
                        x["received"],
                        x["due"],
                        x["forwarded"],
                        x["result_ready"],
                        x["returned"],
                        x["note"],
                    ]
                )
            return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"  # BOM: Excel reads UTF-8
        now = desk.service.clock().astimezone(zone)
        agency = site.get("agency") or desk.site_name_vi
        ctx = {
            "agency": agency,
            "superior_agency": site.get("superior_agency", ""),
            "place": site.get("place", ""),
            "issued_date_long": long_date(now.date()),
            "desk_label": label,
            "from_short": short_date(first),
            "to_short": short_date(last),
            "rows": rows,
        }
        return render_pdf(load_layout("mau07", self.site_dir), ctx), "application/pdf"

    def due_soon(self, actor: Actor, hours: float) -> list[dict[str, Any]]:
        """Open received dossiers whose deadline passes within ``hours`` (or has passed): issue form 04 in time."""
        desk = self.dossiers
        now = desk.service.clock()
        limit = now + timedelta(hours=hours)
        out = []
        for s in desk.list_dossiers(actor):
            if s["status"] not in ("received", "forwarded", "supplement_requested", "supplemented"):
                continue
            if not s.get("due_at") or datetime.fromisoformat(s["due_at"]) > limit:
                continue
            issued = [p for p in (desk.papers.papers_of(s["id"]) if desk.papers else []) if p.kind == "MAU04"]
            left = (datetime.fromisoformat(s["due_at"]) - now).total_seconds() / 3600
            out.append({**s, "hours_left": round(left, 2), "apology_issued": bool(issued)})
        return sorted(out, key=lambda s: s["hours_left"])


def _status_note(d: core.Dossier) -> str:
    return {
        "received": "Đã tiếp nhận",
        "forwarded": "Đang giải quyết",
        "supplement_requested": "Chờ bổ sung",
        "supplemented": "Đã bổ sung",
        "result_ready": "Có kết quả",
        "returned": "Đã trả kết quả",
        "cancelled": "Dừng giải quyết",
        "refused": "Từ chối",
    }.get(d.status, d.status)


__all__ = ["FORMS", "FormDesk"]
