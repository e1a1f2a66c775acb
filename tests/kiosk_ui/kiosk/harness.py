"""Runs the kiosk app offscreen in its own process, driven over stdin/stdout (Kivy allows one window).

argv[1] is a JSON object of KioskSettings fields. Commands, one JSON object per stdin line:
state, tap (by tap_id), double_tap, type (keys), shot, advance (the kiosk's clock), targets,
printed, voice, startup, frame_tap and tap_to_print (benchmark), and those of every harness
(``tests/support/kivy_child.py``: widgets (live widget count and RSS), quit). Replies are single stdout
lines starting with ``@@CTL ``. Exceptions on the Kivy thread are recorded (``errors`` in every state) so
a test fails with them instead of hanging.
"""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "support")]

from kivy_child import Control  # noqa: E402

from kiosk_ui.kiosk_settings import KioskSettings  # noqa: E402


def main() -> None:
    control = Control()  # the test dumps our threads (SIGUSR1) when a reply is late
    options = json.loads(sys.argv[1])
    started = time.perf_counter()
    settings = KioskSettings(**options)
    from kiosk_ui.cli_kiosk import configure_window

    configure_window(settings)
    from kivy.clock import Clock

    from kiosk_ui.kiosk.app import KioskApp

    errors = control.record_exceptions()
    app = KioskApp(settings)
    reply = control.reply
    first_screen: dict[str, float] = {}

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

    def tap(command: dict[str, Any]) -> None:
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

    def frame_tap(command: dict[str, Any]) -> None:  # tap -> the next frame drawn (benchmark)
        from kivy.core.window import Window

        button = find(command["id"])
        t0 = time.perf_counter()

        def flipped(*_a: Any) -> None:
            Window.unbind(on_flip=flipped)
            reply({"ok": True, "ms": (time.perf_counter() - t0) * 1000})

        Window.bind(on_flip=flipped)
        button.trigger_action(0)

    def tap_to_print(command: dict[str, Any]) -> None:  # tap -> the slip's bytes written (benchmark)
        button = find(command["id"])
        t0 = time.perf_counter()
        button.trigger_action(0)

        def printed(_dt: float) -> None:
            if app.controller.flow.visit.printer not in ("printed", "fault"):
                Clock.schedule_once(printed, 0.005)
                return
            reply({"ok": True, "ms": (time.perf_counter() - t0) * 1000, "printer": app.controller.flow.visit.printer})

        Clock.schedule_once(printed, 0)

    def double_tap(command: dict[str, Any]) -> None:
        button = find(command["id"])
        button.trigger_action(0)
        button.trigger_action(0)
        reply({"ok": True})

    def type_keys(command: dict[str, Any]) -> None:
        for key in command["keys"]:
            find(f"key:{key}").trigger_action(0)
        reply({"ok": True})

    def advance(command: dict[str, Any]) -> None:
        app.controller.offset += float(command["seconds"])
        app.controller.tick()
        reply({"ok": True})

    def printed_bytes(_command: dict[str, Any]) -> None:
        data = app.controller.printer.last_output
        reply({"ok": True, "bytes": base64.b64encode(data).decode() if data else None})

    def voice(_command: dict[str, Any]) -> None:
        spoken = app.controller.voice
        reply({"ok": True, "history": [] if spoken is None else [vars(v) for v in spoken.history]})

    def first_frame() -> None:
        first_screen["welcome_s"] = time.perf_counter() - started

    control.serve(
        app,
        {
            "state": lambda _command: reply({"ok": True, **state()}),
            "tap": tap,
            "frame_tap": frame_tap,
            "tap_to_print": tap_to_print,
            "double_tap": double_tap,
            "type": type_keys,
            "shot": control.shot(lambda: app.root_widget),
            "advance": advance,
            "targets": lambda _command: reply(
                {"ok": True, "targets": [[b.tap_id, b.width, b.height] for b in app.tappables()]}
            ),
            "printed": printed_bytes,
            "voice": voice,
            "startup": lambda _command: reply({"ok": True, **first_screen}),
        },
        first_frame=True,
        before_ready=first_frame,
    )


if __name__ == "__main__":
    main()
