"""Sites, devices and the site tokens of the HTTPS ingest."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from monitor.store._connection import StoreConnection
from monitor.store.rows import DeviceRow, SiteRow

LEVELS = ("province", "district", "commune")


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class RegistryMixin(StoreConnection):
    """``sites``, ``upsert_site``, ``devices``, ``create_site_token``, ``site_for_token``."""

    def sites(self) -> list[SiteRow]:
        """Every site known (declared with ``upsert_site`` or seen on the uplink)."""
        with self._tx() as cur:
            cur.execute("SELECT site, name, level, one_stop_staff, last_seen FROM sites ORDER BY site")
            rows = cur.fetchall()
        return [
            SiteRow(r[0], r[1], r[2], None if r[3] is None else int(r[3]), None if r[4] is None else self._dt(r[4]))
            for r in rows
        ]

    def upsert_site(
        self, site: str, *, name: str | None = None, level: str | None = None, one_stop_staff: int | None = None
    ) -> None:
        """Declare a site or update its name, level and staff; ``None`` keeps the stored value."""
        if level is not None and level not in LEVELS:
            raise ValueError(f"level must be province, district or commune, not {level!r}")
        if one_stop_staff is not None and one_stop_staff < 0:
            raise ValueError(f"one_stop_staff must be 0 (none declared) or more, not {one_stop_staff!r}")
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO sites (site, name, level, one_stop_staff) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (site) DO UPDATE SET name = COALESCE(excluded.name, sites.name), "
                    "level = COALESCE(excluded.level, sites.level), "
                    "one_stop_staff = COALESCE(excluded.one_stop_staff, sites.one_stop_staff)"
                ),
                [site, name, level, one_stop_staff],
            )

    def devices(self, site: str | None = None) -> list[DeviceRow]:
        """The newest status of every device (of one site when given)."""
        sql = "SELECT site, device_id, role, state, version, last_seen, details, heartbeat FROM devices"
        params: list[Any] = []
        if site is not None:
            sql += " WHERE site = ?"
            params.append(site)
        with self._tx() as cur:
            cur.execute(self._sql(sql + " ORDER BY site, device_id"), params)
            rows = cur.fetchall()
        return [DeviceRow(r[0], r[1], r[2], r[3], r[4], self._dt(r[5]), self._json_out(r[6]), bool(r[7])) for r in rows]

    def create_site_token(self, site: str) -> str:
        """A new bearer token for a site's agent; only its hash is stored."""
        token = secrets.token_urlsafe(32)
        with self._tx() as cur:
            cur.execute(
                self._sql("INSERT INTO site_tokens (token_hash, site, created_at) VALUES (?, ?, ?)"),
                [_hash_token(token), site, self._ts(self.clock())],
            )
        return token

    def site_for_token(self, token: str) -> str | None:
        """The site a bearer token belongs to, or None."""
        with self._tx() as cur:
            cur.execute(self._sql("SELECT site FROM site_tokens WHERE token_hash = ?"), [_hash_token(token)])
            row = cur.fetchone()
        return None if row is None else str(row[0])
