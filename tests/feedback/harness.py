"""Runs the feedback tablet offscreen in its own process, driven over stdin/stdout (Kivy allows one window).

argv[1] is a JSON object of TabletSettings fields. Commands, one JSON object per stdin line:
texts, tap (name), shot (path), quit. Replies are single stdout lines starting with ``@@CTL ``.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk_ui.feedback.settings import TabletSettings  # noqa: E402


def main() -> None:
    settings = TabletSettings(**json.loads(sys.argv[1]))
    from kiosk_ui.feedback.window import configure_window

    configure_window(settings)
    from kivy.clock import Clock

    from kiosk_ui.feedback.app import FeedbackApp

    app = FeedbackApp(settings)
    out_lock = threading.Lock()

    def reply(payload: dict[str, Any]) -> None:
        with out_lock:
            sys.stdout.write("@@CTL " + json.dumps(payload, ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()

    def on_main(command: dict[str, Any]) -> None:
        cmd = command["cmd"]
        try:
            if cmd == "texts":
                texts = app.flow.texts()
                texts["shown_screen"] = app.view.ids.screens.current
                texts["submissions"] = [o.__dict__ for o in app.submissions]
                reply({"ok": True, "texts": texts})
            elif cmd == "tap":
                app.view.press(command["name"])
                reply({"ok": True})
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
