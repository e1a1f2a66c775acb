"""Rows ⇄ domain objects, and the queries the service layer needs. Translates; decides nothing."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from datetime import datetime
from typing import Any

from motcua.contract.events import DomainEvent
from queue_server.core.model import Counter, CounterStatus, Hop, Service, Ticket, TicketStatus


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# services and counters
def service_from_row(row: dict[str, Any]) -> Service:
    return Service(
        code=row["code"],
        letter=row["letter"],
        name_vi=row["name_vi"],
        name_en=row["name_en"],
        default_service_min=row["default_service_min"],
        active=bool(row["active"]),
    )


def load_services(conn: sqlite3.Connection) -> dict[str, Service]:
    return {r["code"]: service_from_row(r) for r in _rows(conn, "SELECT * FROM services ORDER BY position, code")}


def counter_from_row(row: dict[str, Any]) -> Counter:
    return Counter(
        id=row["id"],
        name_vi=row["name_vi"],
        name_en=row["name_en"],
        services=tuple(json.loads(row["services"])),
        area_vi=row["area_vi"],
        area_en=row["area_en"],
        status=CounterStatus(row["status"]),
        staff_id=row["staff_id"],
        priority_streak=row["priority_streak"],
    )


def load_counters(conn: sqlite3.Connection) -> list[Counter]:
    return [counter_from_row(r) for r in _rows(conn, "SELECT * FROM counters ORDER BY position, id")]


def load_counter(conn: sqlite3.Connection, counter_id: str) -> Counter | None:
    rows = _rows(conn, "SELECT * FROM counters WHERE id = ?", (counter_id,))
    return counter_from_row(rows[0]) if rows else None


def save_counter(conn: sqlite3.Connection, counter: Counter) -> None:
    conn.execute(
        "UPDATE counters SET status = ?, staff_id = ?, priority_streak = ? WHERE id = ?",
        (counter.status.value, counter.staff_id, counter.priority_streak, counter.id),
    )


def upsert_service(conn: sqlite3.Connection, service: Service, position: int) -> None:
    conn.execute(
        "INSERT INTO services (code, letter, name_vi, name_en, default_service_min, active, position)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET letter=excluded.letter,"
        " name_vi=excluded.name_vi, name_en=excluded.name_en, default_service_min=excluded.default_service_min,"
        " active=excluded.active, position=excluded.position",
        (
            service.code,
            service.letter,
            service.name_vi,
            service.name_en,
            service.default_service_min,
            int(service.active),
            position,
        ),
    )


def upsert_counter(conn: sqlite3.Connection, counter: Counter, position: int) -> None:
    conn.execute(
        "INSERT INTO counters (id, name_vi, name_en, services, area_vi, area_en, position)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name_vi=excluded.name_vi,"
        " name_en=excluded.name_en, services=excluded.services, area_vi=excluded.area_vi,"
        " area_en=excluded.area_en, position=excluded.position",
        (
            counter.id,
            counter.name_vi,
            counter.name_en,
            json.dumps(list(counter.services)),
            counter.area_vi,
            counter.area_en,
            position,
        ),
    )


# tickets
def ticket_from_row(row: dict[str, Any]) -> Ticket:
    hops = tuple(
        Hop(h["from_service"], h["to_service"], h["counter_id"], datetime.fromisoformat(h["at"]))
        for h in json.loads(row["hops"] or "[]")
    )
    return Ticket(
        id=row["id"],
        day=row["day"],
        service=row["service"],
        number=row["number"],
        priority=row["priority"],
        status=TicketStatus(row["status"]),
        issued_at=datetime.fromisoformat(row["issued_at"]),
        queued_at=datetime.fromisoformat(row["queued_at"]),
        appointment_start=_dt(row["appointment_start"]),
        appointment_end=_dt(row["appointment_end"]),
        counter_id=row["counter_id"],
        staff_id=row["staff_id"],
        called_at=_dt(row["called_at"]),
        started_at=_dt(row["started_at"]),
        finished_at=_dt(row["finished_at"]),
        recall_count=row["recall_count"],
        head_of_queue=bool(row["head_of_queue"]),
        estimated_wait_min=row["estimated_wait_min"],
        position_at_issue=row["position_at_issue"],
        parent_id=row["parent_id"],
        hops=hops,
        lang=row["lang"],
    )


_TICKET_COLUMNS = (
    "id",
    "day",
    "service",
    "number",
    "priority",
    "status",
    "issued_at",
    "queued_at",
    "appointment_start",
    "appointment_end",
    "counter_id",
    "staff_id",
    "called_at",
    "started_at",
    "finished_at",
    "recall_count",
    "head_of_queue",
    "estimated_wait_min",
    "position_at_issue",
    "parent_id",
    "hops",
    "lang",
)


def save_ticket(conn: sqlite3.Connection, ticket: Ticket) -> None:
    hops = json.dumps([{**asdict(h), "at": h.at.isoformat()} for h in ticket.hops])
    values = (
        ticket.id,
        ticket.day,
        ticket.service,
        ticket.number,
        ticket.priority,
        ticket.status.value,
        ticket.issued_at.isoformat(),
        ticket.queued_at.isoformat(),
        _iso(ticket.appointment_start),
        _iso(ticket.appointment_end),
        ticket.counter_id,
        ticket.staff_id,
        _iso(ticket.called_at),
        _iso(ticket.started_at),
        _iso(ticket.finished_at),
        ticket.recall_count,
        int(ticket.head_of_queue),
        ticket.estimated_wait_min,
        ticket.position_at_issue,
        ticket.parent_id,
        hops,
        ticket.lang,
    )
    placeholders = ", ".join("?" for _ in _TICKET_COLUMNS)
    conn.execute(f"INSERT OR REPLACE INTO tickets ({', '.join(_TICKET_COLUMNS)}) VALUES ({placeholders})", values)


def load_ticket(conn: sqlite3.Connection, ticket_id: str) -> Ticket | None:
    rows = _rows(conn, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    return ticket_from_row(rows[0]) if rows else None


def load_waiting(conn: sqlite3.Connection) -> list[Ticket]:
    return [ticket_from_row(r) for r in _rows(conn, "SELECT * FROM tickets WHERE status = 'waiting'")]


def load_active_at_counter(conn: sqlite3.Connection, counter_id: str) -> Ticket | None:
    rows = _rows(
        conn,
        "SELECT * FROM tickets WHERE counter_id = ? AND status IN ('called', 'serving') ORDER BY called_at DESC",
        (counter_id,),
    )
    return ticket_from_row(rows[0]) if rows else None


def load_active(conn: sqlite3.Connection) -> dict[str, Ticket]:
    rows = _rows(conn, "SELECT * FROM tickets WHERE status IN ('called', 'serving') ORDER BY called_at")
    return {r["counter_id"]: ticket_from_row(r) for r in rows if r["counter_id"]}


def load_child(conn: sqlite3.Connection, parent_id: str) -> Ticket | None:
    rows = _rows(conn, "SELECT * FROM tickets WHERE parent_id = ?", (parent_id,))
    return ticket_from_row(rows[0]) if rows else None


def next_sequence(conn: sqlite3.Connection, day: str, service: str) -> int:
    conn.execute(
        "INSERT INTO number_sequences (day, service, last_seq) VALUES (?, ?, 1)"
        " ON CONFLICT(day, service) DO UPDATE SET last_seq = last_seq + 1",
        (day, service),
    )
    return int(
        conn.execute("SELECT last_seq FROM number_sequences WHERE day = ? AND service = ?", (day, service)).fetchone()[
            0
        ]
    )


def record_number(conn: sqlite3.Connection, day: str, number: str, ticket_id: str) -> None:
    """Fails (IntegrityError) if the number was already issued that day: the last line of defence."""
    conn.execute("INSERT INTO issued_numbers (day, number, ticket_id) VALUES (?, ?, ?)", (day, number, ticket_id))


# events
def append_event(conn: sqlite3.Connection, event: DomainEvent, day: str) -> int:
    cursor = conn.execute(
        "INSERT INTO events (type, at, day, data) VALUES (?, ?, ?, ?)",
        (event.type, event.at.isoformat(), day, json.dumps(event.data, ensure_ascii=False, default=str)),
    )
    return int(cursor.lastrowid or 0)


def event_from_row(row: dict[str, Any]) -> tuple[int, DomainEvent]:
    return row["seq"], DomainEvent(row["type"], datetime.fromisoformat(row["at"]), json.loads(row["data"]))


def load_events_after(conn: sqlite3.Connection, seq: int, limit: int = 500) -> list[tuple[int, DomainEvent]]:
    rows = _rows(conn, "SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
    return [event_from_row(r) for r in rows]


def load_events_of_day(conn: sqlite3.Connection, day: str) -> list[DomainEvent]:
    return [event_from_row(r)[1] for r in _rows(conn, "SELECT * FROM events WHERE day = ? ORDER BY seq", (day,))]


def load_recent_calls(conn: sqlite3.Connection, day: str, limit: int) -> list[tuple[int, DomainEvent]]:
    rows = _rows(
        conn,
        "SELECT * FROM events WHERE day = ? AND type IN ('ticket.called', 'ticket.recalled') ORDER BY seq DESC LIMIT ?",
        (day, limit),
    )
    return [event_from_row(r) for r in rows]


def last_event_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT MAX(seq) FROM events").fetchone()
    return int(row[0] or 0)


# meta, service times, idempotency
def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def load_service_times(conn: sqlite3.Connection) -> dict[str, float]:
    return {r["service"]: r["ewma_min"] for r in _rows(conn, "SELECT * FROM service_times")}


def save_service_time(conn: sqlite3.Connection, service: str, ewma: float) -> None:
    conn.execute(
        "INSERT INTO service_times (service, ewma_min, samples) VALUES (?, ?, 1) ON CONFLICT(service)"
        " DO UPDATE SET ewma_min = excluded.ewma_min, samples = samples + 1",
        (service, ewma),
    )


def find_idempotent(conn: sqlite3.Connection, scope: str, key: str) -> tuple[str, dict[str, Any]] | None:
    row = conn.execute(
        "SELECT request_hash, response FROM idempotency WHERE scope = ? AND key = ?", (scope, key)
    ).fetchone()
    return (row[0], json.loads(row[1])) if row else None


def save_idempotent(
    conn: sqlite3.Connection, scope: str, key: str, request_hash: str, response: dict[str, Any], now: datetime
) -> None:
    conn.execute(
        "INSERT INTO idempotency (key, scope, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)",
        (key, scope, request_hash, json.dumps(response, ensure_ascii=False, default=str), now.isoformat()),
    )
