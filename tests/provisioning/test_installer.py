"""The device installer for real: a minimal Debian bookworm root file system (mmdebstrap), the installer run
inside it (chroot, offline for PyPI: a wheelhouse built here), then `systemd-analyze verify --root` on the
installed units and each role's `motcua` command started from /opt/motcua.

The root file system tarball is cached in ``$MOTCUA_CACHE_DIR`` (default ``~/.cache/motcua``) and the role
wheelhouses beside it, so a second run downloads nothing from PyPI and builds no rootfs; the chroot's apt
reaches Debian's mirror (``MOTCUA_DEBIAN_MIRROR``, default deb.debian.org) for the role's packages, whose
downloaded .debs are kept in the cache too. Needs
root (chroot, mount namespaces), mmdebstrap and network to the Debian mirror. Measured on a 2-core CI
machine: see docs/provisioning.md.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("MOTCUA_CACHE_DIR") or Path.home() / ".cache" / "motcua")
MIRROR = os.environ.get("MOTCUA_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "bookworm"
INCLUDE = "python3,python3-venv,systemd,ca-certificates"
# Units each role enables and verifies; motcua commands each role's image runs.
RECOVER = "motcua-update-recover.service"
UNITS = {
    "server": ["mosquitto.service", "motcua-server.service", "motcua-agent.service", RECOVER],
    "province": ["mosquitto.service", "motcua-monitor.service", RECOVER],
    "device": ["motcua-app.service", "motcua-agent.service", "motcua-enrolled.path", "motcua-device.target", RECOVER],
}
COMMANDS = {
    "server": [["server"], ["agent"], ["provision", "enroll"]],
    "province": [["monitor"]],
    "kiosk": [["kiosk"], ["agent"], ["provision", "enroll"]],
    "feedback": [["kiosk"], ["agent"]],
    "display": [["display"], ["agent"]],
    "counter_display": [["display"], ["agent"]],
}
TIMES: dict[str, float] = {}

pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in its own process group; on timeout the whole group is killed (no apt-get left behind)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        raise AssertionError(f"timed out after {timeout:.0f} s: {cmd}\n{out[-2000:]}\n{err[-2000:]}") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@pytest.fixture(scope="module")
def rootfs_tar() -> Path:
    """The minimal bookworm rootfs tarball, built once and cached."""
    assert os.geteuid() == 0, "the installer test needs root (chroot)"
    assert shutil.which("mmdebstrap"), "mmdebstrap is needed (apt install mmdebstrap)"
    arch = _run(["dpkg", "--print-architecture"], 30).stdout.strip()
    key = hashlib.sha256(f"{SUITE} minbase {INCLUDE} {arch} {MIRROR}".encode()).hexdigest()[:12]
    CACHE.mkdir(parents=True, exist_ok=True)
    tar = CACHE / f"rootfs-{SUITE}-{arch}-{key}.tar"
    if not tar.exists():
        partial = tar.parent / f"{tar.stem}.partial-{os.getpid()}.tar"  # .tar: mmdebstrap writes a tarball
        started = time.monotonic()
        # In a private mount namespace: a build stopped by the timeout leaves no mount behind.
        command = ["mmdebstrap", "--variant=minbase", f"--include={INCLUDE}", "--mode=root", SUITE, str(partial)]
        built = _run(["unshare", "--mount", "--propagation", "private", *command, MIRROR], 1200)
        assert built.returncode == 0, built.stderr[-3000:]
        partial.rename(tar)
        TIMES["rootfs build"] = time.monotonic() - started
    return tar


def _wheelhouse(role: str) -> Path:
    out = CACHE / f"wheelhouse-{role}-py{sys.version_info.major}{sys.version_info.minor}"
    started = time.monotonic()
    done = _run(["bash", str(ROOT / "scripts" / "build-wheelhouse.sh"), "--role", role, "--out", str(out)], 1200)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    TIMES[f"wheelhouse {role}"] = time.monotonic() - started
    return out


@pytest.fixture(scope="module")
def wheelhouses() -> dict[str, Path]:
    """Wheelhouses of the three package sets (kiosk's covers the display roles), rebuilt from the checkout."""
    return {role: _wheelhouse(role) for role in ("server", "kiosk", "province")}


class Chroot:
    """A rootfs unpacked from the tarball; commands run in a private mount namespace (/proc, /dev bound)."""

    def __init__(self, tar: Path, root: Path) -> None:
        self.root = root
        root.mkdir()
        started = time.monotonic()
        unpacked = _run(["tar", "-xf", str(tar), "-C", str(root)], 300)
        assert unpacked.returncode == 0, unpacked.stderr
        TIMES["rootfs unpack"] = time.monotonic() - started
        shutil.copy("/etc/resolv.conf", root / "etc" / "resolv.conf")  # the chroot's apt reaches the mirror
        self.install = root / "tmp" / "install"
        self.install.mkdir(parents=True)
        shutil.copy(ROOT / "scripts" / "install-device.sh", self.install / "install-device.sh")

    def run(self, *cmd: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        # The downloaded .debs are kept between runs too (apt-get keeps its archives): a cached run only unpacks.
        archives = CACHE / f"apt-archives-{SUITE}"
        (archives / "partial").mkdir(parents=True, exist_ok=True)
        script = (
            f'mount -t proc proc "{self.root}/proc" && mount --rbind /dev "{self.root}/dev" && '
            f'mount --bind "{archives}" "{self.root}/var/cache/apt/archives" && '
            f'exec chroot "{self.root}" "$@"'
        )
        return _run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *cmd], timeout)

    def add_wheelhouse(self, source: Path, name: str) -> str:
        shutil.copytree(source, self.install / name)
        return f"/tmp/install/{name}"

    def installer(self, *args: str, timeout: float = 900) -> tuple[subprocess.CompletedProcess[str], float]:
        started = time.monotonic()
        result = self.run("/bin/bash", "/tmp/install/install-device.sh", *args, timeout=timeout)
        return result, time.monotonic() - started


def _check_installed(chroot: Chroot, role: str) -> None:
    kind = role if role in ("server", "province") else "device"
    verify = _run(["systemd-analyze", "verify", f"--root={chroot.root}", *UNITS[kind]], 120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    for unit in UNITS[kind]:
        if unit.endswith(".target"):
            continue  # started by motcua-enrolled.path, not enabled itself
        enabled = chroot.run("systemctl", "is-enabled", unit)
        assert enabled.stdout.strip() == "enabled", (unit, enabled.stdout, enabled.stderr)
    for command in COMMANDS[role]:
        started = chroot.run("/opt/motcua/bin/motcua", *command, "--help")
        assert started.returncode == 0 and "usage:" in started.stdout, (command, started.stderr[-2000:])
    assert chroot.run("id", "-u", "motcua").returncode == 0
    # slot a is current, /opt/motcua/bin follows it (signed A/B updates switch current)
    opt = chroot.root / "opt" / "motcua"
    assert os.readlink(opt / "current") == "a" and os.readlink(opt / "bin") == "current/bin"
    script = (opt / "a" / "bin" / "motcua").read_text().splitlines()[0]
    assert script == "#!/opt/motcua/a/bin/python", script  # each slot's scripts run their own slot


def _report(label: str, seconds: float) -> None:
    TIMES[label] = seconds
    print(f"{label}: {seconds:.1f} s", file=sys.__stderr__)


def test_server_install_from_a_wheelhouse_is_idempotent_and_a_failed_step_says_how_to_retry(
    rootfs_tar: Path, wheelhouses: dict[str, Path], tmp_path: Path
) -> None:
    chroot = Chroot(rootfs_tar, tmp_path / "root")
    # A wheelhouse without the dependencies: pip --no-index fails; the installer names the step and the retry.
    broken = tmp_path / "broken"
    broken.mkdir()
    for wheel in wheelhouses["server"].glob("motcua-*.whl"):
        shutil.copy(wheel, broken)
    args = ["--role", "server", "--site", "bn-tinh", "--province-broker", "mqtt://bn-tinh:s3cret@province.example:1883"]
    failed, _ = chroot.installer(*args, "--wheelhouse", chroot.add_wheelhouse(broken, "broken"))
    assert failed.returncode != 0
    assert "FAILED while installing motcua into /opt/motcua" in failed.stderr, failed.stdout + failed.stderr
    assert "run the same command again" in failed.stderr
    wheelhouse = chroot.add_wheelhouse(wheelhouses["server"], "wh")
    first, seconds = chroot.installer(*args, "--wheelhouse", wheelhouse)
    assert first.returncode == 0, first.stdout + first.stderr
    _report("install server (after the failed run)", seconds)
    assert "changed: enabled motcua-agent.service" in first.stdout
    second, seconds = chroot.installer(*args, "--wheelhouse", wheelhouse)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "nothing to change" in second.stdout and "changed:" not in second.stdout, second.stdout
    _report("install server again (no change)", seconds)
    _check_installed(chroot, "server")
    etc = chroot.root / "etc"
    bridge = (etc / "mosquitto" / "conf.d" / "motcua-bridge.conf").read_text()
    assert "address province.example:1883" in bridge and "topic motcua/bn-tinh/uplink out 1" in bridge
    assert "remote_username bn-tinh" in bridge and "remote_password s3cret" in bridge
    assert oct((etc / "mosquitto" / "conf.d" / "motcua-bridge.conf").stat().st_mode & 0o777) == "0o640"
    assert "MOTCUA_AGENT_SITE_ID=bn-tinh" in (etc / "motcua" / "agent.env").read_text()
    # A signed update of the installed server into slot b, from a bundle of the same wheelhouse
    from provisioning.update import generate_key, make_bundle

    keys = tmp_path / "keys"
    keys.mkdir()
    private, public = generate_key(keys)
    make_bundle(
        wheelhouses["server"],
        chroot.install / "update.tar",
        private,
        version="0.1.0+2",
        role="server",
        requirement="motcua[server,agent]",
    )
    shutil.copy(public, chroot.install / "update.pub")
    health = '"$MOTCUA_SLOT/bin/motcua" server --help >/dev/null && "$MOTCUA_SLOT/bin/motcua" agent --help >/dev/null'
    started = time.monotonic()
    updated = chroot.run(
        "/opt/motcua/bin/motcua", "provision", "update", "--bundle", "/tmp/install/update.tar",
        "--public-key", "/tmp/install/update.pub", "--root", "/opt/motcua", "--health-command", health,
        timeout=900,
    )  # fmt: skip
    assert updated.returncode == 0 and "committed: version 0.1.0+2 on slot b" in updated.stdout, updated.stderr
    _report("signed update of the server into slot b", time.monotonic() - started)
    opt = chroot.root / "opt" / "motcua"
    assert os.readlink(opt / "current") == "b"
    assert (opt / "b" / "bin" / "motcua").read_text().splitlines()[0] == "#!/opt/motcua/b/bin/python"
    for command in COMMANDS["server"]:
        again = chroot.run("/opt/motcua/bin/motcua", *command, "--help")
        assert again.returncode == 0, again.stderr[-2000:]
    verify = _run(["systemd-analyze", "verify", f"--root={chroot.root}", *UNITS["server"]], 120)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_screen_roles_install_with_their_packages_and_wait_for_enrolment(
    rootfs_tar: Path, wheelhouses: dict[str, Path], tmp_path: Path
) -> None:
    chroot = Chroot(rootfs_tar, tmp_path / "root")
    wheelhouse = chroot.add_wheelhouse(wheelhouses["kiosk"], "wh")
    first, seconds = chroot.installer("--role", "kiosk", "--platform", "rpi-bookworm", "--wheelhouse", wheelhouse)
    assert first.returncode == 0, first.stdout + first.stderr
    _report("install kiosk (with cage, Mesa)", seconds)
    assert "waiting for enrolment" in first.stdout
    for package in ("cage", "wlr-randr", "espeak-ng"):
        assert chroot.run("dpkg-query", "-W", package).returncode == 0, package
    _check_installed(chroot, "kiosk")
    assert (chroot.root / "boot" / "firmware" / "config.txt.motcua").exists()
    assert "lp" in chroot.run("id", "-nG", "motcua").stdout.split()
    # The other screen roles in the same rootfs (their packages are a subset of the kiosk's)
    for role in ("feedback", "counter_display", "display"):
        again, seconds = chroot.installer("--role", role, "--wheelhouse", wheelhouse)
        assert again.returncode == 0, again.stdout + again.stderr
        _report(f"re-install as {role}", seconds)
        assert f"DEVICE_ROLE={role}" in (chroot.root / "etc" / "motcua" / "device.env").read_text()
        _check_installed(chroot, role)
    same, _ = chroot.installer("--role", "display", "--wheelhouse", wheelhouse)
    assert "nothing to change" in same.stdout, same.stdout


def test_province_installs_the_monitor_with_postgresql(
    rootfs_tar: Path, wheelhouses: dict[str, Path], tmp_path: Path
) -> None:
    chroot = Chroot(rootfs_tar, tmp_path / "root")
    wheelhouse = chroot.add_wheelhouse(wheelhouses["province"], "wh")
    first, seconds = chroot.installer("--role", "province", "--wheelhouse", wheelhouse)
    assert first.returncode == 0, first.stdout + first.stderr
    _report("install province (with PostgreSQL)", seconds)
    _check_installed(chroot, "province")
    assert chroot.run("dpkg-query", "-W", "postgresql").returncode == 0
    assert chroot.run("systemctl", "is-enabled", "postgresql.service").stdout.strip() == "enabled"
    second, _ = chroot.installer("--role", "province", "--wheelhouse", wheelhouse)
    assert "nothing to change" in second.stdout, second.stdout
    for label, seconds in sorted(TIMES.items()):
        print(f"  {label}: {seconds:.1f} s", file=sys.__stderr__)
