"""The rendered image: units pass systemd-analyze verify, the session script parses, udev rules are well formed."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import stat
import subprocess
import sys
import time
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


ROLES = ["kiosk", "display", "counter_display", "feedback", "server", "province"]
HARDENING = ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes")


def _relocated_units(files: list[Path], image: Path, into: Path) -> list[Path]:
    """The image's units with absolute paths pointing into ``image`` (verify checks that executables exist)."""
    stub = image / "opt" / "motcua" / "bin" / "motcua"
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text("#!/bin/sh\n")
    stub.chmod(0o755)
    into.mkdir()
    out = []
    for unit in (f for f in files if f.parent.name == "system" and f.suffix in (".service", ".path", ".target")):
        text = unit.read_text().replace("/usr/local/bin/", f"{image}/usr/local/bin/")
        target = into / unit.name
        target.write_text(text.replace("/opt/motcua/", f"{image}/opt/motcua/"))
        out.append(target)
    return out


@pytest.mark.parametrize("role", ROLES)
def test_units_pass_systemd_analyze_verify(role, tmp_path: Path):
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed to verify units"
    image = tmp_path / "img"
    files = _render(role, image, "--platform", "debian-x86", "--rotation", "90")
    services = {f.name: f.read_text() for f in files if f.suffix == ".service"}
    recover = services.pop("motcua-update-recover.service")  # a oneshot at boot, before the apps
    assert "Type=oneshot" in recover and "provision update-recover --root /opt/motcua" in recover
    app = {"server": "motcua-server.service", "province": "motcua-monitor.service"}.get(role, "motcua-app.service")
    expected = {app} if role == "province" else {app, "motcua-agent.service"}
    if role == "server":  # the daily backup: a oneshot started by its timer, sandboxed like the others
        backup = services.pop("motcua-backup.service")
        assert "Type=oneshot" in backup and "motcua admin backup" in backup
        assert all(line in backup.splitlines() for line in ("NoNewPrivileges=yes", "ProtectSystem=strict"))
        assert "OnCalendar=" in (image / "etc/systemd/system/motcua-backup.timer").read_text()
    assert set(services) == expected
    for name, text in services.items():
        assert re.search(r"^WatchdogSec=\d+$", text, re.M) and "Type=notify" in text, name
        assert all(line in text.splitlines() for line in HARDENING), name
        restart = "Restart=always" if name in ("motcua-app.service", "motcua-server.service") else "Restart=on-failure"
        assert restart in text.splitlines(), name
    units = _relocated_units(files, image, tmp_path / "units")
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for script in (f for f in files if f.parent.name == "bin"):
        subprocess.run(["sh", "-n", str(script)], check=True)


@pytest.mark.parametrize("role", ["kiosk", "display", "counter_display", "feedback"])
def test_device_waits_for_enrolment_then_starts_app_and_agent(role, tmp_path: Path):
    files = {f.name: f.read_text() for f in _render(role, tmp_path / "img")}
    for unit in ("motcua-app.service", "motcua-agent.service"):
        assert "ConditionPathExists=/var/lib/motcua/identity/app.env" in files[unit]
    assert "PathExists=/var/lib/motcua/identity/app.env" in files["motcua-enrolled.path"]
    assert "Unit=motcua-device.target" in files["motcua-enrolled.path"]
    assert "Wants=motcua-app.service motcua-agent.service" in files["motcua-device.target"]
    env = dict(line.split("=", 1) for line in files["agent.env"].splitlines() if line and not line.startswith("#"))
    assert env["MOTCUA_AGENT_ROLE"] == {"counter_display": "counter"}.get(role, role)
    assert env["MOTCUA_AGENT_UPLINK"] == "none" and env["MOTCUA_AGENT_ENVIRONMENT"] == "production"
    assert ("MOTCUA_AGENT_PRINTER_STATUS_FILE" in env) == (role in ("kiosk", "feedback"))


def _stub_motcua(path: Path) -> None:
    """A stand-in for /opt/motcua/bin/motcua: prints the agent's environment; create-token prints a token."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = admin ]; then echo "tok-$$"; exit 0; fi\n'
        'echo "args=$*"; env | grep "^MOTCUA_AGENT_" | sort\n'
    )
    path.chmod(0o755)
    (path.parent / "python").symlink_to(sys.executable)


def _run_launcher(script: Path, image: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    text = script.read_text().replace("/var/lib/motcua", str(image / "data")).replace("/opt/motcua", str(image / "opt"))
    local = image / f"run-{script.name}"
    local.write_text(text)
    return subprocess.run(["sh", str(local)], capture_output=True, text=True, env=env, timeout=30, check=False)


def test_device_agent_launcher_takes_site_device_and_broker_account_from_the_identity(tmp_path: Path):
    image = tmp_path / "img"
    files = {f.name: f for f in _render("kiosk", image)}
    _stub_motcua(image / "opt" / "bin" / "motcua")
    identity = image / "data" / "identity"
    identity.mkdir(parents=True)
    # What enrolment writes for the device's agent (provisioning/client.py, checked against AgentSettings).
    (identity / "agent.env").write_text(
        "MOTCUA_AGENT_BROKER_URL=mqtts://kiosk-07:pw_Zx-9@192.168.1.10:8883\nMOTCUA_AGENT_SITE_ID=bn-tinh\n"
        "MOTCUA_AGENT_DEVICE_ID=kiosk-07\nMOTCUA_AGENT_ROLE=kiosk\n"
    )
    result = _run_launcher(files["motcua-device-agent"], image, {"PATH": "/usr/bin:/bin", "MOTCUA_AGENT_ROLE": "kiosk"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "args=agent"
    assert "MOTCUA_AGENT_BROKER_URL=mqtts://kiosk-07:pw_Zx-9@192.168.1.10:8883" in lines
    assert "MOTCUA_AGENT_SITE_ID=bn-tinh" in lines and "MOTCUA_AGENT_DEVICE_ID=kiosk-07" in lines


def test_server_agent_launcher_uses_the_server_account_and_creates_its_replay_token_once(tmp_path: Path):
    image = tmp_path / "img"
    files = {f.name: f for f in _render("server", image)}
    _stub_motcua(image / "opt" / "bin" / "motcua")
    env = {"PATH": "/usr/bin:/bin"}
    waiting = _run_launcher(files["motcua-server-agent"], image, env)
    assert waiting.returncode == 1 and "first start" in waiting.stderr  # queue server not started yet
    provisioning = image / "data" / "provisioning"
    provisioning.mkdir(parents=True)
    (provisioning / "server-mqtt.json").write_text('{"username": "motcua-server", "password": "a/b+c"}')
    first = _run_launcher(files["motcua-server-agent"], image, env)
    assert first.returncode == 0, first.stderr
    assert "MOTCUA_AGENT_BROKER_URL=mqtt://motcua-server:a%2Fb%2Bc@127.0.0.1:1883" in first.stdout.splitlines()
    token = (image / "data" / "agent" / "replay-token").read_text().strip()
    assert token.startswith("tok-") and f"MOTCUA_AGENT_SERVER_TOKEN={token}" in first.stdout
    second = _run_launcher(files["motcua-server-agent"], image, env)
    assert f"MOTCUA_AGENT_SERVER_TOKEN={token}" in second.stdout  # the same token: not one per restart
    agent_env = files["agent.env"].read_text()
    assert "MOTCUA_AGENT_UPLINK=mqtt" in agent_env and "MOTCUA_AGENT_SERVER_URL=https://127.0.0.1:8000" in agent_env
    assert "MOTCUA_AGENT_DEVICE_ID=site-server" in agent_env
    broker = (image / "etc" / "mosquitto" / "conf.d" / "motcua.conf").read_text()
    assert "listener 8883 " in broker and "listener 1883 127.0.0.1" in broker and "allow_anonymous false" in broker


def test_province_image_runs_the_monitor_on_postgresql(tmp_path: Path):
    files = {f.name: f.read_text() for f in _render("province", tmp_path / "img", "--platform", "debian-x86")}
    unit = files["motcua-monitor.service"]
    assert "After=network-online.target postgresql.service mosquitto.service" in unit
    assert "ExecStartPre=+/usr/local/bin/motcua-monitor-db" in unit
    assert "EnvironmentFile=/etc/motcua/monitor.env" in unit
    assert "MOTCUA_MONITOR_DB=postgresql:///motcua?host=/var/run/postgresql" in files["monitor.env"]
    assert "createdb -O motcua motcua" in files["motcua-monitor-db"]
    assert "motcua-app.service" not in files and "motcua-agent.service" not in files


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


def _mosquitto_listening(conf: Path, ports: list[int], tmp_path: Path) -> subprocess.Popen[bytes]:
    from motcua.runtime.broker import mosquitto_path, wait_for_port

    binary = mosquitto_path()
    assert binary, "mosquitto is needed"
    text = conf.read_text() + "log_dest stderr\n" + ("user root\n" if os.geteuid() == 0 else "")
    conf.write_text(text)
    proc = subprocess.Popen([binary, "-c", str(conf)], stderr=(tmp_path / "mosquitto.log").open("wb"))
    for port in ports:
        if not wait_for_port("127.0.0.1", port, 10):
            proc.kill()
            raise AssertionError((tmp_path / "mosquitto.log").read_text())
    return proc


def _connect(port: int, username: str | None, password: str | None, **tls: str) -> int:
    import paho.mqtt.client as paho

    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"t-{port}-{username}")
    if username:
        client.username_pw_set(username, password)
    if tls:
        client.tls_set(ca_certs=tls["ca"], certfile=tls.get("cert"), keyfile=tls.get("key"))
        client.tls_insecure_set(True)  # the test broker certificate names 127.0.0.1 only by IP
    codes: list[int] = []
    client.on_connect = lambda c, u, f, reason, p: codes.append(int(reason.value))
    try:
        client.connect("127.0.0.1", port, keepalive=5)
    except OSError:
        return -1
    deadline = time.monotonic() + 10
    while not codes and time.monotonic() < deadline:
        client.loop(0.1)
    client.disconnect()
    return codes[0] if codes else -1


def test_the_server_image_broker_config_runs_mosquitto_tls_for_devices_and_loopback_for_the_agent(tmp_path: Path):
    from motcua.runtime.broker import free_port
    from provisioning.core.imageconfig import ImageParams
    from provisioning.image import render_image
    from queue_server.core.provisioning_acl import SALT_BYTES, hash_password, render_acl, render_passwd
    from queue_server.provisioning.ca import SiteCA

    data = tmp_path / "data"
    tls_port, local_port = free_port(), free_port()
    params = ImageParams(role="server", data_dir=str(data), mqtt_port=tls_port, local_mqtt_port=local_port)
    params = dataclasses.replace(params, mqtt_bind="127.0.0.1")
    conf = tmp_path / "motcua.conf"
    conf.write_text(render_image(params)["etc/mosquitto/conf.d/motcua.conf"])
    provisioning = data / "provisioning"
    ca = SiteCA.load_or_create(provisioning, "bn-tinh")
    ca.server_cert(["127.0.0.1"], name="broker")
    (provisioning / "broker").mkdir()
    (provisioning / "broker" / "passwd").write_text(
        render_passwd([("motcua-server", hash_password("pw-1", os.urandom(SALT_BYTES)))])
    )
    (provisioning / "broker" / "acl").write_text(render_acl("bn-tinh", "motcua-server", []))
    proc = _mosquitto_listening(conf, [tls_port, local_port], tmp_path)
    try:
        assert _connect(local_port, "motcua-server", "pw-1") == 0  # the server's agent, on loopback
        assert _connect(local_port, None, None) != 0  # no anonymous access
        assert _connect(local_port, "motcua-server", "wrong") != 0
        client_cert, client_key = ca.client_cert("motcua-server")
        tls = {"ca": str(ca.cert_path), "cert": str(client_cert), "key": str(client_key)}
        assert _connect(tls_port, "motcua-server", "pw-1", **tls) == 0  # devices: TLS with a client certificate
        assert _connect(tls_port, "motcua-server", "pw-1", ca=str(ca.cert_path)) != 0  # without one: refused
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_province_broker_config_takes_site_bridges_with_a_password_and_the_monitor_on_loopback(tmp_path: Path):
    from motcua.runtime.broker import free_port
    from provisioning.core.imageconfig import ImageParams
    from provisioning.image import render_image
    from queue_server.core.provisioning_acl import SALT_BYTES, hash_password, render_passwd

    sites_port, local_port = free_port(), free_port()
    params = ImageParams(role="province", mqtt_port=sites_port, mqtt_bind="127.0.0.1", local_mqtt_port=local_port)
    text = render_image(params)["etc/mosquitto/conf.d/motcua-province.conf"]
    passwd = tmp_path / "province.passwd"
    passwd.write_text(render_passwd([("bn-tinh", hash_password("bridge-pw", os.urandom(SALT_BYTES)))]))
    conf = tmp_path / "province.conf"
    conf.write_text(text.replace("/etc/mosquitto/motcua-province.passwd", str(passwd)))
    proc = _mosquitto_listening(conf, [sites_port, local_port], tmp_path)
    try:
        assert _connect(sites_port, "bn-tinh", "bridge-pw") == 0
        assert _connect(sites_port, None, None) != 0
        assert _connect(local_port, None, None) == 0  # the monitor on loopback
    finally:
        proc.terminate()
        proc.wait(10)
