"""Runs one display app offscreen in its own process, driven over stdin/stdout (Kivy allows one window).

argv[1] is a JSON object of DisplaySettings fields plus ``_fast_audio`` (a player that records and
takes at most 0.3 s per clip). Commands, one JSON object per stdin line: texts, spoken, shot, boxes (every
visible text on screen with its box in window pixels, from the live widget tree), and those of every harness
(``tests/support/kivy_child.py``: widgets, quit). Replies are single stdout lines
starting with ``@@CTL ``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from kivy_child import Control  # noqa: E402

from kiosk_ui.settings import DisplaySettings  # noqa: E402


def text_boxes(root: Any) -> list[dict[str, Any]]:
    """Every visible label under ``root``: its box in window pixels (clipped by any StencilView above it),
    and the size its whole text needs at its font (one line, or wrapped at its width when it wraps)."""
    from kivy.core.text import Label as CoreLabel
    from kivy.uix.label import Label
    from kivy.uix.stencilview import StencilView

    found: list[dict[str, Any]] = []

    def clip(box: tuple[float, float, float, float], by: tuple[float, float, float, float] | None) -> Any:
        if by is None:
            return box
        x0, y0 = max(box[0], by[0]), max(box[1], by[1])
        x1, y1 = min(box[0] + box[2], by[0] + by[2]), min(box[1] + box[3], by[1] + by[3])
        return (x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0))

    def walk(widget: Any, path: str, stencil: tuple[float, float, float, float] | None) -> None:
        if widget.opacity <= 0:
            return
        x, y = widget.to_window(*widget.pos)
        box = (float(x), float(y), float(widget.width), float(widget.height))
        name = next((key for key, value in getattr(widget, "ids", {}).items() if value is widget), "")
        here = f"{path}/{type(widget).__name__}{'#' + name if name else ''}"
        if isinstance(widget, Label) and widget.text.strip():
            wraps = not widget.shorten and widget.text_size[0] is not None
            probe = CoreLabel(
                text=widget.text, font_size=widget.font_size, font_name=widget.font_name, bold=widget.bold,
                italic=widget.italic, text_size=(widget.width if wraps else None, None), padding=widget.padding,
            )  # fmt: skip
            probe.refresh()
            found.append({
                "path": here, "text": widget.text, "box": clip(box, stencil), "size": [widget.width, widget.height],
                "needs": list(probe.content_size), "font_size": widget.font_size,
            })  # fmt: skip
        if isinstance(widget, StencilView):
            stencil = clip(box, stencil)
        for child in reversed(widget.children):  # the order they were added in
            walk(child, here, stencil)

    for child in root.children:
        walk(child, "", None)
    return found


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

    def boxes(_command: dict[str, Any]) -> None:
        from kivy.core.window import Window

        control.reply({"ok": True, "window": list(Window.size), "boxes": text_boxes(app.view)})

    commands = {"texts": texts, "spoken": spoken, "shot": control.shot(lambda: app.view), "boxes": boxes}
    control.serve(app, commands)


if __name__ == "__main__":
    main()
