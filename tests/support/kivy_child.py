"""Child side of the Kivy harnesses (``tests/*/harness.py``), driven by ``kivy_process.KivyProcess``.

A harness builds its app, then hands it to ``Control.serve`` with its own commands::

    control = Control()                 # first: SIGUSR1 dumps every thread into stderr (the parent's log)
    ...configure the window, build the app...
    control.serve(app, {"texts": lambda command: control.reply({"ok": True, "texts": ...})})

Commands come one JSON object per stdin line (``{"cmd": name, ...}``) and run on the Kivy thread; each
command replies (once, maybe later) with ``control.reply``: a single stdout line ``@@CTL {json}``. Every
harness also has ``quit`` and ``widgets`` (live widgets, Kivy objects created so far, RSS, labels keeping
an SDL surface); an unknown command or an exception in one replies ``{"ok": false, "error": ...}`` instead
of hanging the test. End of stdin stops the app. This module imports Kivy only when called, after the
harness has configured the window.
"""

from __future__ import annotations

import faulthandler
import json
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

CTL = "@@CTL "
Command = Callable[[dict[str, Any]], None]


def widget_report() -> dict[str, Any]:
    """Live widgets, Kivy objects created so far, RSS (MB), labels keeping their rendered SDL surface."""
    import gc

    from kivy.event import EventDispatcher
    from kivy.uix.label import Label
    from kivy.uix.widget import Widget

    gc.collect()
    live = sum(1 for obj in gc.get_objects() if isinstance(obj, Widget))
    created = EventDispatcher().uid  # uids count every widget/dispatcher ever created
    rss = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    surfaces = sum(
        1 for obj in gc.get_objects()
        if isinstance(obj, Label) and getattr(obj._label, "_surface", None) is not None
    )  # fmt: skip
    return {"widgets": live, "created": created, "rss_mb": rss, "label_surfaces": surfaces}


class Control:
    """The harness's end of the stdin/stdout protocol."""

    def __init__(self) -> None:
        faulthandler.register(signal.SIGUSR1, all_threads=True)  # the parent dumps our threads when a reply is late
        self.errors: list[str] = []
        self._out_lock = threading.Lock()

    def reply(self, payload: dict[str, Any]) -> None:
        """One ``@@CTL`` line (thread-safe)."""
        with self._out_lock:
            sys.stdout.write(CTL + json.dumps(payload, ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()

    def shot(self, widget: Callable[[], Any]) -> Command:
        """A ``shot`` command: ``widget()`` exported to the PNG at the command's ``path``."""

        def export(command: dict[str, Any]) -> None:
            widget().export_to_png(command["path"])
            self.reply({"ok": True})

        return export

    def record_exceptions(self) -> list[str]:
        """Exceptions on the Kivy thread are recorded in ``errors`` and the app carries on (the harness
        reports them, so a test fails with them instead of hanging). Call after configuring the window."""
        from kivy.base import ExceptionHandler, ExceptionManager

        errors = self.errors

        class Record(ExceptionHandler):  # type: ignore[misc]
            def handle_exception(self, exception: BaseException) -> Any:
                errors.append("".join(traceback.format_exception(exception))[-3000:])
                return ExceptionManager.PASS

        ExceptionManager.add_handler(Record())
        return errors

    def serve(
        self,
        app: Any,
        commands: Mapping[str, Command],
        *,
        first_frame: bool = False,
        before_ready: Callable[[], None] | None = None,
    ) -> None:
        """Run ``app``; once started (with ``first_frame``: once its first frame is scheduled), call
        ``before_ready``, start reading commands and reply ``{"ok": true, "ready": true}``."""
        from kivy.clock import Clock

        table: dict[str, Command] = {"widgets": lambda _command: self.reply({"ok": True, **widget_report()})}
        table.update(commands)

        def on_main(command: dict[str, Any]) -> None:
            cmd = command["cmd"]
            try:
                if cmd == "quit":
                    self.reply({"ok": True})
                    app.stop()
                elif cmd in table:
                    table[cmd](command)
                else:
                    self.reply({"ok": False, "error": f"unknown command {cmd}"})
            except Exception as exc:  # report, do not hang the test
                self.reply({"ok": False, "error": repr(exc)})

        def control() -> None:
            for line in sys.stdin:
                if line.strip():
                    command = json.loads(line)
                    Clock.schedule_once(lambda _dt, c=command: on_main(c), 0)
            Clock.schedule_once(lambda _dt: app.stop(), 0)

        def ready(*_args: Any) -> None:
            if before_ready is not None:
                before_ready()
            threading.Thread(target=control, daemon=True).start()
            self.reply({"ok": True, "ready": True})

        def on_start(*_args: Any) -> None:
            if first_frame:
                Clock.schedule_once(ready, 0)
            else:
                ready()

        app.bind(on_start=on_start)
        app.run()
