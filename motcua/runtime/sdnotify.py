"""sd_notify(3) without libsystemd: READY=1, WATCHDOG=1 and STATUS= datagrams to ``$NOTIFY_SOCKET``."""

from __future__ import annotations

import os
import socket
import threading


def notify(state: str, env: dict[str, str] | None = None) -> bool:
    """Send ``state`` (e.g. ``"READY=1"``) to the service manager; False when not run under systemd notify."""
    environ = os.environ if env is None else env
    address = environ.get("NOTIFY_SOCKET", "")
    if not address or address[0] not in ("/", "@"):
        return False
    target = "\0" + address[1:] if address[0] == "@" else address  # '@' = Linux abstract namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
        try:
            sock.sendto(state.encode("utf-8"), target)
        except OSError:
            return False
    return True


def watchdog_interval(env: dict[str, str] | None = None) -> float | None:
    """Seconds between pings systemd expects (``WatchdogSec=``), or None when the watchdog is off for us."""
    environ = os.environ if env is None else env
    usec, pid = environ.get("WATCHDOG_USEC"), environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        value = int(usec)
    except ValueError:
        return None
    return value / 1_000_000 if value > 0 else None


class Watchdog:
    """Pings ``WATCHDOG=1`` at half the expected interval while ``healthy()`` holds (systemd.service(5))."""

    def __init__(self, healthy: object = None, env: dict[str, str] | None = None) -> None:
        self._healthy = healthy if callable(healthy) else (lambda: True)
        self._env = env
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.interval = watchdog_interval(env)

    def start(self) -> Watchdog:
        """Send READY=1 and start pinging (if systemd asked for a watchdog)."""
        notify("READY=1", self._env)
        if self.interval:
            self._thread = threading.Thread(target=self._run, name="motcua-sd-watchdog", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        assert self.interval is not None
        while not self._stop.wait(self.interval / 2):
            if self._healthy():
                notify("WATCHDOG=1", self._env)

    def stop(self) -> None:
        """Stop pinging and tell systemd we are stopping."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        notify("STOPPING=1", self._env)


def ping_from_ui_loop(schedule_interval: object) -> float | None:
    """READY=1 now, then WATCHDOG=1 from the UI loop itself (e.g. Kivy's ``Clock.schedule_interval``).

    Pinging from the UI thread means a frozen UI stops the pings and systemd restarts the app.
    Returns the ping period, or None when no watchdog is configured.
    """
    notify("READY=1")
    interval = watchdog_interval()
    if interval and callable(schedule_interval):
        schedule_interval(lambda _dt: notify("WATCHDOG=1"), interval / 2)
        return interval / 2
    return None
