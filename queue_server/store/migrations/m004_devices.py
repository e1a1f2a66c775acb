"""Provisioned devices: enrolment codes, identities, broker accounts and config versions."""

from __future__ import annotations

import sqlite_utils

from queue_server.store.migrations import run_statements


def migrate(db: sqlite_utils.Database) -> None:
    # One row per device slot: created with its enrolment code (status 'pending'), filled in at enrolment
    # ('enrolled'), kept after revocation ('revoked') for the audit trail. Only hashes of secrets are stored.
    run_statements(
        db,
        """
        CREATE TABLE devices (
            id TEXT PRIMARY KEY, role TEXT NOT NULL, counter_id TEXT, label TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending',
            code_id TEXT UNIQUE, code_hash TEXT, code_expires_at TEXT, code_attempts INTEGER NOT NULL DEFAULT 0,
            mqtt_username TEXT UNIQUE, mqtt_password_hash TEXT,
            cert_serial TEXT, cert_fingerprint TEXT, hostname TEXT,
            config TEXT, config_version INTEGER NOT NULL DEFAULT 0,
            reported_config_version INTEGER, last_seen_at TEXT,
            created_at TEXT NOT NULL, enrolled_at TEXT, revoked_at TEXT);
        CREATE INDEX devices_status ON devices (status)
        """,
    )
