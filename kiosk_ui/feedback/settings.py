"""Settings of the feedback tablet, from MOTCUA_TABLET_* environment variables and flags."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class TabletSettings(BaseSettings):
    """Settings of the counter-side feedback tablet (``motcua kiosk --mode feedback --counter ID``)."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_TABLET_", extra="ignore", frozen=True)

    server: str = Field("http://127.0.0.1:8000", description="Base URL of the site's queue server.")
    token: str = Field("", description="Bearer token of this tablet (role feedback, or kiosk).")
    counter: str = Field("1", pattern=r"^[A-Za-z0-9_-]{1,16}$", description="Counter id this tablet stands at.")
    lang: Literal["vi", "en"] = Field("vi", description="Language the tablet starts in (and returns to).")
    keyboard: Literal["telex", "plain"] = Field("telex", description="On-screen keyboard input mode.")
    windowed: bool = Field(False, description="Run in a window instead of full screen (development).")
    width: int = Field(1280, ge=320, description="Window width in pixels when windowed.")
    height: int = Field(800, ge=240, description="Window height in pixels when windowed.")
    poll_seconds: float = Field(2.0, gt=0, le=60, description="How often the tablet asks for the ticket just served.")
    idle_seconds: float = Field(60.0, gt=0, description="An untouched rating screen resets after this many seconds.")
    thanks_seconds: float = Field(6.0, gt=0, description="How long the thank-you screen stays.")
    timeout: float = Field(5.0, gt=0, description="HTTP timeout per request, seconds.")

    @field_validator("server")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("server must be an http:// or https:// URL")
        return value.rstrip("/")
