"""Provisioning use cases on the site server: codes, enrolment, revocation, device configs.

Decisions come from ``provisioning.core``; this module reads and writes the registry (``devices`` table),
issues credentials through ``queue_server.auth``, keeps the broker's files in step and publishes configs.
"""

from __future__ import annotations

import json
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

from motcua.contract.mqtt import DeviceStatus, decode_payload, topic_device_config
from provisioning.broker_sync import BrokerFiles
from provisioning.ca import SiteCA
from provisioning.contract import DeviceConfig, EnrolResponse, MqttCredentials
from provisioning.core import acl as acl_core
from provisioning.core import codes
from provisioning.core.config import next_config, role_defaults
from provisioning.core.ratelimit import TokenBuckets
from provisioning.core.roles import check_role_counter, token_role
from provisioning.files import private_dir, write_private
from provisioning.settings import ProvisioningSettings
from queue_server.store.db import Database

logger = logging.getLogger(__name__)

SERVER_MQTT_USER = "motcua-server"
CODE_ATTEMPTS = 8
Publish = Callable[[str, bytes], None]


class ProvisioningError(Exception):
    """A refusal with an HTTP status, a machine code and messages in Vietnamese and English."""

    def __init__(self, status: int, code: str, message_vi: str, message_en: str, retry_after: float = 0) -> None:
        super().__init__(message_en)
        self.status, self.code, self.message_vi, self.message_en = status, code, message_vi, message_en
        self.retry_after = retry_after


_INVALID = (403, "invalid_code", "Mã đăng ký không đúng.", "The enrolment code is not valid.")
_REFUSALS = {
    "locked": (
        403,
        "code_locked",
        "Mã đăng ký đã bị khoá do nhập sai nhiều lần.",
        "The code is locked after too many wrong attempts.",
    ),
    "expired": (
        403,
        "code_expired",
        "Mã đăng ký đã hết hạn, hãy tạo mã mới.",
        "The code has expired; create a new one.",
    ),
    "used": (403, "code_used", "Mã đăng ký đã được sử dụng.", "The code was already used."),
    "revoked": (403, "code_revoked", "Thiết bị này đã bị thu hồi.", "This device was revoked."),
}


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
        self.broker = BrokerFiles(
            self.directory / "broker", self.settings.broker_pid_file, self.settings.broker_reload_command
        )
        self.limiter = TokenBuckets(self.settings.enrol_rate_per_min / 60.0, self.settings.enrol_burst)
        self._limiter_lock = threading.Lock()

    # --- the CA and the server's own broker account
    def ca(self) -> SiteCA:
        """The site CA, created on first use."""
        with self._lock:
            if self._ca is None:
                self._ca = SiteCA.load_or_create(self.directory, self.site_id)
            return self._ca

    def server_mqtt_password(self) -> str:
        """The queue server's own broker password (created once, kept 0600 beside the CA)."""
        path = private_dir(self.directory) / "server-mqtt.json"
        with self._lock:
            if path.exists():
                return str(json.loads(path.read_text())["password"])
            password = secrets.token_urlsafe(24)
            salt = secrets.token_bytes(acl_core.SALT_BYTES)
            write_private(
                path,
                json.dumps(
                    {"username": SERVER_MQTT_USER, "password": password, "hash": acl_core.hash_password(password, salt)}
                ),
            )
            return password

    def _server_hash(self) -> str:
        self.server_mqtt_password()
        return str(json.loads((self.directory / "server-mqtt.json").read_text())["hash"])

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
            raise ProvisioningError(*_INVALID)
        ca = self.ca()
        try:
            ca.sign_csr(csr_pem, "check", "check")  # validate before the code is consumed
        except ValueError as exc:
            raise ProvisioningError(
                422, "invalid_csr", f"Yêu cầu chứng thư không hợp lệ: {exc}.", f"Invalid CSR: {exc}."
            ) from None
        now = self.clock()
        from queue_server.auth import create_token

        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT id, role, counter_id, status, code_hash, code_expires_at, code_attempts FROM devices"
                " WHERE code_id = ?",
                (code.code_id,),
            ).fetchone()
            if row is None:
                refusal: tuple[int, str, str, str] | None = _INVALID
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
                    refusal = _REFUSALS["locked"] if locked else _INVALID
                elif verdict.outcome != "accept":
                    refusal = _REFUSALS[verdict.outcome]
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
                password = secrets.token_urlsafe(24)
                password_hash = acl_core.hash_password(password, secrets.token_bytes(acl_core.SALT_BYTES))
                config = self._initial_config(device_id, role, counter_id, server_url, now)
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
        self._publish_config(config)
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

    def _initial_config(
        self, device_id: str, role: str, counter_id: str | None, server_url: str, now: datetime
    ) -> DeviceConfig:
        base = {
            "site": self.site_id,
            "device_id": device_id,
            "role": role,
            "counter_id": counter_id,
            "server_url": self.settings.device_server_url or server_url,
            "broker_url": self.broker_url_for_devices,
            **role_defaults(role),
        }
        return DeviceConfig.model_validate(next_config(base, {}, now))

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
            raise ProvisioningError(404, "unknown_device", "Không tìm thấy thiết bị.", "Device not found.")
        return rows[0]

    def revoke(self, device_id: str) -> dict[str, Any]:
        """Revoke a device (or cancel its pending code): API token revoked at once, broker files regenerated."""
        from queue_server.auth import revoke_tokens

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
        if self.publish is not None:
            self.publish(topic_device_config(self.site_id, device_id), b"")  # clear the retained config
        logger.info("device %s revoked (%d token(s))", device_id, tokens)
        return {"id": device_id, "status": "revoked", "tokens_revoked": tokens, "broker_reloaded": reloaded}

    # --- broker
    def accounts(self) -> list[acl_core.MqttAccount]:
        """Broker accounts of enrolled (not revoked) devices."""
        rows = self.db.read(
            "SELECT id, role, counter_id, mqtt_username, mqtt_password_hash FROM devices WHERE status = 'enrolled'"
        )
        return [
            acl_core.MqttAccount(
                str(r["mqtt_username"]),
                str(r["mqtt_password_hash"]),
                str(r["id"]),
                str(r["role"]),
                str(r["counter_id"]) if r["counter_id"] else None,
            )
            for r in rows
        ]

    def sync_broker(self) -> bool:
        """Regenerate the password and ACL files; reload the broker when they changed."""
        accounts = self.accounts()
        acl = acl_core.render_acl(self.site_id, SERVER_MQTT_USER, accounts)
        passwd = acl_core.render_passwd(
            [(SERVER_MQTT_USER, self._server_hash())] + [(a.username, a.password_hash) for a in accounts]
        )
        changed = self.broker.write(acl, passwd)
        return self.broker.reload() if changed else False

    # --- configs
    def config(self, device_id: str) -> DeviceConfig:
        """The current config of an enrolled device."""
        row = self.device(device_id)
        if row["status"] != "enrolled" or not row["config"]:
            raise ProvisioningError(
                409, "not_enrolled", "Thiết bị chưa đăng ký hoặc đã bị thu hồi.", "The device is not enrolled."
            )
        return DeviceConfig.model_validate_json(str(row["config"]))

    def change_config(self, device_id: str, changes: dict[str, Any]) -> DeviceConfig:
        """Apply an admin's change: a new version, stored and published retained."""
        current = self.config(device_id)
        try:
            updated = DeviceConfig.model_validate(next_config(current.model_dump(mode="json"), changes, self.clock()))
        except ValueError as exc:
            raise ProvisioningError(
                422, "invalid_config", f"Cấu hình không hợp lệ: {exc}", f"Invalid config: {exc}"
            ) from None
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE devices SET config = ?, config_version = ? WHERE id = ? AND status = 'enrolled'",
                (updated.model_dump_json(), updated.version, device_id),
            )
        self._publish_config(updated)
        return updated

    def _publish_config(self, config: DeviceConfig) -> None:
        if self.publish is not None:
            self.publish(topic_device_config(self.site_id, config.device_id), config.model_dump_json().encode())

    def publish_all_configs(self) -> int:
        """Publish every enrolled device's config (after the server (re)connects to the broker)."""
        rows = self.db.read("SELECT config FROM devices WHERE status = 'enrolled' AND config IS NOT NULL")
        for row in rows:
            self._publish_config(DeviceConfig.model_validate_json(str(row["config"])))
        return len(rows)

    def record_status(self, payload: bytes) -> None:
        """Note the config version and last-seen time a device reports in its status."""
        if not payload:
            return
        try:
            status = decode_payload(DeviceStatus, payload)
        except ValueError:
            return
        version = status.details.get("config_version")
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE devices SET reported_config_version = COALESCE(?, reported_config_version), last_seen_at = ?"
                " WHERE id = ? AND status = 'enrolled'",
                (version if isinstance(version, int) else None, self.clock().isoformat(), status.device_id),
            )
