"""Render an announcement (chime + speech in one or more languages) to one WAV file.

Rendering runs on one worker thread (``RenderWorker``): pyttsx3's espeak driver is not
thread-safe and the UI thread must never wait for it. One WAV per announcement means the chime
and the words can never overlap each other or the next call.
"""

from __future__ import annotations

import atexit
import gc
import logging
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kiosk_ui.core.announce import CallInfo, SpeechOptions, announcement_segments, announcement_text
from kiosk_ui.speech.voicepack import MissingClip, VoicePack
from kiosk_ui.speech.wavtools import Samples, read_wav, resample, silence, write_wav

if TYPE_CHECKING:
    from kiosk_ui.settings import DisplaySettings

logger = logging.getLogger(__name__)

CHIME = Path(__file__).resolve().parent.parent / "assets" / "sounds" / "chime.wav"
ESPEAK_RATE = 22050  # pyttsx3's espeak driver writes 22.05 kHz mono

# libespeak-ng has one synthesis callback per process: one pyttsx3 engine, used under a lock.
_ENGINE: Any = None
_ENGINE_LOCK = threading.Lock()


def _release_engine() -> None:
    """Drop the engine while modules still exist: pyttsx3's ``__del__`` fails noisily at interpreter teardown."""
    global _ENGINE
    _ENGINE = None
    gc.collect()


class EspeakSynth:
    """pyttsx3 + espeak-ng, rendering to a WAV file with ``save_to_file`` (never ``say``, which runs aplay)."""

    rate = ESPEAK_RATE

    def __init__(self, voices: dict[str, str], *, words_per_minute: int = 150, workdir: Path | None = None) -> None:
        self.voices = voices
        self.words_per_minute = words_per_minute
        self._workdir = workdir or Path(tempfile.mkdtemp(prefix="motcua-tts-"))
        self._cache: OrderedDict[tuple[str, str], Samples] = OrderedDict()

    def _engine_for(self, lang: str) -> Any:
        global _ENGINE
        if _ENGINE is None:
            import pyttsx3

            _ENGINE = pyttsx3.init("espeak")
            atexit.register(_release_engine)
            # The driver prints "Audio saved to ..." for every file; silence that module's print
            # only (redirecting sys.stdout would swallow other threads' output meanwhile).
            driver_module = sys.modules.get("pyttsx3.drivers.espeak")
            if driver_module is not None:
                driver_module.print = lambda *_args, **_kwargs: None  # type: ignore[attr-defined]
        _ENGINE.setProperty("rate", self.words_per_minute)
        _ENGINE.setProperty("voice", self.voices.get(lang, self.voices.get("vi", "aav/vi")))
        return _ENGINE

    def speak(self, text: str, lang: str) -> Samples:
        """Samples of ``text`` spoken in ``lang`` (an LRU cache keeps recalls and fixed texts)."""
        key = (lang, text)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        target = self._workdir / f"tts-{threading.get_ident()}.wav"
        with _ENGINE_LOCK:
            engine = self._engine_for(lang)
            engine.save_to_file(text, str(target))
            engine.runAndWait()
            rate, samples = read_wav(target)
        samples = resample(samples, rate, self.rate)
        self._cache[key] = samples
        if len(self._cache) > 64:
            self._cache.popitem(last=False)
        return samples


@dataclass(frozen=True)
class RenderedAnnouncement:
    """A WAV ready to play."""

    path: Path
    seconds: float
    text: str
    engine: str
    render_seconds: float


class AnnouncementRenderer:
    """Builds the announcement WAV of a call: chime, then each language's sentence."""

    def __init__(
        self,
        *,
        templates: dict[str, str],
        langs: list[str],
        options: SpeechOptions,
        espeak: EspeakSynth | None,
        pack: VoicePack | None = None,
        chime: Path | None = CHIME,
        out_dir: Path | None = None,
    ) -> None:
        if espeak is None and pack is None:
            raise ValueError("an announcement renderer needs espeak or a voice pack")
        self.templates = templates
        self.langs = langs
        self.options = options
        self.espeak = espeak
        self.pack = pack
        self.rate = pack.rate if pack is not None else ESPEAK_RATE
        self.out_dir = out_dir or Path(tempfile.mkdtemp(prefix="motcua-announce-"))
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._chime: Samples | None = None
        if chime is not None and chime.exists():
            chime_rate, samples = read_wav(chime)
            self._chime = resample(samples, chime_rate, self.rate)
        self._warned: set[str] = set()

    def warm_up(self) -> None:
        """Load clips and start the TTS engine now, so the first call is as fast as the others."""
        if self.pack is not None:
            self.pack.preload()
        if self.espeak is not None:
            self.espeak.speak("không", "vi")

    def _speech(self, call: CallInfo, lang: str) -> tuple[Samples, str, str]:
        template = self.templates.get(lang) or self.templates["vi"]
        text = announcement_text(call, template, lang=lang, options=self.options)  # type: ignore[arg-type]
        if self.pack is not None and self.pack.lang == lang:
            segments = announcement_segments(call, template, lang=lang, options=self.options)  # type: ignore[arg-type]
            try:
                return self.pack.speak(segments), text, "pack"
            except MissingClip as missing:
                if str(missing) not in self._warned:
                    self._warned.add(str(missing))
                    logger.warning("voice pack has no clip for %s; using espeak-ng for this call", missing)
        if self.espeak is None:
            raise MissingClip(f"no voice for {lang}")
        samples = resample(self.espeak.speak(text, lang), self.espeak.rate, self.rate)
        return samples, text, "espeak"

    def render(self, call: CallInfo) -> RenderedAnnouncement:
        """Write the WAV of ``call`` and say where it is and how long it plays."""
        started = time.perf_counter()
        parts: list[Samples] = []
        if self._chime is not None:
            parts += [self._chime, silence(self.rate, 0.25)]
        texts: list[str] = []
        engines: list[str] = []
        for index, lang in enumerate(self.langs):
            if index:
                parts.append(silence(self.rate, 0.6))
            samples, text, engine = self._speech(call, lang)
            parts.append(samples)
            texts.append(text)
            engines.append(engine)
        parts.append(silence(self.rate, 0.2))
        audio = np.concatenate(parts)
        path = self.out_dir / f"call-{call.seq}-{call.recall_count}.wav"
        write_wav(path, self.rate, audio)
        return RenderedAnnouncement(
            path=path,
            seconds=audio.size / self.rate,
            text=" / ".join(texts),
            engine="+".join(engines),
            render_seconds=time.perf_counter() - started,
        )


class RenderWorker:
    """One background thread that renders announcements in arrival order."""

    def __init__(self, renderer: AnnouncementRenderer) -> None:
        self.renderer = renderer
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="announce-render")

    def warm_up(self) -> Future[None]:
        """Warm the renderer up in the background."""
        return self._pool.submit(self.renderer.warm_up)

    def submit(self, call: CallInfo, done: Callable[[Future[RenderedAnnouncement]], None]) -> None:
        """Render ``call`` in the background and call ``done(future)`` on the worker thread."""
        self._pool.submit(self.renderer.render, call).add_done_callback(done)

    def shutdown(self) -> None:
        """Stop the worker (pending renders are dropped)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def build_renderer(settings: DisplaySettings, out_dir: Path | None = None) -> AnnouncementRenderer:
    """The renderer the settings ask for (a voice pack still falls back to espeak-ng for missing words)."""
    pack = VoicePack(settings.voice_pack) if settings.voice == "pack" else None
    espeak = EspeakSynth(
        {"vi": settings.espeak_voice_vi, "en": settings.espeak_voice_en}, words_per_minute=settings.speech_rate
    )
    return AnnouncementRenderer(
        templates={"vi": settings.template_vi, "en": settings.template_en},
        langs=list(settings.announce_langs),
        options=SpeechOptions(mode=settings.number_mode, linh=settings.linh, counter_names=settings.counter_names),
        espeak=espeak,
        pack=pack,
        chime=CHIME if settings.chime else None,
        out_dir=out_dir or settings.audio_dir,
    )
