"""``motcua provision``: the server's actions (create-code, devices, revoke) beside the device's, on one command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from queue_server.demo import seed_demo
from queue_server.store.db import open_database

ROOT = Path(__file__).resolve().parents[2]


def _provision(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "motcua.cli", "provision", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_server_actions_create_list_and_revoke_a_device_in_the_data_dir(tmp_path):
    db = open_database(tmp_path)
    seed_demo(db)
    db.close()
    created = _provision("create-code", "--data-dir", str(tmp_path), "--role", "counter_display", "--counter", "1")
    assert created.returncode == 0, created.stderr
    device_id = next(
        line.split(":", 1)[1].split()[0] for line in created.stdout.splitlines() if line.startswith("Thiết bị")
    )
    assert (tmp_path / "provisioning" / "ca.pem").exists()

    listed = _provision("devices", "--data-dir", str(tmp_path))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split("\n")[0].split("\t")[:4] == [device_id, "counter_display", "1", "pending"]

    revoked = _provision("revoke", "--data-dir", str(tmp_path), device_id)
    assert revoked.returncode == 0, revoked.stderr
    assert f"revoked {device_id}" in revoked.stdout
    assert "\trevoked\t" in _provision("devices", "--data-dir", str(tmp_path)).stdout


def test_a_refused_server_action_explains_itself_in_both_languages(tmp_path):
    db = open_database(tmp_path)
    seed_demo(db)
    db.close()
    refused = _provision("create-code", "--data-dir", str(tmp_path), "--role", "counter_display")
    assert refused.returncode == 1
    assert "Vai trò/quầy không hợp lệ" in refused.stderr
    assert "needs a counter" in refused.stderr


def test_the_device_side_cli_knows_only_the_device_actions():
    code = (
        "import argparse, sys; import provisioning.cli as c; p = argparse.ArgumentParser(); c.configure(p); "
        "sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction)); "
        "print(sorted(sub.choices)); print('queue_server' in {m.split('.')[0] for m in sys.modules})"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    choices, loaded_server = out.stdout.splitlines()
    # the device and technician side: discovery, enrolment, images, signed updates (bundle, apply, key, recovery)
    assert choices == (
        "['agent', 'discover', 'enrol', 'enroll', 'image-config', 'make-bundle', 'update', 'update-key', 'update-recover']"
    )
    assert loaded_server == "False"
