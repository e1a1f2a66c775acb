"""What a device and the site server agree on to enrol: discovery, the enrolment URI, HTTP and MQTT shapes.

The server announces itself over zeroconf (DNS-SD, RFC 6763) as ``SERVICE_TYPE`` with the TXT keys below;
a technician's QR code carries ``enrol_uri``; the device posts an ``EnrolRequest`` under ``API_PREFIX`` and
receives an ``EnrolResponse``; its versioned ``DeviceConfig`` is published retained on
``motcua/{site}/device/{id}/config`` (``motcua.contract.mqtt.topic_device_config``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal
from urllib.parse import parse_qs, urlencode, urlparse

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "API_PREFIX",
    "DEVICE_ROLES",
    "ENROL_URI_SCHEME",
    "SERVICE_TYPE",
    "TXT_FINGERPRINT",
    "TXT_PORT",
    "TXT_SCHEME",
    "TXT_SITE",
    "TXT_VERSION",
    "TXT_VERSION_KEY",
    "CodeCreate",
    "CodeIssued",
    "ConfigChange",
    "DeviceConfig",
    "DevicePublic",
    "DeviceRole",
    "EnrolRequest",
    "EnrolResponse",
    "EnrolUri",
    "Layout",
    "MqttCredentials",
    "Printer",
    "Timeouts",
    "enrol_uri",
    "parse_enrol_uri",
]

DeviceRole = Literal["kiosk", "display", "counter_display", "feedback"]
DEVICE_ROLES: Final[tuple[DeviceRole, ...]] = ("kiosk", "display", "counter_display", "feedback")

# Zeroconf: the service type (RFC 6763 §7) and the TXT keys of the announcement (RFC 6763 §6).
SERVICE_TYPE: Final = "_motcua._tcp.local."
TXT_VERSION: Final = "1"
TXT_VERSION_KEY: Final = "v"
TXT_SITE: Final = "site"
TXT_PORT: Final = "port"  # the HTTP API's port
TXT_SCHEME: Final = "scheme"  # "http" or "https"
TXT_FINGERPRINT: Final = "fp"  # SHA-256 of the site CA certificate's DER, lowercase hex

# HTTP: ``GET {API_PREFIX}/ca`` (public) and ``POST {API_PREFIX}/enrol`` (EnrolRequest -> EnrolResponse).
API_PREFIX: Final = "/api/v1/provisioning"
ENROL_URI_SCHEME: Final = "motcua-enrol"

_ID = r"^[A-Za-z0-9_.-]{1,64}$"


class EnrolUri(BaseModel):
    """What an enrolment QR code carries: the code, the CA fingerprint and, when known, the server URL."""

    model_config = ConfigDict(frozen=True)
    code: str | None = None
    fingerprint: str | None = None
    server: str | None = None


def enrol_uri(code: str, fingerprint: str, server: str | None = None) -> str:
    """The text of an enrolment QR code: ``motcua-enrol:?server=...&code=...&fp=...``."""
    query = {"server": server} if server else {}
    return f"{ENROL_URI_SCHEME}:?" + urlencode({**query, "code": code, "fp": fingerprint})


def parse_enrol_uri(text: str) -> EnrolUri:
    """The fields of a scanned enrolment URI (missing ones are None)."""
    query = parse_qs(urlparse(text).query)
    return EnrolUri(
        code=query.get("code", [None])[0],
        fingerprint=query.get("fp", [None])[0],
        server=query.get("server", [None])[0],
    )


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Layout(_Model):
    """How the screen is laid out."""

    orientation: Literal["landscape", "portrait"] = "landscape"
    rotation: Literal[0, 90, 180, 270] = 0
    rows: int = Field(6, ge=1, le=20, description="Lines of calls a display shows.")


class Printer(_Model):
    """The USB ESC/POS printer of a kiosk."""

    enabled: bool = False
    usb_vendor: str = Field("0416", pattern=r"^[0-9a-f]{4}$")
    usb_product: str = Field("5011", pattern=r"^[0-9a-f]{4}$")
    paper_width_mm: Literal[58, 80] = 80


class Timeouts(_Model):
    """Timeouts of the device app."""

    idle_reset_s: int = Field(90, ge=10, le=3600, description="Idle time before a kiosk forgets the session.")
    session_s: int = Field(600, ge=30, le=7200)
    heartbeat_s: int = Field(15, ge=2, le=600, description="Interval of the device status heartbeat.")
    http_s: float = Field(5.0, gt=0, le=60)


class DeviceConfig(_Model):
    """Versioned config of one device, published retained on ``motcua/{site}/device/{id}/config``."""

    v: Literal[1] = 1
    version: int = Field(ge=1, description="Increases with every change; the device reports the one it runs.")
    site: str = Field(pattern=_ID)
    device_id: str = Field(pattern=_ID)
    role: DeviceRole
    counter_id: str | None = None
    server_url: str
    broker_url: str | None = None
    language: Literal["vi", "en"] = "vi"
    layout: Layout = Layout()
    printer: Printer = Printer()
    tts_voice: str = Field("", max_length=64)
    timeouts: Timeouts = Timeouts()
    issued_at: datetime


class ConfigChange(BaseModel):
    """An admin's change to a device's config: only these fields, nested objects merged."""

    model_config = ConfigDict(extra="forbid")
    language: Literal["vi", "en"] | None = None
    layout: dict[str, int | str] | None = None
    printer: dict[str, int | str | bool] | None = None
    tts_voice: str | None = Field(None, max_length=64)
    timeouts: dict[str, int | float] | None = None


class CodeCreate(BaseModel):
    """Ask for an enrolment code."""

    model_config = ConfigDict(extra="forbid")
    role: DeviceRole
    counter_id: str | None = Field(None, pattern=_ID)
    label: str = Field("", max_length=80)


class CodeIssued(BaseModel):
    """A fresh enrolment code, for the technician (text and QR)."""

    code: str
    device_id: str
    role: str
    counter_id: str | None
    expires_at: datetime
    ca_fingerprint: str
    enrol_uri: str = Field(description="What the QR code encodes: server URL, code and CA fingerprint.")
    qr_svg: str = ""


class EnrolRequest(BaseModel):
    """What a device sends: the code and a CSR for the key pair it generated itself."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=12, max_length=20)
    csr_pem: str = Field(min_length=100, max_length=4000)
    hostname: str = Field("", max_length=64)


class MqttCredentials(BaseModel):
    """The device's broker account."""

    url: str | None
    username: str
    password: str


class EnrolResponse(BaseModel):
    """What an enrolled device receives once: its identity, credentials and config."""

    device_id: str
    site: str
    role: str
    counter_id: str | None
    api_token: str
    mqtt: MqttCredentials
    ca_pem: str
    cert_pem: str
    config: DeviceConfig


class DevicePublic(BaseModel):
    """A device in the registry, without secrets."""

    id: str
    role: str
    counter_id: str | None
    label: str
    status: str
    hostname: str | None
    code_expires_at: str | None
    enrolled_at: str | None
    revoked_at: str | None
    config_version: int
    reported_config_version: int | None
    last_seen_at: str | None
