"""The device side of enrolment: check the site CA's fingerprint, send the code and a CSR, store the identity."""

from __future__ import annotations

import json
import logging
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from motcua.contract.provisioning import API_PREFIX, DeviceConfig, EnrolResponse
from motcua.runtime.envfile import COMMAND_PREFIXES, ROLE_COMMAND, write_checked_env
from motcua.runtime.files import private_dir, write_private
from motcua.runtime.pki import fingerprint_of_pem, new_key_and_csr

logger = logging.getLogger(__name__)


class EnrolError(Exception):
    """Enrolment failed; ``code`` is the server's machine code when it answered."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def _context(ca_pem: str | None) -> ssl.SSLContext:
    if ca_pem is None:
        # Only to fetch the CA certificate, which is then checked against the announced fingerprint.
        unverified = ssl.create_default_context()
        unverified.check_hostname = False
        unverified.verify_mode = ssl.CERT_NONE
        return unverified
    return ssl.create_default_context(cadata=ca_pem)


def _request(url: str, body: dict[str, Any] | None, ca_pem: str | None, timeout: float) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    context = _context(ca_pem) if url.startswith("https:") else None
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            parsed: dict[str, Any] = json.loads(response.read())
            return parsed
    except urllib.error.HTTPError as exc:
        try:
            error = json.loads(exc.read())
        except ValueError:
            error = {}
        raise EnrolError(
            f"{exc.code} {error.get('message_en') or exc.reason} / {error.get('message_vi', '')}".strip(" /"),
            str(error.get("code", "")),
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        raise EnrolError(f"cannot reach {url}: {exc}") from None


def fetch_ca(server_url: str, expected_fingerprint: str, timeout: float = 10.0) -> str:
    """The site CA's PEM, after checking that its SHA-256 fingerprint is the expected one."""
    answer = _request(f"{server_url.rstrip('/')}{API_PREFIX}/ca", None, None, timeout)
    pem = str(answer.get("ca_pem", ""))
    actual = fingerprint_of_pem(pem)
    if actual != expected_fingerprint.lower().replace(":", ""):
        raise EnrolError(
            f"the server's CA fingerprint {actual[:16]}… does not match the expected one", "bad_fingerprint"
        )
    return pem


@dataclass(frozen=True)
class Identity:
    """What a device stores after enrolment (``identity.json`` plus key and certificates)."""

    directory: Path
    device_id: str
    site: str
    role: str
    counter_id: str | None
    server_url: str
    api_token: str
    mqtt_url: str | None
    mqtt_username: str
    mqtt_password: str
    ca_fingerprint: str

    @property
    def ca_path(self) -> Path:
        """The site CA certificate."""
        return self.directory / "ca.pem"

    @property
    def cert_path(self) -> Path:
        """The device's client certificate."""
        return self.directory / "cert.pem"

    @property
    def key_path(self) -> Path:
        """The device's private key (0600)."""
        return self.directory / "key.pem"

    @property
    def app_env_path(self) -> Path:
        """The MOTCUA_* variables of the device's app (sourced by the kiosk session script)."""
        return self.directory / "app.env"

    @property
    def agent_env_path(self) -> Path:
        """The MOTCUA_AGENT_* variables of the device's edge agent (site, device id, role, broker account)."""
        return self.directory / "agent.env"

    @property
    def config_path(self) -> Path:
        """The config the device runs."""
        return self.directory / "config.json"

    @classmethod
    def load(cls, directory: Path) -> Identity:
        """Read a stored identity."""
        data = json.loads((directory / "identity.json").read_text())
        return cls(directory=directory, **data)

    def config(self) -> DeviceConfig:
        """The config the device runs now."""
        return DeviceConfig.model_validate_json(self.config_path.read_text())


def enrol(
    server_url: str, code: str, fingerprint: str, out_dir: Path, *, hostname: str = "", timeout: float = 10.0
) -> Identity:
    """Enrol this device: everything is stored under ``out_dir`` with 0600 permissions."""
    ca_pem = fetch_ca(server_url, fingerprint, timeout)
    key_pem, csr_pem = new_key_and_csr(hostname or "motcua-device")
    answer = _request(
        f"{server_url.rstrip('/')}{API_PREFIX}/enrol",
        {"code": code, "csr_pem": csr_pem.decode(), "hostname": hostname[:64]},
        ca_pem,
        timeout,
    )
    enrolled = EnrolResponse.model_validate(answer)
    if fingerprint_of_pem(enrolled.ca_pem) != fingerprint_of_pem(ca_pem):
        raise EnrolError("the enrolment answer carries another CA", "bad_fingerprint")
    return store_identity(out_dir, enrolled, key_pem)


def device_broker_url(enrolled: EnrolResponse) -> str:
    """The site broker a device connects to: the one enrolment named, else the server's host on the site
    listener (mqtts://HOST:8883 behind an https:// server, the demo's mqtt://HOST:1883 behind http://)."""
    named = enrolled.mqtt.url or enrolled.config.broker_url
    if named:
        return named
    server = urlparse(enrolled.config.server_url)
    host = server.hostname or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    return f"mqtts://{host}:8883" if server.scheme == "https" else f"mqtt://{host}:1883"


def app_values(identity: Identity, config: DeviceConfig) -> dict[str, str]:
    """The MOTCUA_* variables of the device's app (its role's settings class only), from identity and config.

    A display reaches the site broker trusting only the site CA and presenting its own certificate: the
    identity's files (absolute paths) when the broker is mqtts://.
    """
    where = identity.directory.resolve()
    if identity.role in ("display", "counter_display"):
        tls = (identity.mqtt_url or "").startswith(("mqtts://", "ssl://"))
        return {
            "MOTCUA_DISPLAY_KIND": "counter" if identity.role == "counter_display" else "waiting-room",
            "MOTCUA_DISPLAY_BROKER": identity.mqtt_url or "",
            "MOTCUA_DISPLAY_USERNAME": identity.mqtt_username,
            "MOTCUA_DISPLAY_PASSWORD": identity.mqtt_password,
            "MOTCUA_DISPLAY_CA_FILE": str(where / "ca.pem") if tls else "",
            "MOTCUA_DISPLAY_CERT_FILE": str(where / "cert.pem") if tls else "",
            "MOTCUA_DISPLAY_KEY_FILE": str(where / "key.pem") if tls else "",
            "MOTCUA_DISPLAY_SITE": identity.site,
            "MOTCUA_DISPLAY_DEVICE_ID": identity.device_id,
            "MOTCUA_DISPLAY_COUNTER": (identity.counter_id or "") if identity.role == "counter_display" else "",
            "MOTCUA_DISPLAY_LANG": config.language,
            "MOTCUA_DISPLAY_ORIENTATION": config.layout.orientation,
        }
    if identity.role == "feedback":
        return {
            "MOTCUA_TABLET_SERVER": config.server_url,
            "MOTCUA_TABLET_TOKEN": identity.api_token,
            "MOTCUA_TABLET_COUNTER": identity.counter_id or "",
            "MOTCUA_TABLET_LANG": config.language,
        }
    printer = config.printer
    return {
        "MOTCUA_KIOSK_SERVER_URL": config.server_url,
        "MOTCUA_KIOSK_TOKEN": identity.api_token,
        "MOTCUA_KIOSK_SITE": identity.site,
        "MOTCUA_KIOSK_DEVICE_ID": identity.device_id,
        "MOTCUA_KIOSK_LANG": config.language,
        "MOTCUA_KIOSK_PRINTER": f"usb:{printer.usb_vendor}:{printer.usb_product}" if printer.enabled else "",
    }


def required_app_keys(role: str, values: Mapping[str, str]) -> list[str]:
    """What the app of ``role`` cannot run without (a TLS broker needs the site CA, a certificate and its key)."""
    if role in ("display", "counter_display"):
        keys = ["MOTCUA_DISPLAY_KIND", "MOTCUA_DISPLAY_BROKER", "MOTCUA_DISPLAY_SITE", "MOTCUA_DISPLAY_DEVICE_ID"]
        if role == "counter_display":
            keys.append("MOTCUA_DISPLAY_COUNTER")
        if values.get("MOTCUA_DISPLAY_BROKER", "").startswith(("mqtts://", "ssl://")):
            keys += ["MOTCUA_DISPLAY_CA_FILE", "MOTCUA_DISPLAY_CERT_FILE", "MOTCUA_DISPLAY_KEY_FILE"]
        if values.get("MOTCUA_DISPLAY_USERNAME"):
            keys.append("MOTCUA_DISPLAY_PASSWORD")
        return keys
    if role == "feedback":
        return ["MOTCUA_TABLET_SERVER", "MOTCUA_TABLET_TOKEN"]
    return ["MOTCUA_KIOSK_SERVER_URL", "MOTCUA_KIOSK_TOKEN", "MOTCUA_KIOSK_SITE", "MOTCUA_KIOSK_DEVICE_ID"]


def agent_values(identity: Identity) -> dict[str, str]:
    """The MOTCUA_AGENT_* variables of the device's edge agent: site, device id, role, broker with its account."""
    broker = identity.mqtt_url or ""
    if broker and identity.mqtt_username:
        scheme, _, rest = broker.partition("://")
        account = f"{quote(identity.mqtt_username, safe='')}:{quote(identity.mqtt_password, safe='')}"
        broker = f"{scheme}://{account}@{rest}"
    return {
        "MOTCUA_AGENT_SITE_ID": identity.site,
        "MOTCUA_AGENT_DEVICE_ID": identity.device_id,
        "MOTCUA_AGENT_ROLE": identity.role,
        "MOTCUA_AGENT_BROKER_URL": broker,
    }


def write_agent_env(identity: Identity) -> str:
    """Write ``agent.env`` (0600), checked against the edge agent's settings; EnvFileError writes nothing."""
    values = agent_values(identity)
    return write_checked_env(identity.agent_env_path, values, COMMAND_PREFIXES["agent"], required=list(values))


def write_app_env(identity: Identity, config: DeviceConfig) -> str:
    """Write ``app.env`` (0600) after checking it against the settings class of the device's app.

    EnvFileError (nothing written) when a variable is one the app does not read, a required one is missing
    or a value is refused: the device fails here, at enrolment or config time, not as a dark screen.
    """
    values = app_values(identity, config)
    prefixes = COMMAND_PREFIXES[ROLE_COMMAND[identity.role]]
    required = required_app_keys(identity.role, values)
    return write_checked_env(identity.app_env_path, values, prefixes, required=required)


def store_identity(out_dir: Path, enrolled: EnrolResponse, key_pem: bytes) -> Identity:
    """Store what enrolment returned, with the device's own key, under ``out_dir`` (0700; secrets 0600)."""
    directory = private_dir(out_dir)
    write_private(directory / "key.pem", key_pem)
    write_private(directory / "cert.pem", enrolled.cert_pem)
    write_private(directory / "ca.pem", enrolled.ca_pem)
    write_private(directory / "config.json", enrolled.config.model_dump_json(indent=2))
    identity = {
        "device_id": enrolled.device_id,
        "site": enrolled.site,
        "role": enrolled.role,
        "counter_id": enrolled.counter_id,
        "server_url": enrolled.config.server_url,
        "api_token": enrolled.api_token,
        "mqtt_url": device_broker_url(enrolled),
        "mqtt_username": enrolled.mqtt.username,
        "mqtt_password": enrolled.mqtt.password,
        "ca_fingerprint": fingerprint_of_pem(enrolled.ca_pem),
    }
    write_private(directory / "identity.json", json.dumps(identity, indent=2))
    stored = Identity.load(directory)
    write_app_env(stored, enrolled.config)
    write_agent_env(stored)
    logger.info("enrolled as %s (%s) at site %s", enrolled.device_id, enrolled.role, enrolled.site)
    return stored
