"""Provisioning use cases on the site server: codes, enrolment, the device registry, revocation, configs.

Decisions come from ``queue_server.core.provisioning_*``; this module reads and writes the registry (``devices``
table) and issues credentials through ``queue_server.auth``. The broker's files are kept in step by
``broker.BrokerAccounts``, configs are versioned and published by ``configs.DeviceConfigs``.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from motcua.contract.provisioning import DeviceConfig, EnrolResponse, MqttCredentials
from motcua.runtime.ratelimit import TokenBuckets
from queue_server.auth import create_token, revoke_tokens
from queue_server.core import provisioning_codes as codes
from queue_server.core.provisioning_roles import check_role_counter, token_role
from queue_server.provisioning.broker import SERVER_MQTT_USER, BrokerAccounts, BrokerFiles, new_device_password
from queue_server.provisioning.ca import SiteCA
from queue_server.provisioning.configs import DeviceConfigs, Publish
from queue_server.provisioning.errors import CODE_REFUSALS, INVALID_CODE, UNKNOWN_DEVICE, ProvisioningError, Refusal
from queue_server.provisioning.settings import ProvisioningSettings
from queue_server.store.db import Database

__all__ = ["SERVER_MQTT_USER", "Provisioner", "ProvisioningError", "Publish"]

logger = logging.getLogger(__name__)

CODE_ATTEMPTS = 8


@dataclass
class Provisioner:
    """Provisioning of one site's devices."""

    db: Database
    site_id: str
    directory: Path
    settings: ProvisioningSettings = field(default_factory=ProvisioningSettings)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    publish: Publish | None = None
    broker_url_for_devices: str | None = None
    _ca: SiteCA | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.broker = BrokerAccounts(
            self.db,
            self.site_id,
            self.directory,
            BrokerFiles(self.directory / "broker", self.settings.broker_pid_file, self.settings.broker_reload_command),
        )
        self.configs = DeviceConfigs(self.db, self.site_id, self.clock, self._send)
        self.limiter = TokenBuckets(self.settings.enrol_rate_per_min / 60.0, self.settings.enrol_burst)
        self._limiter_lock = threading.Lock()

    def _send(self, topic: str, payload: bytes) -> None:
        if self.publish is not None:  # read at each call: the MQTT connection may be attached later
            self.publish(topic, payload)

    # --- the CA and the server's own broker account
    def ca(self) -> SiteCA:
        """The site CA, created on first use."""
        with self._lock:
            if self._ca is None:
                self._ca = SiteCA.load_or_create(self.directory, self.site_id)
            return self._ca

    def server_mqtt_password(self) -> str:
        """The queue server's own broker password (created once, kept 0600 beside the CA)."""
        return self.broker.server_password()

    # --- codes
    def create_code(self, role: str, counter_id: str | None = None, label: str = "") -> dict[str, Any]:
        """A new single-use code for a device of ``role`` (and counter); its device slot is 'pending'."""
        try:
            check_role_counter(role, counter_id)
        except ValueError as exc:
            raise ProvisioningError(
                422, "invalid_role", f"Vai trò/quầy không hợp lệ: {exc}.", f"Invalid role/counter: {exc}."
            ) from None
        if counter_id and not self.db.query("SELECT 1 FROM counters WHERE id = ?", (counter_id,)):
            raise ProvisioningError(
                404, "unknown_counter", f"Không có quầy '{counter_id}'.", f"No counter '{counter_id}'."
            )
        self.expire_codes()
        now = self.clock()
        expires = now + timedelta(minutes=self.settings.code_ttl_min)
        for _attempt in range(CODE_ATTEMPTS):  # a short code id or device id may repeat a stored one
            code = codes.new_code(secrets.choice)
            device_id = f"{role.replace('_', '-')}-{secrets.token_hex(3)}"
            try:
                with self.db.transaction() as conn:
                    conn.execute(
                        "INSERT INTO devices (id, role, counter_id, label, code_id, code_hash, code_expires_at,"
                        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            device_id,
                            role,
                            counter_id,
                            label,
                            code.code_id,
                            codes.hash_secret(code.secret),
                            expires.isoformat(),
                            now.isoformat(),
                        ),
                    )
                break
            except sqlite3.IntegrityError:
                continue
        else:
            raise ProvisioningError(
                503,
                "code_space_full",
                "Không tạo được mã mới, vui lòng thử lại.",
                "Could not draw a new code; try again.",
            )
        ca = self.ca()
        return {
            "code": code.text,
            "device_id": device_id,
            "role": role,
            "counter_id": counter_id,
            "expires_at": expires,
            "ca_fingerprint": ca.fingerprint,
        }

    def expire_codes(self) -> int:
        """Close the slots whose code expired unused; returns how many.

        The row stays as the audit trace (role, counter, label, created and expiry times, wrong attempts), with
        the status the code ended in ('expired', or 'locked' after too many wrong attempts) and without the
        hash of its secret. Runs in the server's periodic purge and before a new code is issued.
        """
        now = self.clock()
        closed: list[tuple[str, str, str, str | None, int]] = []
        with self.db.transaction() as conn:
            rows = conn.execute(
                "SELECT id, role, counter_id, code_expires_at, code_attempts FROM devices WHERE status = 'pending'"
            ).fetchall()
            for device_id, role, counter_id, expires_at, attempts in rows:
                state = codes.CodeState(
                    "",
                    datetime.fromisoformat(str(expires_at)),
                    int(attempts or 0),
                    max_attempts=self.settings.code_max_attempts,
                )
                if now < state.expires_at:
                    continue  # still usable, or locked but not yet expired: shown as such by list_devices
                ended: str = codes.code_status(state, now)
                conn.execute(
                    "UPDATE devices SET status = ?, code_hash = NULL WHERE id = ? AND status = 'pending'",
                    (ended, device_id),
                )
                closed.append((str(device_id), ended, str(role), counter_id, int(attempts or 0)))
        for device_id, ended, role, counter_id, attempts in closed:
            logger.info(
                "enrolment code of device slot %s (%s%s) %s unused at its expiry (%d wrong attempt(s))",
                device_id,
                role,
                f", counter {counter_id}" if counter_id else "",
                ended,
                attempts,
            )
        return len(closed)

    # --- enrolment
    def check_rate(self, address: str) -> None:
        """429 when ``address`` has made too many enrolment attempts."""
        with self._limiter_lock:
            wait = self.limiter.take(address, time.monotonic())
        if wait > 0:
            raise ProvisioningError(
                429,
                "too_many_attempts",
                "Thử quá nhiều lần, hãy đợi một lát.",
                "Too many attempts; wait a moment.",
                retry_after=wait,
            )

    def enrol(self, code_text: str, csr_pem: str, hostname: str, server_url: str) -> EnrolResponse:
        """Enrol the device holding ``code_text``: sign its CSR, issue its API token and broker account."""
        code = codes.parse_code(code_text)
        if code is None:
            raise ProvisioningError(*INVALID_CODE)
        ca = self.ca()
        try:
            ca.sign_csr(csr_pem, "check", "check")  # validate before the code is consumed
        except ValueError as exc:
            raise ProvisioningError(
                422, "invalid_csr", f"Yêu cầu chứng thư không hợp lệ: {exc}.", f"Invalid CSR: {exc}."
            ) from None
        now = self.clock()
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT id, role, counter_id, status, code_hash, code_expires_at, code_attempts FROM devices"
                " WHERE code_id = ?",
                (code.code_id,),
            ).fetchone()
            if row is None:
                refusal: Refusal | None = INVALID_CODE
            else:
                device_id, role, counter_id, status, code_hash, expires_at, attempts = row
                state = codes.CodeState(
                    code.code_id,
                    datetime.fromisoformat(expires_at),
                    int(attempts),
                    used=status == "enrolled",
                    revoked=status == "revoked",
                    max_attempts=self.settings.code_max_attempts,
                )
                verdict = codes.judge_attempt(state, codes.secret_matches(code.secret, code_hash or ""), now)
                refusal = None
                if verdict.outcome == "wrong":
                    conn.execute(
                        "UPDATE devices SET code_attempts = ? WHERE id = ?", (verdict.state.attempts, device_id)
                    )
                    locked = codes.code_status(verdict.state, now) == "locked"
                    refusal = CODE_REFUSALS["locked"] if locked else INVALID_CODE
                elif verdict.outcome != "accept":
                    refusal = CODE_REFUSALS[verdict.outcome]
            if refusal is not None:
                failure: ProvisioningError | None = ProvisioningError(*refusal)
            else:
                failure = None
                issued = ca.sign_csr(csr_pem, device_id, role, now)
                try:
                    token = create_token(self.db, token_role(role), counter_id=counter_id, label=f"device:{device_id}")
                except ValueError as exc:  # e.g. the server does not know the "feedback" token role yet
                    raise ProvisioningError(
                        422,
                        "role_unsupported",
                        f"Máy chủ chưa hỗ trợ vai trò này: {exc}.",
                        f"The server does not support this role: {exc}.",
                    ) from None
                password, password_hash = new_device_password()
                config = self.configs.initial(
                    device_id,
                    role,
                    counter_id,
                    self.settings.device_server_url or server_url,
                    self.broker_url_for_devices,
                    now,
                )
                conn.execute(
                    "UPDATE devices SET status = 'enrolled', code_hash = NULL, mqtt_username = ?,"
                    " mqtt_password_hash = ?, cert_serial = ?, cert_fingerprint = ?, hostname = ?, config = ?,"
                    " config_version = ?, enrolled_at = ? WHERE id = ?",
                    (
                        device_id,
                        password_hash,
                        issued.serial,
                        issued.fingerprint,
                        hostname[:64],
                        config.model_dump_json(),
                        config.version,
                        now.isoformat(),
                        device_id,
                    ),
                )
        if failure is not None:
            raise failure
        self.sync_broker()
        self.configs.publish(config)
        logger.info("device %s enrolled as %s", device_id, role)
        return EnrolResponse(
            device_id=device_id,
            site=self.site_id,
            role=role,
            counter_id=counter_id,
            api_token=token,
            mqtt=MqttCredentials(url=self.broker_url_for_devices, username=device_id, password=password),
            ca_pem=ca.pem,
            cert_pem=issued.pem,
            config=config,
        )

    # --- registry
    def list_devices(self) -> list[dict[str, Any]]:
        """Every device slot with its current status (pending codes past expiry show 'expired' or 'locked')."""
        now = self.clock()
        rows = self.db.read(
            "SELECT id, role, counter_id, label, status, hostname, code_expires_at, code_attempts, enrolled_at,"
            " revoked_at, config_version, reported_config_version, last_seen_at FROM devices ORDER BY created_at"
        )
        for row in rows:
            if row["status"] == "pending":
                state = codes.CodeState(
                    "",
                    datetime.fromisoformat(str(row["code_expires_at"])),
                    int(str(row["code_attempts"] or 0)),
                    max_attempts=self.settings.code_max_attempts,
                )
                row["status"] = codes.code_status(state, now)
            row.pop("code_attempts", None)
        return rows

    def device(self, device_id: str) -> dict[str, Any]:
        """One device's row; 404 when unknown."""
        rows = self.db.read("SELECT * FROM devices WHERE id = ?", (device_id,))
        if not rows:
            raise ProvisioningError(*UNKNOWN_DEVICE)
        return rows[0]

    def revoke(self, device_id: str) -> dict[str, Any]:
        """Revoke a device (or cancel its pending code): API token revoked at once, broker files regenerated."""
        self.device(device_id)
        now = self.clock()
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE devices SET status = 'revoked', revoked_at = ?, code_hash = NULL WHERE id = ?"
                " AND status != 'revoked'",
                (now.isoformat(), device_id),
            )
        tokens = revoke_tokens(self.db, label=f"device:{device_id}")
        reloaded = self.sync_broker()
        self.configs.clear(device_id)
        logger.info("device %s revoked (%d token(s))", device_id, tokens)
        return {"id": device_id, "status": "revoked", "tokens_revoked": tokens, "broker_reloaded": reloaded}

    # --- broker and configs (see broker.py, configs.py)
    def sync_broker(self) -> bool:
        """Regenerate the broker's password and ACL files; reload the broker when they changed."""
        return self.broker.sync()

    def config(self, device_id: str) -> DeviceConfig:
        """The current config of an enrolled device."""
        return self.configs.current(device_id)

    def change_config(self, device_id: str, changes: dict[str, Any]) -> DeviceConfig:
        """Apply an admin's change: a new version, stored and published retained."""
        return self.configs.change(device_id, changes)

    def publish_all_configs(self) -> int:
        """Publish every enrolled device's config (after the server (re)connects to the broker)."""
        return self.configs.publish_all()

    def record_status(self, payload: bytes) -> None:
        """Note the config version and last-seen time a device reports in its status."""
        self.configs.record_status(payload)
