"""Signed A/B updates for real: ed25519 bundles, venv slots, the `motcua provision update` process.

The bundle holds a small probe wheel (its ``probe`` command is the "app": it exits 0, or 1 in the crashing
version); the health check runs it from the new slot. Kill -9 at each step must leave ``current`` on a
complete, working slot, and ``update-recover`` must finish the job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from site_cli import wait_until

from provisioning.update import generate_key, make_bundle

MOTCUA = [sys.executable, "-m", "motcua.cli", "provision"]
HEALTH = '"$MOTCUA_SLOT/bin/probe"'


def _wheel(directory: Path, version: str, *, crash: bool = False) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"motcua_probe-{version}-py3-none-any.whl"
    info = f"motcua_probe-{version}.dist-info"
    with zipfile.ZipFile(path, "w") as whl:
        whl.writestr(
            "motcua_probe/__init__.py", f"VERSION = {version!r}\n\ndef main():\n    raise SystemExit({int(crash)})\n"
        )
        whl.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: motcua-probe\nVersion: {version}\n")
        whl.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        whl.writestr(f"{info}/entry_points.txt", "[console_scripts]\nprobe = motcua_probe:main\n")
        whl.writestr(f"{info}/RECORD", "")
    return path


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "keys").mkdir()
    return generate_key(tmp_path / "keys")


def _bundle(tmp_path: Path, key: Path, version: str, *, crash: bool = False) -> Path:
    wheels = tmp_path / f"wheels-{version}"
    _wheel(wheels, version, crash=crash)
    out = tmp_path / f"bundle-{version}.tar"
    return make_bundle(wheels, out, key, version=version, role="kiosk", requirement="motcua-probe")


def _update(root: Path, bundle: Path, public: Path, *extra: str, env: dict | None = None) -> subprocess.Popen[str]:
    command = [*MOTCUA, "update", "--bundle", str(bundle), "--public-key", str(public), "--root", str(root)]
    command += ["--restart-command", f"echo restart >> {root.parent / 'restarts.log'}", "--health-command", HEALTH]
    return subprocess.Popen(
        [*command, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=timeout)
    return proc.returncode, out


def _works(root: Path) -> str:
    """The version of the slot ``current`` points at, after checking its app starts and exits 0."""
    assert subprocess.run([str(root / "current" / "bin" / "probe")], timeout=30, check=False).returncode == 0
    return (root / "current" / "motcua-version").read_text().strip()


def _installed(tmp_path: Path, keys: tuple[Path, Path]) -> Path:
    root = tmp_path / "dev" / "opt-motcua"
    root.parent.mkdir(parents=True, exist_ok=True)
    code, out = _finish(_update(root, _bundle(tmp_path, keys[0], "1.0"), keys[1]))
    assert code == 0 and "committed: version 1.0 on slot a" in out, out
    return root


def test_a_good_update_goes_to_the_other_slot_and_is_kept(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    root = _installed(tmp_path, keys)
    assert _works(root) == "1.0" and os.readlink(root / "current") == "a"
    started = time.monotonic()
    code, out = _finish(_update(root, _bundle(tmp_path, keys[0], "2.0"), keys[1]))
    applied = time.monotonic() - started
    assert code == 0 and "committed: version 2.0 on slot b" in out, out
    assert os.readlink(root / "current") == "b" and _works(root) == "2.0"
    assert (root / "a" / "motcua-version").read_text().strip() == "1.0"  # the old slot stays for next time
    code, out = _finish(_update(root, _bundle(tmp_path, keys[0], "3.0"), keys[1]))
    assert code == 0 and "on slot a" in out and _works(root) == "3.0"
    print(f"update apply time: {applied:.1f} s", file=sys.__stderr__)


def test_a_bundle_with_a_bad_signature_or_a_changed_wheel_is_refused(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    root = _installed(tmp_path, keys)
    (tmp_path / "other").mkdir()
    stranger, _ = generate_key(tmp_path / "other")
    code, out = _finish(_update(root, _bundle(tmp_path / "s", stranger, "2.0"), keys[1]))
    assert code == 3 and "signature does not match the pinned key: refused" in out, out
    # a genuine manifest and signature, with another wheel under the same name
    good = _bundle(tmp_path, keys[0], "2.1")
    swapped = _wheel(tmp_path / "evil", "2.1", crash=True)
    forged = tmp_path / "forged.tar"
    with tarfile.open(good) as src, tarfile.open(forged, "w") as dst:
        for member in src.getmembers():
            if member.name.startswith("wheels/"):
                dst.add(swapped, arcname=member.name)
            else:
                dst.addfile(member, src.extractfile(member))
    code, out = _finish(_update(root, forged, keys[1]))
    assert code == 3 and "does not match its signed SHA-256: refused" in out, out
    assert os.readlink(root / "current") == "a" and _works(root) == "1.0" and not (root / "b").exists()


def test_an_update_whose_app_crashes_is_rolled_back_within_the_deadline(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    root = _installed(tmp_path, keys)
    started = time.monotonic()
    code, out = _finish(_update(root, _bundle(tmp_path, keys[0], "2.0", crash=True), keys[1], "--deadline", "3"))
    took = time.monotonic() - started
    assert code == 1 and "rolled_back: version 2.0 on slot a" in out and "health check failed within 3 s" in out, out
    assert os.readlink(root / "current") == "a" and _works(root) == "1.0"
    restarts = (root.parent / "restarts.log").read_text().split()
    assert len(restarts) == 3  # first install, the switch to 2.0, the switch back
    assert took < 3 + 30, took  # the deadline plus installing the slot
    print(f"rollback (3 s deadline, install included): {took:.1f} s", file=sys.__stderr__)


@pytest.mark.parametrize("step", ["install", "switch", "restart", "check"])
def test_kill_9_at_any_step_leaves_a_working_slot_and_recovery_finishes(
    step: str, tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    root = _installed(tmp_path, keys)
    proc = _update(root, _bundle(tmp_path, keys[0], "2.0"), keys[1], env={"MOTCUA_UPDATE_TEST_PAUSE_AT": step})
    assert proc.stdout is not None
    wait_until(lambda: proc.stdout.readline().startswith(f"paused at {step}"), 120, f"the update to reach {step}")
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    before = _works(root)  # power cut here: the device boots a complete slot
    assert before == ("1.0" if step in ("install", "switch") else "2.0")
    done = subprocess.run(
        [*MOTCUA, "update-recover", "--root", str(root)], capture_output=True, text=True, timeout=60, check=True
    )
    expected = "discard" if step in ("install", "switch") else "rollback"
    assert f"recovery: {expected}; current slot a" in done.stdout, done.stdout + done.stderr
    assert _works(root) == "1.0"
    code, out = _finish(_update(root, _bundle(tmp_path, keys[0], "2.1"), keys[1]))  # and updating works again
    assert code == 0 and _works(root) == "2.1", out


def test_two_devices_update_at_once(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    roots = [_installed(tmp_path / name, keys) for name in ("kiosk-1", "kiosk-2")]
    bundle = _bundle(tmp_path, keys[0], "2.0")
    procs = [_update(root, bundle, keys[1]) for root in roots]
    for proc in procs:
        code, out = _finish(proc)
        assert code == 0 and "committed: version 2.0 on slot b" in out, out
    assert [_works(root) for root in roots] == ["2.0", "2.0"]
