"""Runs the feedback tablet offscreen in its own process, driven over stdin/stdout (Kivy allows one window).

argv[1] is a JSON object of TabletSettings fields. Commands, one JSON object per stdin line:
texts (with ``answers``, how many poll answers the view-model has taken), tap (name), shot (path), and those of every harness (``tests/support/kivy_child.py``: widgets,
quit). Replies are single stdout lines starting with ``@@CTL ``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from kivy_child import Control  # noqa: E402

from kiosk_ui.feedback.settings import TabletSettings  # noqa: E402


def main() -> None:
    control = Control()
    settings = TabletSettings(**json.loads(sys.argv[1]))
    from kiosk_ui.feedback.window import configure_window

    configure_window(settings)
    from kiosk_ui.feedback.app import FeedbackApp

    app = FeedbackApp(settings)
    answered = [0]  # the server's answers to the tablet's polls, once the view-model has taken each
    answer = app._answer

    def counted_answer(payload: dict[str, Any] | None) -> None:
        from kivy.clock import Clock

        answer(payload)  # schedules the view-model's update; this runs after it
        Clock.schedule_once(lambda _dt: answered.__setitem__(0, answered[0] + 1), 0)

    app._answer = counted_answer  # type: ignore[method-assign]

    def texts(_command: dict[str, Any]) -> None:
        shown = app.flow.texts()
        shown["answers"] = answered[0]
        shown["shown_screen"] = app.view.ids.screens.current
        shown["submissions"] = [o.__dict__ for o in app.submissions]
        control.reply({"ok": True, "texts": shown})

    def tap(command: dict[str, Any]) -> None:
        app.view.press(command["name"])
        control.reply({"ok": True})

    control.serve(app, {"texts": texts, "tap": tap, "shot": control.shot(lambda: app.view)})


if __name__ == "__main__":
    main()
