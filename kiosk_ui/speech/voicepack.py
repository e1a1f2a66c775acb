"""A recorded voice pack: one WAV clip per word or phrase, joined at call time.

Layout of a pack directory: ``pack.json`` = ``{"lang": "vi", "rate": 16000, "gap": 0.06,
"clips": {"mời công dân có số thứ tự": "phrase_moi.wav", "không": "d0.wav", ...}}`` and the WAVs.
Keys are NFC, lower case. A segment is looked up whole first, then word by word.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np

from kiosk_ui.speech.wavtools import Samples, read_wav, resample, silence


class MissingClip(LookupError):
    """The pack has no clip for a word of the announcement."""


def clip_key(text: str) -> str:
    """Normalised lookup key of a word or phrase."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class VoicePack:
    """Clips of one language loaded into memory once; ``speak`` joins them with short gaps."""

    def __init__(self, directory: Path) -> None:
        manifest = json.loads((directory / "pack.json").read_text(encoding="utf-8"))
        self.directory = directory
        self.lang: str = manifest.get("lang", "vi")
        self.rate: int = int(manifest.get("rate", 16000))
        self.gap: float = float(manifest.get("gap", 0.06))
        self.phrase_gap: float = float(manifest.get("phrase_gap", 0.18))
        self._files: dict[str, str] = {clip_key(key): name for key, name in manifest["clips"].items()}
        self._clips: dict[str, Samples] = {}

    def has(self, text: str) -> bool:
        """True when ``text`` is a clip of the pack."""
        return clip_key(text) in self._files

    def clip(self, text: str) -> Samples:
        """Samples of one clip at the pack rate (cached after the first use)."""
        key = clip_key(text)
        cached = self._clips.get(key)
        if cached is not None:
            return cached
        name = self._files.get(key)
        if name is None:
            raise MissingClip(text)
        rate, samples = read_wav(self.directory / name)
        samples = resample(samples, rate, self.rate)
        self._clips[key] = samples
        return samples

    def preload(self) -> None:
        """Load every clip now (the fixed parts are then ready before the first call)."""
        for key in self._files:
            self.clip(key)

    def words_for(self, segment: str) -> list[str]:
        """The clips that speak ``segment``: itself, or its words; MissingClip if any is absent."""
        if self.has(segment):
            return [segment]
        words = segment.split()
        missing = [word for word in words if not self.has(word)]
        if missing:
            raise MissingClip(", ".join(missing))
        return words

    def speak(self, segments: list[str]) -> Samples:
        """Join the clips of ``segments``: a short gap between words, a longer one between segments."""
        parts: list[Samples] = []
        for index, segment in enumerate(segments):
            if index:
                parts.append(silence(self.rate, self.phrase_gap))
            for position, word in enumerate(self.words_for(segment)):
                if position:
                    parts.append(silence(self.rate, self.gap))
                parts.append(self.clip(word))
        return np.concatenate(parts) if parts else silence(self.rate, 0.1)
