"""Ingest with dedup: a batch is stored once per (site, epoch, seq) in one transaction, with the newest
status of each device it reports and the site's ``last_seen``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from monitor.store._connection import StoreConnection
from motcua.contract.uplink import UplinkAck, UplinkBatch, UplinkEvent

# Rows per multi-row INSERT: 500 rows x 9 columns stays far below SQLite's 32,766 variables.
CHUNK = 500
DEVICE_EVENT_TYPES = ("device.health", "device.status")
HEARTBEAT_TYPE = "device.health"


class IngestMixin(StoreConnection):
    """``ingest`` and ``ingest_new``."""

    def ingest(self, batch: UplinkBatch) -> UplinkAck:
        """Store the batch's events once per (site, epoch, seq) and acknowledge all of them (new or known)."""
        return self.ingest_new(batch)[0]

    def ingest_new(self, batch: UplinkBatch) -> tuple[UplinkAck, list[UplinkEvent]]:
        """Like ``ingest``, also returning the events that were new (for the alert rules)."""
        received = self._ts(self.clock())
        events = [e for e in batch.events if e.site == batch.site]
        ph = self.dialect.placeholder
        row_sql = f"({ph}, {ph}, {ph}, {ph}, {ph}, {ph}, {ph}, {self.dialect.json_param}, {ph})"
        new_keys: set[tuple[str, int]] = set()
        with self._tx() as cur:
            for start in range(0, len(events), CHUNK):
                chunk = events[start : start + CHUNK]
                params: list[Any] = []
                for e in chunk:
                    params += [
                        e.site,
                        e.epoch,
                        e.seq,
                        e.kind,
                        e.type,
                        self._ts(e.at),
                        e.source_seq,
                        self._json_in(e.data),
                        received,
                    ]
                cur.execute(
                    "INSERT INTO events (site, epoch, seq, kind, type, at, source_seq, data, received_at) VALUES "
                    + ", ".join([row_sql] * len(chunk))
                    + " ON CONFLICT (site, seq, epoch) DO NOTHING RETURNING epoch, seq",
                    params,
                )
                new_keys.update((str(row[0]), int(row[1])) for row in cur.fetchall())
            new = [e for e in events if (e.epoch, e.seq) in new_keys]
            self._upsert_devices(cur, [e for e in new if e.type in DEVICE_EVENT_TYPES])
            if events:
                cur.execute(
                    self._sql(
                        "INSERT INTO sites (site, last_seen) VALUES (?, ?) "
                        "ON CONFLICT (site) DO UPDATE SET last_seen = excluded.last_seen"
                    ),
                    [batch.site, received],
                )
        return UplinkAck(site=batch.site, epoch=batch.epoch, acked=[e.seq for e in events]), new

    def _upsert_devices(self, cur: Any, events: Sequence[UplinkEvent]) -> None:
        newest: dict[str, UplinkEvent] = {}
        beats: set[str] = set()
        for e in events:
            device_id = str(e.data.get("device_id") or "")
            if not device_id:
                continue
            if e.type == HEARTBEAT_TYPE:
                beats.add(device_id)
            if device_id not in newest or newest[device_id].at <= e.at:
                newest[device_id] = e
        for device_id, e in newest.items():
            cur.execute(
                self._sql(
                    "INSERT INTO devices (site, device_id, role, state, version, last_seen, details, heartbeat) "
                    f"VALUES (?, ?, ?, ?, ?, ?, {self.dialect.json_param}, ?) "
                    "ON CONFLICT (site, device_id) DO UPDATE SET role = excluded.role, state = excluded.state, "
                    "version = excluded.version, last_seen = excluded.last_seen, details = excluded.details "
                    "WHERE devices.last_seen <= excluded.last_seen"
                ),
                [
                    e.site,
                    device_id,
                    str(e.data.get("role") or ""),
                    str(e.data.get("state") or "online"),
                    str(e.data.get("version") or ""),
                    self._ts(e.at),
                    self._json_in(dict(e.data.get("details") or {})),
                    1 if device_id in beats else 0,
                ],
            )
        for device_id in sorted(beats):
            # Only ever from 0 to 1 (also by a sample that arrives late): once a device has sent a heartbeat
            # sample, its silence means trouble.
            cur.execute(
                self._sql("UPDATE devices SET heartbeat = 1 WHERE site = ? AND device_id = ? AND heartbeat = 0"),
                [newest[device_id].site, device_id],
            )
