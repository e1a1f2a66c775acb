"""Settings of the queue server, from MOTCUA_* environment variables and command-line flags.

One class, ``ServerSettings``, for the whole deployable; feedback and provisioning are sections of it, each
read from its own prefix (``MOTCUA_FEEDBACK_*``, ``MOTCUA_PROVISION_*``).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from motcua.contract.feedback import DEFAULT_CRITERIA, Criterion
from motcua.contract.site import DEFAULT_SITE_ID, SITE_ID_PATTERN
from queue_server.core.feedback import FeedbackPolicy
from queue_server.core.model import QueueConfig
from queue_server.provisioning.settings import ProvisioningSettings


class CriterionSetting(BaseModel):
    """A configured criterion."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name_vi: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)


class FeedbackSettings(BaseSettings):
    """Feedback capture settings, from MOTCUA_FEEDBACK_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_FEEDBACK_", extra="ignore")

    criteria: list[CriterionSetting] = Field(
        default_factory=lambda: [
            CriterionSetting(code=c.code, name_vi=c.name_vi, name_en=c.name_en) for c in DEFAULT_CRITERIA
        ],
        description='Rated criteria, JSON: [{"code": "staff_attitude", "name_vi": "Thái độ cán bộ", "name_en": ...}].',
    )
    window_hours: float = Field(
        24.0,
        ge=0,
        le=24 * 30,
        description="Besides the same service day, feedback is accepted this long after service.",
    )
    last_served_min: float = Field(
        5.0, gt=0, le=120, description="The counter tablet offers the ticket just served for this many minutes."
    )
    self_score: bool = Field(
        True,
        description="Score comments on the server (the motcua.scorers 'onnx' model, when installed) when no edge"
        " agent attached a score in time.",
    )
    self_score_after_s: float = Field(
        30.0, ge=0, le=86400, description="Seconds to wait for the edge agent's score before scoring on the server."
    )

    def policy(self) -> FeedbackPolicy:
        """The pure core's view of the settings."""
        return FeedbackPolicy(
            criteria=tuple(Criterion(c.code, c.name_vi, c.name_en) for c in self.criteria),
            window=timedelta(hours=self.window_hours),
            last_served=timedelta(minutes=self.last_served_min),
        )


class ServerSettings(BaseSettings):
    """Everything the queue server reads at start-up."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_", extra="ignore")

    environment: str = Field(
        "development",
        description="development or production; production refuses "
        "insecure defaults such as binding to all interfaces without TLS.",
    )
    data_dir: Path = Field(Path("data"), description="Directory of the SQLite database and broker data.")
    host: str = Field("127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port of the HTTP server.")
    broker_url: str | None = Field(None, description="MQTT broker, e.g. mqtt://127.0.0.1:1883; none disables MQTT.")
    site_id: str = Field(
        DEFAULT_SITE_ID,
        pattern=SITE_ID_PATTERN,
        description="Site id: the MQTT topic root motcua/{site}/ and the key of the site at the provincial monitor.",
    )
    feedback: FeedbackSettings = Field(
        default_factory=FeedbackSettings,
        description="Feedback capture: criteria, windows, server-side scoring (MOTCUA_FEEDBACK_* variables).",
    )
    provisioning: ProvisioningSettings = Field(
        default_factory=ProvisioningSettings,
        description="Enrolment codes, site CA, TLS, zeroconf, broker files (MOTCUA_PROVISION_* variables).",
    )
    site_name_vi: str = Field("Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh", description="Centre name (vi).")
    site_name_en: str = Field(
        "Bac Ninh Provincial Public Administrative Service Centre", description="Centre name (en)."
    )
    public_url: str | None = Field(None, description="Base URL citizens' phones use to follow a ticket.")
    max_priority_in_row: int = Field(2, ge=1, description="Most priority calls in a row while a normal ticket waits.")
    max_wait_min: float = Field(30.0, gt=0, description="After this wait any ticket is called first (no starvation).")
    max_recalls: int = Field(2, ge=0, description="Recalls before a called ticket becomes a no-show.")
    reinstate_window_min: float = Field(15.0, ge=0, description="A no-show may be reinstated within this window.")
    appointment_early_min: float = Field(
        10.0, ge=0, description="An appointment is served from this long before its start."
    )
    reset_hour: int = Field(0, ge=0, le=23, description="Local hour at which ticket numbers restart each day.")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone of the service day.")
    dossier_retention_days: int = Field(
        30, ge=1, le=3650, description="Days a dossier's personal form data is kept on the server before it is purged."
    )
    dossier_archive_years: int = Field(
        10, ge=1, le=100, description="Years a received dossier, its form data and papers are kept (archive period)."
    )
    dossier_site_code: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.]{1,40}$", description="Agency code in dossier codes (default: the site id)."
    )
    paper_max_bytes: int = Field(20_000_000, ge=1000, description="Largest paper upload accepted (bytes).")
    counter_printers: dict[str, str] = Field(
        default_factory=dict,
        description='Network ESC/POS printer (TCP, port 9100 by default) of each counter, JSON'
        ' {"counter_id": "host:port"}: the receipt and supplement slips printed at the desk.',
    )
    comment_retention_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="Days the text of a feedback comment (free text that may name people) is kept; then it is"
        " blanked, the rating and its sentiment kept.",
    )
    recent_calls: int = Field(8, ge=1, le=50, description="Calls kept in the retained queue summary.")
    purge_interval_s: float = Field(
        3600.0,
        ge=0.1,
        le=86400,
        description="Seconds between purges: dossiers and feedback comments past their retention period,"
        " enrolment codes that expired unused.",
    )
    ticket_rate_per_min: float = Field(
        30.0, gt=0, description="Tickets one kiosk token may issue per minute, sustained (token bucket)."
    )
    ticket_burst: int = Field(
        10, ge=1, description="Tickets one kiosk token may issue at once before the rate applies."
    )

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> ServerSettings:
        if self.environment == "production" and self.host in ("0.0.0.0", "::") and not self.public_url:
            raise ValueError("production on all interfaces needs MOTCUA_PUBLIC_URL (behind TLS)")
        return self

    def queue_config(self) -> QueueConfig:
        """The pure core's view of the settings."""
        return QueueConfig(
            max_priority_in_row=self.max_priority_in_row,
            max_wait_min=self.max_wait_min,
            max_recalls=self.max_recalls,
            reinstate_window_min=self.reinstate_window_min,
            appointment_early_min=self.appointment_early_min,
            reset_hour=self.reset_hour,
            timezone=self.timezone,
        )


@lru_cache(maxsize=1)
def get_settings() -> ServerSettings:
    """Settings read once from the environment (tests build their own instances)."""
    return ServerSettings()
