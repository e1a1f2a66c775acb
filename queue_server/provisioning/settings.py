"""Settings of provisioning on the site server, from MOTCUA_PROVISION_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ProvisioningSettings(BaseSettings):
    """What the server side of provisioning reads at start-up."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_PROVISION_", extra="ignore")

    dir: Path | None = Field(
        None,
        description="Directory of the site CA, TLS certificates and broker files (default: DATA_DIR/provisioning).",
    )
    code_ttl_min: float = Field(10.0, gt=0, le=60, description="Minutes an enrolment code stays valid.")
    code_max_attempts: int = Field(5, ge=1, le=20, description="Wrong attempts after which a code is locked.")
    enrol_rate_per_min: float = Field(10.0, gt=0, description="Enrolment attempts per client address per minute.")
    enrol_burst: int = Field(5, ge=1, description="Enrolment attempts a client address may make at once.")
    device_server_url: str | None = Field(
        None, description="API URL given to devices (default: the URL the device enrolled through)."
    )
    device_broker_url: str | None = Field(
        None, description="MQTT URL given to devices, e.g. mqtts://192.168.1.10:8883 (default: none, no MQTT)."
    )
    broker_pid_file: Path | None = Field(
        None, description="pid file of the site's mosquitto; it gets SIGHUP after the ACL/password files change."
    )
    broker_reload_command: list[str] | None = Field(
        None, description='Command that reloads the broker instead, e.g. ["systemctl", "reload", "mosquitto"].'
    )
    announce: bool = Field(True, description="Announce the server over zeroconf (_motcua._tcp).")
    announce_interfaces: list[str] | None = Field(
        None, description="Addresses to announce on (default: the HTTP bind address; never all interfaces)."
    )
    tls: bool = Field(False, description="Serve HTTPS with a certificate from the site CA.")
    tls_hosts: list[str] | None = Field(
        None, description="Names and addresses in the server certificate (default: the bind address)."
    )

    def directory(self, data_dir: Path) -> Path:
        """Where the CA and broker files live."""
        return self.dir or data_dir / "provisioning"
