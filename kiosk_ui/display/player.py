"""Play rendered announcement WAVs through Kivy's audio (SDL2 mixer): no aplay, no subprocess."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.audio import SoundLoader

logger = logging.getLogger(__name__)


class KivyPlayer:
    """Plays one file at a time; ``done`` fires once, on stop or after the clip's length plus a margin."""

    def __init__(self, *, volume: float = 1.0, margin: float = 1.5) -> None:
        self.volume = volume
        self.margin = margin
        self._sound: Any = None
        self._warned = False

    def play(self, path: Path, seconds: float, done: Callable[[], None]) -> None:
        """Start playing ``path`` (main thread); ``done()`` when it has finished."""
        finished = False

        def finish(*_args: object) -> None:
            nonlocal finished
            if finished:
                return
            finished = True
            guard.cancel()
            sound, self._sound = self._sound, None
            if sound is not None:
                sound.unbind(on_stop=finish)
                sound.unload()
            done()

        # A watchdog: an audio device that never reports the end must not silence every later call.
        guard = Clock.schedule_once(finish, seconds + self.margin)
        sound = SoundLoader.load(str(path))
        if sound is None:
            if not self._warned:
                logger.warning("no audio output can play %s; announcements are shown only", path)
                self._warned = True
            Clock.schedule_once(finish, 0)
            return
        self._warned = False
        self._sound = sound
        sound.volume = self.volume
        sound.bind(on_stop=finish)
        sound.play()


class NullPlayer:
    """Plays nothing, taking the clip's length (for muted or audio-less displays and tests)."""

    def play(self, path: Path, seconds: float, done: Callable[[], None]) -> None:
        """Call ``done()`` after ``seconds``."""
        Clock.schedule_once(lambda _dt: done(), seconds)
