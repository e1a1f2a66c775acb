"""The device side of enrolment: check the site CA's fingerprint, send the code and a CSR, store the identity."""

from __future__ import annotations

import json
import logging
import shlex
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motcua.contract.provisioning import API_PREFIX, DeviceConfig, EnrolResponse
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


def app_environment(enrolled: EnrolResponse, directory: Path) -> str:
    """The MOTCUA_* variables the kiosk and display apps read (sourced by the kiosk session script).

    A display reaches the site broker over mqtts:// trusting only the site CA and presenting its own
    certificate: the identity files stored in ``directory`` (absolute paths).
    """
    where = directory.resolve()
    broker = enrolled.mqtt.url or enrolled.config.broker_url or ""
    values = {
        "MOTCUA_DISPLAY_BROKER": broker,
        "MOTCUA_DISPLAY_USERNAME": enrolled.mqtt.username,
        "MOTCUA_DISPLAY_PASSWORD": enrolled.mqtt.password,
        "MOTCUA_DISPLAY_CA_FILE": str(where / "ca.pem") if broker else "",
        "MOTCUA_DISPLAY_CERT_FILE": str(where / "cert.pem") if broker else "",
        "MOTCUA_DISPLAY_KEY_FILE": str(where / "key.pem") if broker else "",
        "MOTCUA_DISPLAY_SITE": enrolled.site,
        "MOTCUA_DISPLAY_DEVICE_ID": enrolled.device_id,
        "MOTCUA_DISPLAY_COUNTER": enrolled.counter_id or "",
        "MOTCUA_DISPLAY_LANG": enrolled.config.language,
        "MOTCUA_KIOSK_SERVER_URL": enrolled.config.server_url,
        "MOTCUA_KIOSK_TOKEN": enrolled.api_token,
        "MOTCUA_KIOSK_SITE": enrolled.site,
        "MOTCUA_KIOSK_COUNTER": enrolled.counter_id or "",
        "MOTCUA_KIOSK_LANGUAGE": enrolled.config.language,
    }
    return "".join(f"{name}={shlex.quote(value)}\n" for name, value in values.items() if value)


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
        "mqtt_url": enrolled.mqtt.url,
        "mqtt_username": enrolled.mqtt.username,
        "mqtt_password": enrolled.mqtt.password,
        "ca_fingerprint": fingerprint_of_pem(enrolled.ca_pem),
    }
    write_private(directory / "identity.json", json.dumps(identity, indent=2))
    write_private(directory / "app.env", app_environment(enrolled, directory))
    logger.info("enrolled as %s (%s) at site %s", enrolled.device_id, enrolled.role, enrolled.site)
    return Identity.load(directory)
