"""Appointments ("hẹn giờ", Decision 717 task 2.4): book a slot, check in for a ticket served within it."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from motcua.contract import events as ev
from motcua.contract.events import AppointmentBooked, DomainEvent
from queue_server.core.errors import DomainError, InvalidTransition, NotFound
from queue_server.usecases.tickets import TicketUseCases


class AppointmentUseCases(TicketUseCases):
    """Booked slots, turned into tickets at check-in."""

    def book_appointment(self, service_code: str, start: datetime, end: datetime) -> dict[str, Any]:
        """Book a slot; returns the appointment with its check-in code."""
        if start.tzinfo is None or end.tzinfo is None:
            raise DomainError(
                "naive_time",
                "Thời gian phải có múi giờ (ví dụ +07:00).",
                "Times need a time zone (e.g. +07:00).",
                status=422,
            )
        if not start < end or end - start > timedelta(hours=4):
            raise DomainError(
                "invalid_window",
                "Khung giờ hẹn không hợp lệ (bắt đầu trước kết thúc, tối đa 4 giờ).",
                "Invalid appointment window (start before end, at most 4 hours).",
                status=422,
            )
        with self._transaction() as conn:
            self._service(conn, service_code)
            code = secrets.token_hex(4).upper()
            now = self.clock()
            conn.execute(
                "INSERT INTO appointments (code, service, start, end, created_at) VALUES (?, ?, ?, ?, ?)",
                (code, service_code, start.isoformat(), end.isoformat(), now.isoformat()),
            )
            booked = AppointmentBooked(code=code, service=service_code, start=start.isoformat(), end=end.isoformat())
            seq = self.commit_events(conn, [DomainEvent.of(ev.APPOINTMENT_BOOKED, now, booked)])
        self.notify(seq)
        return {
            "code": code,
            "service": service_code,
            "start": start,
            "end": end,
            "status": "booked",
            "ticket_id": None,
        }

    def check_in(
        self, code: str, *, idempotency_key: str, scope: str, request_hash: str
    ) -> tuple[dict[str, Any], bool]:
        """Turn an appointment into a ticket served within its window ahead of walk-ins."""
        rows = self.db.query("SELECT * FROM appointments WHERE code = ?", (code.upper(),))
        if not rows:
            raise NotFound("unknown_appointment", "Không tìm thấy lịch hẹn.", "Appointment not found.")
        row = rows[0]
        window = (datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"]))
        if row["status"] != "booked":
            previous = self.db.query("SELECT 1 FROM idempotency WHERE scope = ? AND key = ?", (scope, idempotency_key))
            if not previous:
                raise InvalidTransition(
                    "appointment_used", "Lịch hẹn này đã được sử dụng.", "This appointment was already checked in."
                )
        if self.clock() > window[1]:
            raise InvalidTransition(
                "appointment_expired",
                "Lịch hẹn đã quá giờ, xin lấy số thường.",
                "The appointment window has passed; please take a normal ticket.",
            )
        with self._transaction() as conn:
            response, replayed = self.issue_ticket(
                row["service"],
                idempotency_key=idempotency_key,
                scope=scope,
                request_hash=request_hash,
                appointment=window,
            )
            conn.execute(
                "UPDATE appointments SET status = 'checked_in', ticket_id = ? WHERE code = ?",
                (response["id"], row["code"]),
            )
        return response, replayed
