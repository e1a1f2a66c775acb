"""Device configs: the first one at enrolment, admins' changes as new versions, published retained over MQTT."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua.contract.mqtt import DeviceStatus, decode_payload, topic_device_config
from motcua.contract.provisioning import DeviceConfig
from queue_server.core.provisioning_config import next_config, role_defaults
from queue_server.provisioning.errors import NOT_ENROLLED, UNKNOWN_DEVICE, ProvisioningError
from queue_server.store.db import Database

Publish = Callable[[str, bytes], None]


@dataclass
class DeviceConfigs:
    """The configs of one site's devices, kept in the ``devices`` table; ``send`` publishes retained."""

    db: Database
    site_id: str
    clock: Callable[[], datetime]
    send: Publish

    def initial(
        self,
        device_id: str,
        role: str,
        counter_id: str | None,
        server_url: str,
        broker_url: str | None,
        now: datetime,
    ) -> DeviceConfig:
        """Version 1 of a newly enrolled device's config: its identity and its role's defaults."""
        base = {
            "site": self.site_id,
            "device_id": device_id,
            "role": role,
            "counter_id": counter_id,
            "server_url": server_url,
            "broker_url": broker_url,
            **role_defaults(role),
        }
        return DeviceConfig.model_validate(next_config(base, {}, now))

    def current(self, device_id: str) -> DeviceConfig:
        """The current config of an enrolled device; 404 when unknown, 409 when not enrolled."""
        rows = self.db.read("SELECT status, config FROM devices WHERE id = ?", (device_id,))
        if not rows:
            raise ProvisioningError(*UNKNOWN_DEVICE)
        if rows[0]["status"] != "enrolled" or not rows[0]["config"]:
            raise ProvisioningError(*NOT_ENROLLED)
        return DeviceConfig.model_validate_json(str(rows[0]["config"]))

    def change(self, device_id: str, changes: dict[str, Any]) -> DeviceConfig:
        """Apply an admin's change: a new version, stored and published retained."""
        current = self.current(device_id)
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
        self.publish(updated)
        return updated

    def publish(self, config: DeviceConfig) -> None:
        """Publish one device's config on its retained topic."""
        self.send(topic_device_config(self.site_id, config.device_id), config.model_dump_json().encode())

    def clear(self, device_id: str) -> None:
        """Clear a device's retained config (it was revoked)."""
        self.send(topic_device_config(self.site_id, device_id), b"")

    def publish_all(self) -> int:
        """Publish every enrolled device's config (after the server (re)connects to the broker)."""
        rows = self.db.read("SELECT config FROM devices WHERE status = 'enrolled' AND config IS NOT NULL")
        for row in rows:
            self.publish(DeviceConfig.model_validate_json(str(row["config"])))
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
