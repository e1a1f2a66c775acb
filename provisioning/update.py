"""Signed A/B updates on a device (decisions in ``provisioning.core.update``).

A bundle is a tar file: ``manifest.json`` (version, role, pip requirement, SHA-256 of every wheel), its
ed25519 signature ``manifest.sig`` (64 raw bytes) and ``wheels/*.whl``. ``Updater.apply`` verifies the
signature and every wheel *before* touching anything, installs into the inactive slot of ``ROOT`` (``a`` or
``b``, each a venv), records ``switched`` in the state file, points ``ROOT/current`` at the new slot (one
atomic rename), restarts the units and waits for the health check; only a passing check before the deadline
commits, anything else switches back and restarts again. ``recover`` (run before every update and at boot)
finishes what a power cut or a kill -9 interrupted: ``current`` always names a complete slot.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from motcua.runtime.files import write_private
from provisioning.core.update import Manifest, other_slot, recovery

logger = logging.getLogger(__name__)
PAUSE_ENV = "MOTCUA_UPDATE_TEST_PAUSE_AT"  # tests: stop at a step (then kill -9) to check recovery


class BundleError(ValueError):
    """The bundle is refused: bad signature, a wheel that does not match, a malformed file."""


def generate_key(directory: Path) -> tuple[Path, Path]:
    """A new ed25519 signing key: (``update-signing.key`` 0600, ``update-signing.pub``)."""
    key = Ed25519PrivateKey.generate()
    private = directory / "update-signing.key"
    public = directory / "update-signing.pub"
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    write_private(private, pem)
    pub = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    write_private(public, pub, mode=0o644)
    return private, public


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_bundle(wheelhouse: Path, out: Path, private_key: Path, *, version: str, role: str, requirement: str) -> Path:
    """Sign the wheels of ``wheelhouse`` into the bundle ``out``."""
    key = serialization.load_pem_private_key(private_key.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{private_key} is not an ed25519 private key")
    wheels = sorted(wheelhouse.glob("*.whl"))
    manifest = Manifest(version, role, requirement, {w.name: _sha256(w) for w in wheels})
    raw = manifest.to_json()
    Manifest.from_json(raw)  # the same checks the device makes
    partial = out.with_name(out.name + ".partial")
    with tarfile.open(partial, "w") as tar:
        for name, data in (("manifest.json", raw), ("manifest.sig", key.sign(raw))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, _bytes_io(data))
        for wheel in wheels:
            tar.add(wheel, arcname=f"wheels/{wheel.name}")
    os.replace(partial, out)
    return out


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


def open_bundle(bundle: Path, public_key: Path, into: Path) -> Manifest:
    """Verify ``bundle`` against ``public_key`` and extract its wheels into ``into/wheels``; BundleError."""
    key = serialization.load_pem_public_key(public_key.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise BundleError(f"{public_key} is not an ed25519 public key")
    try:
        with tarfile.open(bundle, "r:") as tar:
            return _verified(tar, key, into)
    except (OSError, tarfile.TarError) as exc:
        raise BundleError(f"not a readable update bundle: {exc}") from exc


def _verified(tar: tarfile.TarFile, key: Ed25519PublicKey, into: Path) -> Manifest:
    def member(name: str) -> bytes:
        try:
            handle = tar.extractfile(name)
        except KeyError:
            handle = None
        if handle is None:
            raise BundleError(f"the bundle has no {name}")
        return handle.read()

    raw, signature = member("manifest.json"), member("manifest.sig")
    try:
        key.verify(signature, raw)
    except InvalidSignature as exc:
        raise BundleError("the bundle's signature does not match the pinned key: refused") from exc
    try:
        manifest = Manifest.from_json(raw)
    except ValueError as exc:
        raise BundleError(f"bad manifest: {exc}") from exc
    wheels = into / "wheels"
    shutil.rmtree(into, ignore_errors=True)
    wheels.mkdir(parents=True)
    for name, digest in manifest.wheels.items():
        target = wheels / name  # names are checked by Manifest: no path separators
        target.write_bytes(member(f"wheels/{name}"))
        if _sha256(target) != digest:
            raise BundleError(f"{name} does not match its signed SHA-256: refused")
    return manifest


@dataclass(frozen=True)
class UpdateResult:
    """How an update ended: ``committed`` (the new slot runs) or ``rolled_back`` (the old one again)."""

    outcome: str
    version: str
    slot: str
    seconds: float
    detail: str = ""


class Updater:
    """The A/B slots under ``root`` (``a``, ``b``, ``current`` symlink) and the update state file."""

    def __init__(
        self,
        root: Path,
        *,
        restart: Callable[[], None] = lambda: None,
        healthy: Callable[[Path], bool] = lambda slot: True,
        deadline_s: float = 60.0,
        python: str = sys.executable,
        state_file: Path | None = None,
    ) -> None:
        self.root = root
        self.restart = restart
        self.healthy = healthy
        self.deadline_s = deadline_s
        self.python = python
        self.state_file = state_file or root / "update-state.json"

    # slots and state
    @property
    def current(self) -> Path:
        return self.root / "current"

    def active(self) -> str | None:
        """The slot ``current`` points at (None before the first install)."""
        try:
            return os.readlink(self.current).rstrip("/").rsplit("/", 1)[-1]
        except OSError:
            return None

    def state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"phase": "idle"}
        return data if isinstance(data, dict) else {"phase": "idle"}

    def _write_state(self, **state: Any) -> None:
        write_private(self.state_file, json.dumps(state) + "\n", mode=0o644)  # temp file, fsync, rename
        self._sync_dir(self.state_file.parent)

    @staticmethod
    def _sync_dir(directory: Path) -> None:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _switch(self, slot: str) -> None:
        """Point ``current`` at ``slot`` with one rename (never a moment without a ``current``)."""
        temporary = self.root / ".current.new"
        temporary.unlink(missing_ok=True)
        os.symlink(slot, temporary)
        os.replace(temporary, self.current)
        self._sync_dir(self.root)

    @staticmethod
    def _step(name: str) -> None:
        if os.environ.get(PAUSE_ENV) == name:  # tests only: wait here to be killed
            print(f"paused at {name}", flush=True)
            while True:
                time.sleep(60)

    # recovery
    def recover(self) -> str:
        """Finish an interrupted update; the action taken (``none``, ``discard``, ``rollback``)."""
        state = self.state()
        active = self.active()
        action = recovery(str(state.get("phase")), active, state.get("previous"), state.get("candidate"))
        candidate = state.get("candidate")
        if action == "discard" and candidate in ("a", "b") and candidate != active:
            shutil.rmtree(self.root / str(candidate), ignore_errors=True)
            self._write_state(phase="idle", recovered="discarded", version=state.get("version"))
            logger.warning(
                "update to %s was interrupted before the switch: slot %s discarded", state.get("version"), candidate
            )
        elif action == "rollback":
            previous = str(state["previous"])
            self._switch(previous)
            self._write_state(phase="rolled_back", slot=previous, version=state.get("version"), detail="interrupted")
            self.restart()
            logger.error("update to %s was not confirmed healthy: back on slot %s", state.get("version"), previous)
        return action

    # the update
    def apply(self, bundle: Path, public_key: Path) -> UpdateResult:
        """Verify, install into the inactive slot, switch, restart, check; commit or roll back."""
        started = time.monotonic()
        self.root.mkdir(parents=True, exist_ok=True)
        self.recover()
        incoming = self.root / ".incoming"
        manifest = open_bundle(bundle, public_key, incoming)  # BundleError: nothing changed
        active = self.active()
        target = other_slot(active)
        common = {"previous": active, "candidate": target, "version": manifest.version}
        self._write_state(phase="installing", **common)
        self._step("install")
        slot = self.root / target
        shutil.rmtree(slot, ignore_errors=True)
        subprocess.run([self.python, "-m", "venv", "--without-pip", str(slot)], check=True, timeout=300)
        pip = [self.python, "-m", "pip", "--python", str(slot / "bin" / "python"), "install", "-q", "--no-index"]
        pip += ["--disable-pip-version-check", "--find-links", str(incoming / "wheels"), manifest.requirement]
        if any(name.startswith("pip-") for name in manifest.wheels):
            pip.append("pip")  # the next update runs from this slot: it needs its own pip
        subprocess.run(pip, check=True, timeout=1800, capture_output=True)
        (slot / "motcua-version").write_text(manifest.version + "\n")
        self._sync_dir(slot)
        shutil.rmtree(incoming, ignore_errors=True)
        if active is None:  # the first install: nothing to roll back to
            self._switch(target)
            self._write_state(phase="committed", slot=target, version=manifest.version)
            self.restart()
            return UpdateResult("committed", manifest.version, target, time.monotonic() - started)
        self._write_state(phase="switched", **common)  # before the switch: recovery rolls back from here
        self._step("switch")
        self._switch(target)
        self._step("restart")
        self.restart()
        self._step("check")
        deadline = time.monotonic() + self.deadline_s
        while time.monotonic() < deadline:
            if self.healthy(self.root / target):
                self._write_state(phase="committed", slot=target, version=manifest.version)
                return UpdateResult("committed", manifest.version, target, time.monotonic() - started)
            time.sleep(0.5)
        self._switch(active)
        self._write_state(phase="rolled_back", slot=active, version=manifest.version, detail="health check failed")
        self.restart()
        detail = f"health check failed within {self.deadline_s:.0f} s"
        logger.error("update to %s: %s; back on slot %s", manifest.version, detail, active)
        return UpdateResult("rolled_back", manifest.version, active, time.monotonic() - started, detail)
