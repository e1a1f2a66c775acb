"""Parent side of the Kivy harnesses: one app offscreen in a child process (Kivy allows one window per process).

The child is a harness script built on ``kivy_child``: it takes its settings as a JSON argument, reads one
JSON command per stdin line and answers each with one stdout line starting with ``@@CTL ``. ``request``
sends a command and returns the reply (failing on ``"ok": false``); a reply that does not come within
``reply_timeout`` dumps the child's threads into its log (SIGUSR1) and fails with the end of that log.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from waiting import eventually

CTL = "@@CTL "
State = dict[str, Any]


def offscreen_env(kivy_home: Path) -> dict[str, str]:
    """Environment of an offscreen Kivy process (SDL_VIDEODRIVER=dummy has no GL: offscreen it is)."""
    env = dict(os.environ)
    env.update(
        SDL_VIDEODRIVER="offscreen", SDL_AUDIODRIVER="dummy", KIVY_WINDOW="sdl2", KIVY_NO_ARGS="1",
        KIVY_HOME=str(kivy_home), KIVY_NO_CONSOLELOG="1", KIVY_LOG_MODE="PYTHON",
    )  # fmt: skip
    return env


def screenshot_dir(docs: Path, scratch: Path) -> Path:
    """``docs`` with MOTCUA_UPDATE_SCREENSHOTS=1 (the screenshots in the documentation), else ``scratch``;
    created."""
    target = docs if os.environ.get("MOTCUA_UPDATE_SCREENSHOTS") == "1" else scratch
    target.mkdir(parents=True, exist_ok=True)
    return target


class KivyProcess:
    """``python HARNESS SETTINGS_JSON`` offscreen, its stderr in ``log``; waits for the harness's ready line."""

    def __init__(
        self,
        harness: Path,
        settings: dict[str, Any],
        kivy_home: Path,
        log: Path,
        *,
        reply_timeout: float = 20.0,
        ready_timeout: float = 60.0,
    ) -> None:
        kivy_home.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self.log_path = log
        self.reply_timeout = reply_timeout
        self.stray_output: list[str] = []
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, str(harness), json.dumps(settings)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            env=offscreen_env(kivy_home), text=True, encoding="utf-8",
        )  # fmt: skip
        self._replies: queue.Queue[State] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self._reply("start", ready_timeout)
        assert ready.get("ready"), ready

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if CTL in line:  # a library may have printed a partial line before ours
                self._replies.put(json.loads(line.split(CTL, 1)[1]))
            elif line.strip():
                self.stray_output.append(line)

    def _reply(self, cmd: str, timeout: float) -> State:
        try:
            return self._replies.get(timeout=timeout)
        except queue.Empty:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGUSR1)  # thread dump into the child's log
                eventually(lambda: "most recent call first" in self.log_path.read_text(errors="replace"), 2)
            log = self.log_path.read_text(errors="replace")[-6000:]
            raise AssertionError(f"no reply to {cmd}; stdout {self.stray_output[-5:]}; log:\n{log}") from None

    def request(self, cmd: str, **fields: Any) -> State:
        """Send ``{"cmd": cmd, **fields}``; the reply, which must say ``"ok": true``."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"cmd": cmd, **fields}, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        reply = self._reply(cmd, self.reply_timeout)
        assert reply.get("ok"), reply
        return reply

    def poll(
        self,
        fetch: Callable[[], State],
        predicate: Callable[[State], bool],
        timeout: float,
        describe: Callable[[State], object] = lambda state: state,
        what: str = "app",
    ) -> State:
        """``fetch()`` every 50 ms until ``predicate`` holds; fail with ``describe`` of the last one."""
        deadline = time.monotonic() + timeout
        state = fetch()
        while not predicate(state):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} never matched; last {describe(state)}")
            time.sleep(0.05)  # polling, with a deadline
            state = fetch()
        return state

    def stop(self) -> None:
        """``quit``, else kill; closes the log."""
        if self.process.poll() is None:
            try:
                self.request("quit")
                self.process.wait(10)
            except Exception:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
