"""Settings of the citizen kiosk (``motcua kiosk``): pydantic-settings, env prefix ``MOTCUA_KIOSK_``.

Every field carries its help text once, in ``description`` (docs/kiosk.md lists them; a test
checks that each is documented). Outside development the kiosk refuses to start without a device
token. The catalogue cache holds the PUBLIC catalogue only; nothing a citizen types is ever
written to disk.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from motcua.contract.site import DEFAULT_SITE_ID

__all__ = ["KioskSettings", "get_kiosk_settings"]

_STATE_HOME = Path.home() / ".local" / "state" / "motcua-kiosk"
_CACHE_HOME = Path.home() / ".cache" / "motcua-kiosk"


class KioskSettings(BaseSettings):
    """Settings of one citizen kiosk."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_KIOSK_", extra="ignore", frozen=True)

    environment: Literal["development", "production"] = Field(
        "production", description="development allows running without a device token (demo, tests)."
    )
    site: str = Field(DEFAULT_SITE_ID, description="Site id of the centre this kiosk belongs to.")
    device_id: str = Field("kiosk-1", description="This kiosk's device id (in logs and the printer status file).")
    centre_name: str = Field(
        "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
        description="Centre name shown on the welcome screen and printed at the top of every ticket.",
    )
    server_url: str = Field("http://127.0.0.1:8000", description="Base URL of the site's queue server.")
    public_url: str = Field(
        "",
        description="URL citizens' phones use to reach the server (ticket QR codes {public_url}/t/{id}); "
        "default: server_url.",
    )
    token: str = Field("", description="The kiosk's device token (motcua admin create-token --role kiosk).")
    request_timeout_s: float = Field(4.0, gt=0, le=30, description="Timeout of one HTTP request to the server.")
    server_probe_s: float = Field(
        15.0, ge=0.2, le=300, description="Seconds between checks that the server answers (its health endpoint)."
    )
    server_silence_s: float = Field(
        60.0,
        ge=1,
        le=3600,
        description="The server has not answered for this long: the screen says there is no connection to the"
        " server of this site (browsing from the cache still works).",
    )
    request_retries: int = Field(2, ge=0, le=5, description="Retries of a ticket or dossier request (same key).")
    printer: str = Field(
        "dummy:", description="Ticket printer: usb:VID:PID, tcp://HOST[:9100], file:/dev/usb/lp0 or dummy:."
    )
    lang: Literal["vi", "en"] = Field("vi", description="Language each visit starts in.")
    large_text: bool = Field(False, description="Start every visit with large text.")
    high_contrast: bool = Field(False, description="Start every visit in high contrast.")
    keyboard_mode: Literal["telex", "vni", "plain"] = Field(
        "telex",
        description="Default typing mode of the on-screen keyboard for names and free text "
        "(telex, vni, or plain = no accents); each field keeps its own.",
    )
    idle_timeout_s: float = Field(
        90.0, ge=30, le=900, description="Seconds without a touch before the visit is wiped (at least 30)."
    )
    idle_warning_s: float = Field(
        20.0, ge=10, le=120, description="The countdown warning shown this many seconds before the wipe (at least 10)."
    )
    done_seconds: float = Field(
        20.0, ge=10, le=120, description="Seconds the thank-you screen stays before the welcome screen returns."
    )
    attract_seconds: float = Field(5.0, ge=2, le=60, description="Seconds each hint of the welcome loop stays.")
    catalogue_cache: Path = Field(
        _CACHE_HOME / "catalogue.json",
        description="Cache of the PUBLIC procedure catalogue, for browsing while the server is unreachable.",
    )
    state_dir: Path = Field(
        _STATE_HOME,
        description="Where printer_state.json is kept for the edge agent (device status only, no personal data).",
    )
    camera: str = Field(
        "0", description="CCCD camera: an OpenCV index (0), a video file, or a still image (tests, demos)."
    )
    camera_timeout_s: float = Field(20.0, gt=0, le=120, description="How long one 'Quét CCCD' scan looks for a QR.")
    voice: Literal["off", "espeak"] = Field(
        "espeak", description="Read each screen's instruction aloud on request (espeak-ng via pyttsx3), or off."
    )
    espeak_voice_vi: str = Field("aav/vi", description="espeak-ng voice for Vietnamese.")
    espeak_voice_en: str = Field("gmw/en", description="espeak-ng voice for English.")
    speech_rate: int = Field(130, ge=60, le=300, description="Speaking rate, words per minute (slow for clarity).")
    windowed: bool = Field(False, description="Run in a window instead of full screen (development).")
    width: int = Field(1920, ge=640, description="Window width in pixels (the kiosk's screen).")
    height: int = Field(1080, ge=480, description="Window height in pixels.")
    mm_per_px: float = Field(
        0.248, gt=0, description="Physical size of a pixel (21.5-inch 1920x1080: 0.248 mm); sets touch target sizes."
    )
    min_target_mm: float = Field(15.0, ge=9, description="Smallest touch target, millimetres (15 mm for the elderly).")

    @field_validator("server_url", "public_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _secure(self) -> KioskSettings:
        if self.environment == "production" and not self.token:
            raise ValueError("a device token is required outside development (MOTCUA_KIOSK_TOKEN or --token)")
        if self.idle_warning_s >= self.idle_timeout_s:
            raise ValueError("idle_warning_s must be shorter than idle_timeout_s")
        return self

    @property
    def track_base(self) -> str:
        """Base of the ticket-tracking URL printed as a QR code."""
        return self.public_url or self.server_url

    @property
    def min_target_px(self) -> int:
        """Smallest touch target in pixels at this screen's resolution."""
        return int(-(-self.min_target_mm // self.mm_per_px))

    @property
    def printer_state_path(self) -> Path:
        """The printer status file the edge agent reads."""
        return self.state_dir / "printer_state.json"

    def camera_source(self) -> int | str:
        """The camera as OpenCV wants it: an int index or a path."""
        return int(self.camera) if self.camera.isdigit() else self.camera


@lru_cache(maxsize=1)
def get_kiosk_settings() -> KioskSettings:
    """The kiosk settings from the environment, read once (tests call ``cache_clear``)."""
    return KioskSettings()
