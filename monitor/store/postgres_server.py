"""A throw-away PostgreSQL server in a directory (tests, benchmarks, a laptop demo).

``initdb`` + ``pg_ctl`` on a free port on 127.0.0.1, socket in the data directory. PostgreSQL refuses
to run as root, so when we are root the server runs as the ``postgres`` system user (or
``nobody``), which gets ownership of the directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from motcua.runtime.broker import free_port


def postgres_bin_dir() -> Path:
    """The directory of initdb / pg_ctl (``MOTCUA_PG_BIN``, PATH, or /usr/lib/postgresql/*/bin)."""
    env = os.environ.get("MOTCUA_PG_BIN")
    if env:
        return Path(env)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise RuntimeError("PostgreSQL server binaries not found (install postgresql, or set MOTCUA_PG_BIN)")
    return Path(candidates[0]).parent


def _run_as() -> str | None:
    if os.geteuid() != 0:
        return None
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
            return user
        except KeyError:
            continue
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


@dataclass
class TempPostgres:
    """A PostgreSQL server owned by this process; ``url`` is a libpq URL for the ``postgres`` database."""

    directory: Path
    port: int = 0
    user: str = "motcua"

    @property
    def url(self) -> str:
        """Connection URL."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _cmd(self, args: list[str]) -> list[str]:
        run_as = _run_as()
        if run_as is None:
            return args
        return ["runuser", "-u", run_as, "--", *args]

    def start(self) -> TempPostgres:
        """initdb (first time) and start; waits until it accepts connections."""
        self.port = self.port or free_port()
        bindir = postgres_bin_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        pgdata = self.directory / "pgdata"
        run_as = _run_as()
        if run_as is not None:
            info = pwd.getpwnam(run_as)
            # The user needs to reach the directory: open up the parents' search bit, own the dir.
            for parent in [self.directory, *self.directory.parents]:
                if parent == Path("/"):
                    break
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    parent.chmod(mode | 0o001)
            os.chown(self.directory, info.pw_uid, info.pw_gid)
        if not (pgdata / "PG_VERSION").exists():
            subprocess.run(
                self._cmd(
                    [
                        str(bindir / "initdb"),
                        "-D",
                        str(pgdata),
                        "-U",
                        self.user,
                        "--auth=trust",
                        "--encoding=UTF8",
                        "--no-locale",
                        "--no-sync",
                    ]
                ),
                check=True,
                capture_output=True,
            )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.directory} "
            "-c shared_buffers=64MB -c max_connections=50"
        )
        subprocess.run(
            self._cmd(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(pgdata),
                    "-o",
                    options,
                    "-l",
                    str(self.directory / "postgres.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown)."""
        pgdata = self.directory / "pgdata"
        if (pgdata / "postmaster.pid").exists():
            subprocess.run(
                self._cmd([str(postgres_bin_dir() / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"]),
                check=False,
                capture_output=True,
            )
