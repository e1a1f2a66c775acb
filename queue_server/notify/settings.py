"""The ``notify`` section of the server settings (MOTCUA_NOTIFY_* variables)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotifySettings(BaseSettings):
    """Where and how notifications go; a channel without its provider configured is not offered."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_NOTIFY_", extra="ignore")

    enabled: bool = Field(True, description="Run the sender thread (the outbox is written either way).")
    smtp_host: str | None = Field(None, description="SMTP server of e-mail notifications; none disables e-mail.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port.")
    smtp_from: str = Field("motcua@localhost", description="From address of e-mail notifications.")
    smtp_starttls: bool = Field(False, description="Use STARTTLS.")
    smtp_user: str | None = Field(None, description="SMTP login (with smtp_password).")
    smtp_password: str | None = Field(None, description="SMTP password.")
    sms_url: str | None = Field(None, description="HTTP SMS gateway URL; none disables SMS.")
    sms_method: str = Field("POST", pattern=r"^(POST|PUT|GET)$", description="HTTP method of the gateway.")
    sms_format: str = Field("json", pattern=r"^(json|form)$", description="Body: JSON or form-encoded.")
    sms_template: str = Field(
        '{"to": "{phone}", "text": "{text}", "ref": "{key}"}',
        description="Request body template (JSON object); strings may hold {phone} {text} {key} {code}.",
    )
    sms_headers: dict[str, str] = Field(default_factory=dict, description="Extra HTTP headers (e.g. an API key).")
    zalo_url: str | None = Field(None, description="Zalo OA/ZNS endpoint; none disables Zalo.")
    zalo_access_token: str | None = Field(None, description="Zalo OA access token (header access_token).")
    zalo_template_id: str = Field("", description="ZNS template id.")
    zalo_template: str = Field(
        '{"phone": "{phone84}", "template_id": "{template_id}",'
        ' "template_data": {"code": "{code}", "text": "{text}"}, "tracking_id": "{key}"}',
        description="Request body template (JSON); {phone84} is the number as 84xxxxxxxxx.",
    )
    retry_base_s: float = Field(2.0, gt=0, le=3600, description="First retry delay; doubled each attempt.")
    retry_max_s: float = Field(900.0, gt=0, le=86400, description="Longest retry delay.")
    max_attempts: int = Field(20, ge=1, le=1000, description="Attempts before a notification is given up.")
    timeout_s: float = Field(10.0, gt=0, le=120, description="Timeout of one provider call.")
    poll_s: float = Field(5.0, gt=0, le=600, description="The sender looks at the outbox at least this often.")
