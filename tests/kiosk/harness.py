"""Runs the kiosk app offscreen in its own process, driven over stdin/stdout (Kivy allows one window).

argv[1] is a JSON object of KioskSettings fields. Commands, one JSON object per stdin line:
state, tap (by tap_id), double_tap, type (keys), shot, advance (the kiosk's clock), targets,
printed, voice, widgets (live widget count and RSS), quit. Replies are single stdout lines starting with
``@@CTL ``. Exceptions on the Kivy thread are recorded (``errors`` in every state) so a test fails with them
instead of hanging.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk_ui.kiosk_settings import KioskSettings  # noqa: E402


def main() -> None:
    import faulthandler
    import signal

    faulthandler.register(signal.SIGUSR1, all_threads=True)  # the test dumps our threads when a reply is late
    options = json.loads(sys.argv[1])
    started = time.perf_counter()
    settings = KioskSettings(**options)
    from kiosk_ui.cli_kiosk import configure_window

    configure_window(settings)
    from kivy.base import ExceptionHandler, ExceptionManager
    from kivy.clock import Clock

    from kiosk_ui.kiosk.app import KioskApp

    errors: list[str] = []

    class Record(ExceptionHandler):  # type: ignore[misc]
        def handle_exception(self, exception: BaseException) -> Any:
            import traceback

            errors.append("".join(traceback.format_exception(exception))[-3000:])
            return ExceptionManager.PASS

    ExceptionManager.add_handler(Record())
    app = KioskApp(settings)
    out_lock = threading.Lock()
    first_screen: dict[str, float] = {}

    def reply(payload: dict[str, Any]) -> None:
        with out_lock:
            sys.stdout.write("@@CTL " + json.dumps(payload, ensure_ascii=False, default=str) + "\n")
            sys.stdout.flush()

    def find(tap_id: str) -> Any:
        for button in app.tappables():
            if button.tap_id == tap_id:
                return button
        ids = sorted(b.tap_id for b in app.tappables())
        raise LookupError(f"no button {tap_id!r} on {app.controller.flow.screen.value}; have {ids}")

    def state() -> dict[str, Any]:
        c = app.controller
        flow = c.flow
        visit = flow.visit
        view = app.current_view()
        idle = flow.idle(c.now())
        form = visit.form
        return {
            "screen": flow.screen.value,
            "inflight": c.inflight,
            "busy": visit.busy,
            "texts": view.texts() if view is not None else [],
            "banner": app.root_widget.banner,
            "online": c.online,
            "lang": flow.lang,
            "fs": app.fs,
            "theme": app.theme["name"],
            "ticket": None if visit.ticket is None else {"id": visit.ticket.id, "number": visit.ticket.number,
                                                         "priority": visit.ticket.priority, "url": visit.ticket.track_url},
            "receipt": visit.receipt_code,
            "printer": visit.printer,
            "printer_reason": visit.printer_reason,
            "error": visit.error,
            "wipes": flow.wipes,
            "overlay": app.overlay is not None and app.overlay.parent is not None,
            "idle_left": None if idle is None else idle.seconds_left,
            "timeout": flow.timeout(),
            "reading_floor": flow.reading_floor,
            "form_values": dict(form.values) if form is not None else {},
            "form_index": form.index if form is not None else None,
            "form_field": form.field.name if form is not None else None,
            "catalogue_from_cache": flow.catalogue.from_cache,
            "procedures": len(flow.catalogue.procedures),
            "results": [p.code for p in visit.results],
            "errors": errors,
        }  # fmt: skip

    def on_main(command: dict[str, Any]) -> None:
        cmd = command["cmd"]
        try:
            if cmd == "state":
                reply({"ok": True, **state()})
            elif cmd == "tap":
                t0 = time.perf_counter()
                find(command["id"]).trigger_action(0)
                ms = (time.perf_counter() - t0) * 1000
                deadline = time.monotonic() + 20

                def settled(_dt: float) -> None:  # reply once no background request is in flight
                    if app.controller.inflight and time.monotonic() < deadline:
                        Clock.schedule_once(settled, 0.02)
                        return
                    try:
                        targets = [[b.tap_id, b.width, b.height] for b in app.tappables()]
                        reply({"ok": True, "ms": ms, "targets": targets, **state()})
                    except Exception as exc:  # report, do not hang the test
                        reply({"ok": False, "error": repr(exc), "errors": errors})

                Clock.schedule_once(settled, 0)
            elif cmd == "frame_tap":  # tap -> the next frame drawn (benchmark)
                from kivy.core.window import Window

                button = find(command["id"])
                t0 = time.perf_counter()

                def flipped(*_a: Any) -> None:
                    Window.unbind(on_flip=flipped)
                    reply({"ok": True, "ms": (time.perf_counter() - t0) * 1000})

                Window.bind(on_flip=flipped)
                button.trigger_action(0)
            elif cmd == "tap_to_print":  # tap -> the slip's bytes written (benchmark)
                button = find(command["id"])
                t0 = time.perf_counter()
                button.trigger_action(0)

                def printed(_dt: float) -> None:
                    if app.controller.flow.visit.printer not in ("printed", "fault"):
                        Clock.schedule_once(printed, 0.005)
                        return
                    reply(
                        {
                            "ok": True,
                            "ms": (time.perf_counter() - t0) * 1000,
                            "printer": app.controller.flow.visit.printer,
                        }
                    )

                Clock.schedule_once(printed, 0)
            elif cmd == "double_tap":
                button = find(command["id"])
                button.trigger_action(0)
                button.trigger_action(0)
                reply({"ok": True})
            elif cmd == "type":
                for key in command["keys"]:
                    find(f"key:{key}").trigger_action(0)
                reply({"ok": True})
            elif cmd == "shot":
                app.root_widget.export_to_png(command["path"])
                reply({"ok": True})
            elif cmd == "advance":
                app.controller.offset += float(command["seconds"])
                app.controller.tick()
                reply({"ok": True})
            elif cmd == "targets":
                reply({"ok": True, "targets": [[b.tap_id, b.width, b.height] for b in app.tappables()]})
            elif cmd == "printed":
                data = app.controller.printer.last_output
                reply({"ok": True, "bytes": base64.b64encode(data).decode() if data else None})
            elif cmd == "voice":
                voice = app.controller.voice
                history = [] if voice is None else [vars(v) for v in voice.history]
                reply({"ok": True, "history": history})
            elif cmd == "startup":
                reply({"ok": True, **first_screen})
            elif cmd == "widgets":  # memory tests: live widgets, Kivy objects created so far, RSS
                import gc

                from kivy.event import EventDispatcher
                from kivy.uix.widget import Widget

                gc.collect()
                live = sum(1 for obj in gc.get_objects() if isinstance(obj, Widget))
                created = EventDispatcher().uid  # uids count every widget/dispatcher ever created
                rss = 0.0
                for line in Path("/proc/self/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1]) / 1024
                from kivy.uix.label import Label

                surfaces = sum(
                    1 for obj in gc.get_objects()
                    if isinstance(obj, Label) and getattr(obj._label, "_surface", None) is not None
                )  # fmt: skip
                reply({"ok": True, "widgets": live, "created": created, "rss_mb": rss, "label_surfaces": surfaces})
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

    def on_started(*_args: Any) -> None:
        def first_frame(_dt: float) -> None:
            first_screen["welcome_s"] = time.perf_counter() - started
            threading.Thread(target=control, daemon=True).start()
            reply({"ok": True, "ready": True})

        Clock.schedule_once(first_frame, 0)

    app.bind(on_start=on_started)
    app.run()


if __name__ == "__main__":
    main()
