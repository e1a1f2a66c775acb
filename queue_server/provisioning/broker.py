"""Keep mosquitto's password and ACL files in step with the device registry; reload it with SIGHUP.

The accounts are the queue server's own (``SERVER_MQTT_USER``, its password kept 0600 beside the site CA)
and one per enrolled device; the rules come from ``queue_server.core.provisioning_acl``.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from motcua.runtime.files import private_dir, write_private
from queue_server.core import provisioning_acl as acl_core
from queue_server.store.db import Database

logger = logging.getLogger(__name__)

SERVER_MQTT_USER = "motcua-server"


@dataclass
class BrokerFiles:
    """The generated ``password_file`` and ``acl_file`` of the site broker, and how to reload it."""

    directory: Path
    pid_file: Path | None = None
    reload_command: list[str] | None = None

    @property
    def acl_path(self) -> Path:
        """The acl_file mosquitto reads."""
        return self.directory / "acl"

    @property
    def passwd_path(self) -> Path:
        """The password_file mosquitto reads."""
        return self.directory / "passwd"

    def write(self, acl: str, passwd: str) -> bool:
        """Replace both files atomically; True when either changed."""
        self.directory.mkdir(parents=True, exist_ok=True)
        changed = False
        # 0640: mosquitto reads them after dropping root (chgrp the directory to mosquitto in production).
        for path, text in ((self.passwd_path, passwd), (self.acl_path, acl)):
            if not path.exists() or path.read_text() != text:
                write_private(path, text, mode=0o640)
                changed = True
        return changed

    def reload(self) -> bool:
        """Ask the broker to re-read its files; False when no running broker is configured."""
        if self.reload_command:
            result = subprocess.run(self.reload_command, capture_output=True, text=True, check=False, timeout=20)
            if result.returncode != 0:
                logger.warning("broker reload command failed: %s", result.stderr.strip()[:200])
            return result.returncode == 0
        if self.pid_file is None or not self.pid_file.exists():
            return False
        try:
            pid = int(self.pid_file.read_text().strip())
            os.kill(pid, signal.SIGHUP)
        except (ValueError, ProcessLookupError, PermissionError) as exc:
            logger.warning("could not signal the broker from %s: %s", self.pid_file, exc)
            return False
        return True


@dataclass
class BrokerAccounts:
    """The site broker's accounts, generated from the ``devices`` table into ``files``."""

    db: Database
    site_id: str
    directory: Path
    files: BrokerFiles
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def _server_path(self) -> Path:
        return self.directory / "server-mqtt.json"

    def server_password(self) -> str:
        """The queue server's own broker password (created once, kept 0600 beside the CA)."""
        private_dir(self.directory)
        with self._lock:
            if self._server_path.exists():
                return str(json.loads(self._server_path.read_text())["password"])
            password = secrets.token_urlsafe(24)
            salt = secrets.token_bytes(acl_core.SALT_BYTES)
            record = {
                "username": SERVER_MQTT_USER,
                "password": password,
                "hash": acl_core.hash_password(password, salt),
            }
            write_private(self._server_path, json.dumps(record))
            return password

    def _server_hash(self) -> str:
        self.server_password()
        return str(json.loads(self._server_path.read_text())["hash"])

    def device_accounts(self) -> list[acl_core.MqttAccount]:
        """Broker accounts of enrolled (not revoked) devices."""
        rows = self.db.read(
            "SELECT id, role, counter_id, mqtt_username, mqtt_password_hash FROM devices WHERE status = 'enrolled'"
        )
        return [
            acl_core.MqttAccount(
                str(r["mqtt_username"]),
                str(r["mqtt_password_hash"]),
                str(r["id"]),
                str(r["role"]),
                str(r["counter_id"]) if r["counter_id"] else None,
            )
            for r in rows
        ]

    def sync(self) -> bool:
        """Regenerate the password and ACL files; reload the broker when they changed."""
        accounts = self.device_accounts()
        acl = acl_core.render_acl(self.site_id, SERVER_MQTT_USER, accounts)
        passwd = acl_core.render_passwd(
            [(SERVER_MQTT_USER, self._server_hash())] + [(a.username, a.password_hash) for a in accounts]
        )
        changed = self.files.write(acl, passwd)
        return self.files.reload() if changed else False


def new_device_password() -> tuple[str, str]:
    """A fresh broker password for a device and its mosquitto hash: (password, hash)."""
    password = secrets.token_urlsafe(24)
    return password, acl_core.hash_password(password, secrets.token_bytes(acl_core.SALT_BYTES))
