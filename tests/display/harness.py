"""Runs one display app offscreen in its own process, driven over stdin/stdout (Kivy allows one window).

argv[1] is a JSON object of DisplaySettings fields plus ``_fast_audio`` (a player that records and
takes at most 0.3 s per clip). Commands, one JSON object per stdin line: texts, spoken, shot, quit.
Replies are single stdout lines starting with ``@@CTL ``.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk_ui.settings import DisplaySettings  # noqa: E402


class RecordingPlayer:
    """Wraps a player; records the start and end of every clip."""

    def __init__(self, inner: Any, cap: float | None) -> None:
        self.inner = inner
        self.cap = cap
        self.events: list[dict[str, Any]] = []

    def play(self, path: Any, seconds: float, done: Any) -> None:
        event = {"path": str(path), "seconds": seconds, "start": time.monotonic(), "end": None}
        self.events.append(event)

        def finished() -> None:
            event["end"] = time.monotonic()
            done()

        self.inner.play(path, min(seconds, self.cap) if self.cap else seconds, finished)


def main() -> None:
    options = json.loads(sys.argv[1])
    fast = options.pop("_fast_audio", True)
    settings = DisplaySettings(**options)
    from kiosk_ui.display.window import configure_window

    configure_window(settings)
    from kivy.clock import Clock

    from kiosk_ui.display.app import DisplayApp
    from kiosk_ui.display.player import KivyPlayer, NullPlayer

    player = RecordingPlayer(NullPlayer() if fast else KivyPlayer(), 0.3 if fast else None)
    app = DisplayApp(settings, player=player)
    out_lock = threading.Lock()

    def reply(payload: dict[str, Any]) -> None:
        with out_lock:
            sys.stdout.write("@@CTL " + json.dumps(payload, ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()

    def on_main(command: dict[str, Any]) -> None:
        cmd = command["cmd"]
        try:
            if cmd == "texts":
                reply({"ok": True, "texts": app.view.texts(), "errors": app.errors, "rejected": app.link.rejected})
            elif cmd == "spoken":
                history = [
                    {
                        "seq": item.seq,
                        "number": item.number,
                        "text": item.text,
                        "engine": item.engine,
                        "started": item.started,
                        "finished": item.finished,
                        "error": item.error,
                    }
                    for item in app.announcer.history
                ]
                reply({"ok": True, "history": history, "plays": player.events})
            elif cmd == "shot":
                app.view.export_to_png(command["path"])
                reply({"ok": True})
            elif cmd == "quit":
                reply({"ok": True})
                app.stop()
            else:
                reply({"ok": False, "error": f"unknown command {cmd}"})
        except Exception as exc:  # report, do not hang the test
            reply({"ok": False, "error": repr(exc)})

    def control() -> None:
        for line in sys.stdin:
            if line.strip():
                command = json.loads(line)
                Clock.schedule_once(lambda _dt, c=command: on_main(c), 0)
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    def started(*_args: Any) -> None:
        threading.Thread(target=control, daemon=True).start()
        reply({"ok": True, "ready": True})

    app.bind(on_start=started)
    app.run()


if __name__ == "__main__":
    main()
