"""The first schema: services, counters, tickets, numbers, the event log, idempotency, tokens."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    run_statements(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE services (
            code TEXT PRIMARY KEY, letter TEXT NOT NULL UNIQUE, name_vi TEXT NOT NULL, name_en TEXT NOT NULL,
            default_service_min REAL NOT NULL DEFAULT 8, active INTEGER NOT NULL DEFAULT 1,
            position INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE counters (
            id TEXT PRIMARY KEY, name_vi TEXT NOT NULL, name_en TEXT NOT NULL, services TEXT NOT NULL,
            area_vi TEXT NOT NULL DEFAULT '', area_en TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'closed', staff_id TEXT, priority_streak INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE tickets (
            id TEXT PRIMARY KEY, day TEXT NOT NULL, service TEXT NOT NULL, number TEXT NOT NULL,
            priority TEXT, status TEXT NOT NULL, issued_at TEXT NOT NULL, queued_at TEXT NOT NULL,
            appointment_start TEXT, appointment_end TEXT, counter_id TEXT, staff_id TEXT,
            called_at TEXT, started_at TEXT, finished_at TEXT, recall_count INTEGER NOT NULL DEFAULT 0,
            head_of_queue INTEGER NOT NULL DEFAULT 0, estimated_wait_min REAL, position_at_issue INTEGER,
            parent_id TEXT, hops TEXT NOT NULL DEFAULT '[]', lang TEXT NOT NULL DEFAULT 'vi');
        CREATE INDEX tickets_waiting ON tickets (status, service);
        CREATE INDEX tickets_day ON tickets (day);
        CREATE INDEX tickets_counter ON tickets (counter_id, status);
        CREATE TABLE number_sequences (
            day TEXT NOT NULL, service TEXT NOT NULL, last_seq INTEGER NOT NULL, PRIMARY KEY (day, service));
        CREATE TABLE issued_numbers (
            day TEXT NOT NULL, number TEXT NOT NULL, ticket_id TEXT NOT NULL, PRIMARY KEY (day, number));
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, at TEXT NOT NULL, day TEXT NOT NULL,
            data TEXT NOT NULL);
        CREATE INDEX events_day ON events (day);
        CREATE TABLE idempotency (
            key TEXT NOT NULL, scope TEXT NOT NULL, request_hash TEXT NOT NULL, response TEXT NOT NULL,
            created_at TEXT NOT NULL, PRIMARY KEY (scope, key));
        CREATE TABLE tokens (
            id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, counter_id TEXT,
            label TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, revoked_at TEXT);
        CREATE TABLE service_times (service TEXT PRIMARY KEY, ewma_min REAL NOT NULL, samples INTEGER NOT NULL);
        CREATE TABLE appointments (
            code TEXT PRIMARY KEY, service TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'booked', ticket_id TEXT, created_at TEXT NOT NULL);
        """,
    )
