"""Display latency benchmarks against a real mosquitto.

1. call published -> view updated on the Kivy thread, and -> the next frame flipped (p50/p99);
2. call -> announcement WAV ready to play, espeak-ng path and voice-pack path (fixed parts cached).

Run: ``.venv/bin/python benchmarks/bench_display.py [--calls 300]`` (offscreen; no screen needed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_home = tempfile.mkdtemp(prefix="bench-kivy-")
for key, value in {
    "SDL_VIDEODRIVER": "offscreen", "SDL_AUDIODRIVER": "dummy", "KIVY_WINDOW": "sdl2", "KIVY_NO_ARGS": "1",
    "KIVY_HOME": _home, "KIVY_NO_CONSOLELOG": "1",
}.items():  # fmt: skip
    os.environ.setdefault(key, value)

from kiosk_ui.core.announce import CallInfo  # noqa: E402
from kiosk_ui.settings import DisplaySettings  # noqa: E402
from motcua.contract.mqtt import CallEvent, encode_payload, topic_call  # noqa: E402
from motcua.runtime.broker import start_broker  # noqa: E402
from motcua.runtime.mqtt import MqttConnection  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, values_ms: list[float]) -> None:
    print(
        f"{name:<46} n={len(values_ms):<4} p50={pct(values_ms, 0.5):7.2f} ms  p99={pct(values_ms, 0.99):7.2f} ms"
        f"  max={max(values_ms):7.2f} ms  mean={statistics.fmean(values_ms):6.2f} ms"
    )


def call_event(site: str, seq: int) -> CallEvent:
    counter = str(seq % 9 + 1)
    return CallEvent(
        site=site, seq=seq, ticket_id=f"t{seq}", number=f"B{seq % 1000:03d}", service="HT",
        service_name_vi="Hộ tịch", service_name_en="Civil status", counter_id=counter,
        counter_name_vi=f"Quầy {counter}", counter_name_en=f"Counter {counter}", called_at=datetime.now(UTC),
    )  # fmt: skip


def bench_display(calls: int, data_dir: Path) -> None:
    broker = start_broker(data_dir / "mosquitto", kind="mosquitto")
    settings = DisplaySettings(broker=broker.url, site="bench", windowed=True, announce="off")
    from kiosk_ui.display.window import configure_window

    configure_window(settings)
    from kivy.clock import Clock
    from kivy.core.window import Window

    from kiosk_ui.display.app import DisplayApp

    app = DisplayApp(settings)
    applied: dict[int, float] = {}
    flipped: dict[int, float] = {}
    pending_flip: list[int] = []
    sent: dict[int, float] = {}
    rss: dict[str, float] = {}
    events = {seq: threading.Event() for seq in range(1, calls + 1)}

    def on_applied(what: str) -> None:
        if what == "call" and app.model.current is not None:
            seq = int(app.model.last_seq)  # type: ignore[union-attr]
            applied[seq] = time.perf_counter()
            pending_flip.append(seq)

    def on_flip(*_args: object) -> None:
        now = time.perf_counter()
        while pending_flip:
            seq = pending_flip.pop()
            flipped[seq] = now
            events[seq].set()

    def drive() -> None:
        publisher = MqttConnection(broker.url)
        publisher.start()
        publisher.wait_connected(10)
        app.link.connection.wait_connected(10)
        time.sleep(1.0)
        rss["before"] = rss_mb()
        for seq in range(1, calls + 1):
            payload = encode_payload(call_event("bench", seq))
            sent[seq] = time.perf_counter()
            publisher.publish(topic_call("bench"), payload)
            events[seq].wait(2.0)
            time.sleep(0.01)
        rss["after"] = rss_mb()
        publisher.stop()
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    original = app._on_call

    def tracking_on_call(topic: str, call: CallEvent, retained: bool) -> None:
        app.model.last_seq = call.seq  # type: ignore[union-attr]
        original(topic, call, retained)

    app._on_call = tracking_on_call  # type: ignore[method-assign]
    app.on_applied.append(on_applied)

    def started(*_args: object) -> None:
        Window.bind(on_flip=on_flip)
        threading.Thread(target=drive, daemon=True).start()

    app.bind(on_start=started)
    app.run()
    broker.stop()
    view_ms = [(applied[s] - sent[s]) * 1000 for s in sent if s in applied]
    frame_ms = [(flipped[s] - sent[s]) * 1000 for s in sent if s in flipped]
    print(f"display: {calls} calls published to mosquitto, {len(view_ms)} applied")
    report("call published -> view updated (Kivy thread)", view_ms)
    report("call published -> next frame flipped", frame_ms)
    worst = sorted(((flipped[s] - sent[s]) * 1000, s) for s in sent if s in flipped)[-3:]
    print("  slowest frames: " + ", ".join(f"call {seq}: {ms:.0f} ms" for ms, seq in reversed(worst)))
    print(f"display RSS: {rss.get('before', 0):.0f} MB before the calls, {rss.get('after', 0):.0f} MB after {calls}")


def rss_mb() -> float:
    """Resident memory of this process (the display runs in it), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_audio(count: int, data_dir: Path) -> None:
    from kiosk_ui.speech.render import RenderWorker, build_renderer

    for voice in ("espeak", "pack"):
        renderer = build_renderer(DisplaySettings(voice=voice), out_dir=data_dir / f"audio-{voice}")
        worker = RenderWorker(renderer)
        worker.warm_up().result()  # fixed parts (chime, clips, engine) cached before the first call
        durations: list[float] = []
        for index in range(count):
            call = CallInfo(index, f"B{index:03d}", str(index % 9 + 1), f"Quầy {index % 9 + 1}", "Hộ tịch", 0,
                            datetime.now(UTC))  # fmt: skip
            done = threading.Event()
            started = time.perf_counter()
            finished: list[float] = []

            def ready(_future: object, finished: list[float] = finished, done: threading.Event = done) -> None:
                finished.append(time.perf_counter())
                done.set()

            worker.submit(call, ready)
            done.wait(10)
            durations.append((finished[0] - started) * 1000)
        worker.shutdown()
        report(f"call -> announcement WAV ready ({voice})", durations)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=300, help="calls for the display benchmark")
    parser.add_argument("--renders", type=int, default=50, help="announcements per speech engine")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-display-") as tmp:
        bench_audio(args.renders, Path(tmp))
        bench_display(args.calls, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
