"""Runs one display app offscreen in its own process, driven over stdin/stdout (Kivy allows one window).

argv[1] is a JSON object of DisplaySettings fields plus ``_fast_audio`` (a player that records and
takes at most 0.3 s per clip). Commands, one JSON object per stdin line: texts, spoken, shot, and those
of every harness (``tests/support/kivy_child.py``: widgets, quit). Replies are single stdout lines
starting with ``@@CTL ``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from kivy_child import Control  # noqa: E402

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
    control = Control()
    options = json.loads(sys.argv[1])
    fast = options.pop("_fast_audio", True)
    settings = DisplaySettings(**options)
    from kiosk_ui.display.window import configure_window

    configure_window(settings)
    from kiosk_ui.display.app import DisplayApp
    from kiosk_ui.display.player import KivyPlayer, NullPlayer

    player = RecordingPlayer(NullPlayer() if fast else KivyPlayer(), 0.3 if fast else None)
    app = DisplayApp(settings, player=player)

    def texts(_command: dict[str, Any]) -> None:
        control.reply({"ok": True, "texts": app.view.texts(), "errors": app.errors, "rejected": app.link.rejected})

    def spoken(_command: dict[str, Any]) -> None:
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
        control.reply({"ok": True, "history": history, "plays": player.events})

    control.serve(app, {"texts": texts, "spoken": spoken, "shot": control.shot(lambda: app.view)})


if __name__ == "__main__":
    main()
