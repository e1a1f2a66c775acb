"""Keep mosquitto's password and ACL files in step with the device registry; reload it with SIGHUP."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from provisioning.files import write_private

logger = logging.getLogger(__name__)


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
