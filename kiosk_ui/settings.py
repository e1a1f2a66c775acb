"""Settings of the kiosk_ui apps (pydantic-settings), one class per app, read through cached getters.

Environment variables take the class's prefix (``MOTCUA_DISPLAY_SITE=hn-01``); every field
carries its help text once, in ``description``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from motcua.contract.mqtt import topic_device_status
from motcua.contract.site import DEFAULT_SITE_ID

ASSETS = Path(__file__).resolve().parent / "assets"
DEFAULT_VOICE_PACK = ASSETS / "voice" / "vi-default"


class DisplaySettings(BaseSettings):
    """Settings of the waiting-room and counter displays (``motcua display``)."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_DISPLAY_", extra="ignore", frozen=True)

    kind: Literal["waiting-room", "counter"] = Field(
        "waiting-room", description="Which display to run: the waiting-room TV or a counter's own screen."
    )
    counter: str | None = Field(None, description="Counter id shown by a counter display (required for kind=counter).")
    broker: str = Field(
        "mqtt://127.0.0.1:1883",
        description="MQTT broker URL, mqtt://[user:password@]host:port (mqtts:// for TLS).",
    )
    username: str | None = Field(None, description="MQTT user name, when the broker requires one.")
    password: str | None = Field(None, description="MQTT password, when the broker requires one.")
    ca_file: Path | None = Field(
        None,
        description="CA certificate (PEM) that signed the broker's certificate, for mqtts://: the site's ca.pem"
        " from enrolment; default the system CAs.",
    )
    cert_file: Path | None = Field(
        None, description="This device's client certificate (PEM) for mqtts://, issued at enrolment (cert.pem)."
    )
    key_file: Path | None = Field(
        None, description="Private key (PEM, no passphrase) of cert_file, created at enrolment (key.pem)."
    )
    site: str = Field(DEFAULT_SITE_ID, description="Site id: the topic root motcua/{site}/.")
    device_id: str | None = Field(
        None, description="Device id for the status topic; default display-<kind>[-<counter>]-<hostname>."
    )
    orientation: Literal["landscape", "portrait"] = Field(
        "landscape", description="Screen layout: landscape (1920x1080 TV) or portrait (1080x1920)."
    )
    lang: Literal["vi", "en"] = Field("vi", description="Language of the on-screen text.")
    title: str = Field("", description="Title line at the top of the waiting room; empty for the default.")
    notice: str = Field("", description="Scrolling notice line at the bottom; empty for the default notice.")
    windowed: bool = Field(False, description="Run in a window instead of full screen (development).")
    width: int = Field(0, ge=0, description="Window width in pixels when windowed; 0 for the layout's default.")
    height: int = Field(0, ge=0, description="Window height in pixels when windowed; 0 for the layout's default.")
    recent_calls: int = Field(
        8, ge=1, le=12, description="How many recent calls the waiting room lists (the server keeps 8)."
    )
    page_seconds: float = Field(
        8.0, gt=0, description="When the site has more services than the waiting list can show: seconds per page."
    )
    server_silence_seconds: float = Field(
        60.0,
        gt=0,
        description="Connected to the broker this long without one message from the site's server (wrong site"
        " id, or no server): the screen says so.",
    )
    highlight_seconds: float = Field(8.0, ge=0, description="How long a new call stays highlighted, seconds.")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone of the on-screen clock.")

    announce: Literal["auto", "on", "off"] = Field(
        "auto", description="Speak calls aloud: auto = the waiting room speaks, a counter display does not."
    )
    announce_langs: list[Literal["vi", "en"]] = Field(
        default_factory=lambda: list[Literal["vi", "en"]](["vi"]),
        description='Languages of each announcement, in order, e.g. ["vi","en"] (JSON in the environment).',
    )
    voice: Literal["espeak", "pack"] = Field(
        "espeak", description="Speech engine: espeak (pyttsx3 + espeak-ng) or pack (recorded voice clips)."
    )
    espeak_voice_vi: str = Field("aav/vi", description="espeak-ng voice id for Vietnamese (espeak-ng --voices=vi).")
    espeak_voice_en: str = Field("gmw/en", description="espeak-ng voice id for English.")
    speech_rate: int = Field(150, ge=60, le=300, description="espeak-ng speaking rate, words per minute.")
    voice_pack: Path = Field(DEFAULT_VOICE_PACK, description="Directory of the recorded voice pack (voice=pack).")
    template_vi: str = Field(
        "Mời công dân có số thứ tự {number} đến quầy số {counter}",
        description="Vietnamese announcement; fields {number} {counter} {counter_name} {service_name}.",
    )
    template_en: str = Field(
        "Ticket number {number}, please go to counter {counter}",
        description="English announcement; same fields as template_vi.",
    )
    number_mode: Literal["digits", "whole"] = Field(
        "digits", description='Read ticket numbers digit by digit ("B không một hai") or whole ("B mười hai").'
    )
    linh: Literal["linh", "lẻ"] = Field("linh", description='Word for an empty tens place: "linh" (North) or "lẻ".')
    counter_names: dict[str, str] = Field(
        default_factory=dict, description='Spoken name per counter id, e.g. {"5": "năm"} (JSON in the environment).'
    )
    chime: bool = Field(True, description="Play a chime before each announcement.")
    stale_seconds: float = Field(
        60.0, gt=0, description="Calls older than this when they arrive (e.g. after a reconnect) are shown, not spoken."
    )
    audio_dir: Path | None = Field(None, description="Where rendered announcement WAVs go; default a temp directory.")

    @field_validator("site", "counter", "device_id")
    @classmethod
    def _topic_level(cls, value: str | None) -> str | None:
        if value is not None:
            topic_device_status(value, value)  # raises ValueError unless a safe topic level
        return value

    @field_validator("template_vi", "template_en")
    @classmethod
    def _template(cls, value: str) -> str:
        from kiosk_ui.core.announce import validate_template

        return validate_template(value)

    @model_validator(mode="after")
    def _tls_files(self) -> DisplaySettings:
        if self.ca_file or self.cert_file or self.key_file:
            from kiosk_ui.display.tls import check_tls_files

            check_tls_files(self.ca_file, self.cert_file, self.key_file)  # ValueError in Vietnamese and English
        return self

    def tls_files(self) -> tuple[str, str | None, str | None] | None:
        """(CA, client certificate, key) for the MQTT connection, or None for the system CAs."""
        if self.ca_file is None:
            return None
        return (
            str(self.ca_file),
            str(self.cert_file) if self.cert_file else None,
            str(self.key_file) if self.key_file else None,
        )

    def speaks(self) -> bool:
        """Whether this display announces calls aloud."""
        return self.announce == "on" or (self.announce == "auto" and self.kind == "waiting-room")


@lru_cache(maxsize=1)
def get_display_settings() -> DisplaySettings:
    """The display settings from the environment, read once (tests call ``cache_clear``)."""
    return DisplaySettings()
