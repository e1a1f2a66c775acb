"""Settings of the edge agent, from MOTCUA_AGENT_* environment variables and command-line flags."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from edge_agent.core.outbox_policy import OutboxLimits
from motcua.contract.site import DEFAULT_SITE_ID, SITE_ID_PATTERN


class AgentSettings(BaseSettings):
    """Everything the agent reads at start-up."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_AGENT_", extra="ignore")

    environment: str = Field(
        "development", description="development or production; production refuses plain HTTP uplinks."
    )
    data_dir: Path = Field(Path("agent-data"), description="Directory of the agent's outbox database.")
    site_id: str = Field(DEFAULT_SITE_ID, pattern=SITE_ID_PATTERN, description="Site id (MQTT topic root).")
    device_id: str = Field("site-server", pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="This device's id.")
    role: str = Field(
        "server", description="server (collects the site's events and uplinks them), kiosk, display, counter."
    )
    broker_url: str = Field("mqtt://127.0.0.1:1883", description="The site's MQTT broker.")
    uplink: Literal["mqtt", "http", "none"] = Field(
        "mqtt", description="mqtt (the site broker is bridged to the province), http (HTTPS batches), none."
    )
    monitor_url: str | None = Field(
        None, description="Base URL of the monitor for the http uplink, e.g. https://monitor.example."
    )
    site_token: str | None = Field(None, description="Bearer token of this site at the monitor (http uplink).")
    server_url: str | None = Field(
        None,
        description="The queue server (optional): its event log is replayed from there (events the MQTT session "
        "missed) and feedback sentiment is posted back.",
    )
    server_token: str | None = Field(
        None, description="An agent token of the queue server (motcua admin create-token --role agent)."
    )
    replay: bool = Field(
        True,
        description="With server_url and server_token: read the queue server's event log (GET /api/v1/events) "
        "at start, after every reconnect and every replay_interval_s, and uplink what MQTT did not bring.",
    )
    replay_interval_s: float = Field(60.0, gt=0, description="Seconds between catch-up reads of the event log.")
    replay_page: int = Field(1000, ge=1, le=1000, description="Events per read of the event log.")
    replay_gap_wait_s: float = Field(
        120.0,
        gt=0,
        description="How long a site event waits for older ones the event log cannot deliver (queue server "
        "unreachable) before it is processed anyway.",
    )
    heartbeat_s: float = Field(30.0, gt=0, description="Seconds between health heartbeats.")
    health_uplink_every: int = Field(
        2, ge=1, description="Uplink every Nth device heartbeat as a device.health sample (status changes always)."
    )
    kpi_interval_s: float = Field(300.0, gt=0, description="Seconds between KPI snapshots sent upward.")
    batch_size: int = Field(500, ge=1, le=5000, description="Most events per uplink batch.")
    ack_timeout_s: float = Field(10.0, gt=0, description="Wait this long for the monitor's ack before resending.")
    retry_max_s: float = Field(30.0, gt=0, description="Longest pause between resends while the link is down.")
    outbox_max_events: int = Field(500_000, ge=10, description="Outbox bound in events.")
    outbox_max_mb: float = Field(512.0, gt=0, description="Outbox bound in megabytes.")
    outbox_max_age_h: float = Field(24.0 * 30, gt=0, description="Events older than this are evicted (reported).")
    printer_status_file: Path | None = Field(
        None, description="JSON or one-word status file the kiosk writes about its printer (absent: unknown)."
    )
    thermal_dir: Path = Field(Path("/sys/class/thermal"), description="Where CPU temperature zones are read.")
    sentiment_model: Path | None = Field(None, description="ONNX sentiment model (default: the shipped one).")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone of the service day (KPI snapshots).")
    metrics_port: int | None = Field(
        None, ge=0, le=65535, description="Serve Prometheus metrics on 127.0.0.1:PORT/metrics (off when unset)."
    )

    @model_validator(mode="after")
    def _check(self) -> AgentSettings:
        if self.uplink == "http" and (not self.monitor_url or not self.site_token):
            raise ValueError("the http uplink needs monitor_url and site_token")
        if (
            self.environment == "production"
            and self.uplink == "http"
            and self.monitor_url
            and not self.monitor_url.startswith("https://")
        ):
            raise ValueError("production uplinks over HTTP must use https://")
        return self

    @property
    def collects(self) -> bool:
        """True on the site server: subscribe to the site's events and uplink them."""
        return self.role == "server"

    def outbox_limits(self) -> OutboxLimits:
        """The outbox bounds."""
        return OutboxLimits(
            max_events=self.outbox_max_events,
            max_bytes=int(self.outbox_max_mb * 1024 * 1024),
            max_age=timedelta(hours=self.outbox_max_age_h),
        )
