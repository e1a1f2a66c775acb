"""`motcua site` on a machine with a screen also opens the kiosk, pointed at the site's own server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import psutil
from waiting import wait_until

from motcua.runtime.broker import free_port
from queue_server.cli_site import display_present


def test_a_screen_is_x11_or_wayland() -> None:
    assert display_present({"DISPLAY": ":0"}) and display_present({"WAYLAND_DISPLAY": "wayland-0"})
    assert not display_present({}) and not display_present({"DISPLAY": ""})


def _kiosk_children(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children(recursive=True) if "kiosk" in p.cmdline()]


def test_site_with_a_screen_opens_the_kiosk_and_closes_it_on_ctrl_c(tmp_path: Path) -> None:
    port, broker_port = free_port(), free_port()
    cache = tmp_path / "kiosk" / "catalogue.json"
    env = {
        **os.environ,
        "WAYLAND_DISPLAY": "wayland-test",  # a screen is present; SDL still draws offscreen here
        "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy", "KIVY_NO_ARGS": "1",
        "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_CONSOLELOG": "1",
        "MOTCUA_KIOSK_CATALOGUE_CACHE": str(cache), "MOTCUA_KIOSK_STATE_DIR": str(tmp_path / "kiosk"),
        "MOTCUA_KIOSK_VOICE": "off", "MOTCUA_KIOSK_PRINTER": "dummy:",
    }  # fmt: skip
    env.pop("DISPLAY", None)
    command = [sys.executable, "-m", "motcua.cli", "site", "--demo", "--data-dir", str(tmp_path / "site")]
    command += ["--port", str(port), "--broker-port", str(broker_port)]
    log = (tmp_path / "site.log").open("w")  # a file, not a pipe: the kiosk child writes to it too
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        # written once the kiosk has the catalogue
        wait_until(cache.exists, 60, "the kiosk to fetch the catalogue from the site's server", interval=0.2)
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/healthz", timeout=2).status_code == 200
        kiosks = _kiosk_children(proc.pid)
        assert len(kiosks) == 1, kiosks
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    output = (tmp_path / "site.log").read_text()
    assert proc.returncode == 0, output
    assert "motcua site stopped." in output
    assert "Traceback" not in output, output[-3000:]
    assert " DEBUG " not in output  # Kivy must not lower the log level to let every library's debug lines out
    psutil.wait_procs(kiosks, timeout=10)
    assert not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kiosks), "the kiosk outlived the site"
