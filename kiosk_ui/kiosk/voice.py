"""Voice guidance: a screen's instruction rendered to WAV by espeak-ng (pyttsx3) on a worker thread,
then played through Kivy's audio on the UI thread. Instructions only: never a citizen's data."""

from __future__ import annotations

import logging
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kivy.clock import Clock

from kiosk_ui.kiosk_settings import KioskSettings

__all__ = ["Spoken", "Voice"]

logger = logging.getLogger(__name__)


@dataclass
class Spoken:
    """One instruction read aloud (for tests and the status details)."""

    key: str
    lang: str
    seconds: float = 0.0
    render_ms: float = 0.0
    played: bool = False
    error: str | None = None


class Voice:
    """Reads instructions aloud; the UI thread never waits for the synthesiser."""

    def __init__(self, settings: KioskSettings, *, player: Any = None) -> None:
        self.settings = settings
        self.enabled = settings.voice != "off"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-voice")
        self._dir = Path(tempfile.mkdtemp(prefix="motcua-kiosk-voice-"))
        self._synth: Any = None
        self._player = player
        self.history: list[Spoken] = []

    def _render(self, text: str, lang: str, entry: Spoken) -> Path:
        from kiosk_ui.speech.render import EspeakSynth
        from kiosk_ui.speech.wavtools import write_wav

        started = time.perf_counter()
        if self._synth is None:
            voices = {"vi": self.settings.espeak_voice_vi, "en": self.settings.espeak_voice_en}
            self._synth = EspeakSynth(voices, words_per_minute=self.settings.speech_rate, workdir=self._dir)
        try:
            samples = self._synth.speak(text, lang)
        except FileNotFoundError:  # pyttsx3's espeak driver sometimes drops its first file: once more
            samples = self._synth.speak(text, lang)
        path = self._dir / f"say-{len(self.history)}.wav"
        write_wav(path, self._synth.rate, samples)
        entry.seconds = samples.size / self._synth.rate
        entry.render_ms = (time.perf_counter() - started) * 1000
        return path

    def say(self, key: str, text: str, lang: str) -> None:
        """Render ``text`` in the background, then play it."""
        if not self.enabled:
            return
        entry = Spoken(key, lang)
        self.history.append(entry)
        del self.history[:-50]
        future = self._pool.submit(self._render, text, lang, entry)

        def rendered(done: Future[Path]) -> None:
            try:
                path = done.result()
            except Exception as exc:  # no voice must never break the screen
                entry.error = type(exc).__name__
                logger.warning("voice guidance unavailable: %s", type(exc).__name__, exc_info=True)
                return
            Clock.schedule_once(lambda _dt: self._play(path, entry), 0)

        future.add_done_callback(rendered)

    def _play(self, path: Path, entry: Spoken) -> None:
        if self._player is None:
            from kiosk_ui.display.player import KivyPlayer

            self._player = KivyPlayer()

        def finished() -> None:
            entry.played = True
            path.unlink(missing_ok=True)

        self._player.play(path, entry.seconds, finished)

    def shutdown(self) -> None:
        """Stop the worker."""
        self._pool.shutdown(wait=False, cancel_futures=True)
