"""The rendered image: units pass systemd-analyze verify, the session script parses, udev rules are well formed."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _render(role: str, out: Path, *extra: str) -> list[Path]:
    result = subprocess.run(
        [sys.executable, "-m", "motcua.cli", "provision", "image-config", "--role", role, "--out", str(out), *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return [Path(line) for line in result.stdout.splitlines()]


@pytest.mark.parametrize("role", ["kiosk", "display", "counter_display", "feedback", "server"])
def test_units_pass_systemd_analyze_verify(role, tmp_path: Path):
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed to verify units"
    files = _render(role, tmp_path / "img", "--platform", "debian-x86", "--rotation", "90")
    units = [f for f in files if f.suffix == ".service"]
    assert len(units) == 1
    text = units[0].read_text()
    assert "Restart=always" in text and re.search(r"^WatchdogSec=\d+$", text, re.M) and "Type=notify" in text
    # verify checks that ExecStart exists: point it at the rendered session script / a stub in the image
    stub = tmp_path / "img" / "opt" / "motcua" / "bin" / "motcua"
    stub.parent.mkdir(parents=True)
    stub.write_text("#!/bin/sh\n")
    stub.chmod(0o755)
    relocated = text.replace("/usr/local/bin/", f"{tmp_path}/img/usr/local/bin/").replace(
        "/opt/motcua/", f"{tmp_path}/img/opt/motcua/"
    )
    check = tmp_path / units[0].name
    check.write_text(relocated)
    result = subprocess.run(["systemd-analyze", "verify", str(check)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_kiosk_session_runs_cage_without_vt_switching_and_rotates(tmp_path: Path):
    files = _render("kiosk", tmp_path / "img", "--rotation", "90")
    session = next(f for f in files if f.name == "motcua-session")
    assert stat.S_IMODE(session.stat().st_mode) == 0o755
    subprocess.run(["sh", "-n", str(session)], check=True)
    text = session.read_text()
    cage = next(line for line in text.splitlines() if "/usr/bin/cage" in line)
    assert cage.split("--")[0].split() == ["exec", "/usr/bin/cage", "-d"]  # no -s: no VT switch out
    assert "--transform 90" in text
    touch = next(f for f in files if f.name == "99-motcua-touch.rules").read_text()
    assert 'LIBINPUT_CALIBRATION_MATRIX}="0 -1 1 1 0 0"' in touch


def test_udev_rules_are_well_formed(tmp_path: Path):
    files = _render("kiosk", tmp_path / "img")
    for rules in (f for f in files if f.suffix == ".rules"):
        for line in rules.read_text().splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            for pair in line.split(", "):
                assert re.fullmatch(r'[A-Z_]+(\{[A-Za-z_]+\})?(==|!=|=|\+=)"[^"]*"', pair.strip()), pair
    escpos = next(f for f in files if f.name == "99-motcua-escpos.rules").read_text()
    assert 'SYMLINK+="motcua-printer"' in escpos and 'GROUP="lp"' in escpos


def test_read_only_root_snippets_and_hardware_watchdog(tmp_path: Path):
    files = {f.name: f.read_text() for f in _render("display", tmp_path / "img")}
    fields = [line.split() for line in files["fstab.motcua"].splitlines() if line and not line.startswith("#")]
    assert all(len(f) == 6 for f in fields) and fields[0][1] == "/var/lib/motcua"
    assert all(
        re.fullmatch(r"[dDfLz] \S+ 0\d{3} \S+ \S+ -", line)
        for line in files["motcua.conf"].splitlines()
        if line and not line.startswith("#")
    )
    assert "RuntimeWatchdogSec=15" in files["motcua-watchdog.conf"] or "bcm2835_wdt" in files["motcua-watchdog.conf"]
    assert "dtparam=watchdog=on" in files["config.txt.motcua"]
