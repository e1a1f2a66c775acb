"""Rendered announcements: real audio, plausible length, never silent; the shipped assets are sane."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk_ui.core.announce import CallInfo
from kiosk_ui.settings import DEFAULT_VOICE_PACK, DisplaySettings
from kiosk_ui.speech.assets_build import NUMBER_WORDS, chime
from kiosk_ui.speech.render import CHIME, build_renderer
from kiosk_ui.speech.voicepack import VoicePack
from kiosk_ui.speech.wavtools import read_wav, rms

CALL = CallInfo(12, "B012", "5", "Quầy 5", "Hộ tịch", 0, datetime.now(UTC))
RMS_FLOOR = 500.0  # full scale 32768; espeak speech sits around 3000-4000


def loudness_windows(samples, rate: int, window: float = 0.5) -> list[float]:  # type: ignore[no-untyped-def]
    size = int(rate * window)
    return [rms(samples[i : i + size]) for i in range(0, len(samples) - size, size)]


@pytest.mark.parametrize(
    ("voice", "langs", "low", "high"),
    [("espeak", ["vi"], 4.0, 9.0), ("pack", ["vi"], 4.0, 10.0), ("espeak", ["vi", "en"], 8.0, 16.0)],
)
def test_announcement_wav_is_speech_of_plausible_length(
    tmp_path: Path, voice: str, langs: list[str], low: float, high: float
) -> None:
    renderer = build_renderer(DisplaySettings(voice=voice, announce_langs=langs), out_dir=tmp_path)
    rendered = renderer.render(CALL)
    rate, samples = read_wav(rendered.path)
    seconds = len(samples) / rate
    assert low < seconds < high and abs(seconds - rendered.seconds) < 0.01
    assert rms(samples) > RMS_FLOOR
    windows = loudness_windows(samples, rate)
    assert sum(level > RMS_FLOOR for level in windows) >= 0.6 * len(windows)  # speech all along, no dead gap
    assert rendered.engine == "+".join([voice if voice == "pack" and lang == "vi" else "espeak" for lang in langs])


def test_voice_pack_falls_back_to_espeak_for_a_word_it_lacks(tmp_path: Path) -> None:
    settings = DisplaySettings(voice="pack", counter_names={"5": "Tiếp nhận hồ sơ"})
    rendered = build_renderer(settings, out_dir=tmp_path).render(CALL)
    assert rendered.engine == "espeak"
    assert rms(read_wav(rendered.path)[1]) > RMS_FLOOR


def test_shipped_chime_and_voice_pack_are_small_and_complete() -> None:
    rate, samples = read_wav(CHIME)
    assert 0.8 < len(samples) / rate < 1.5 and rms(samples) > 1000
    assert len(chime()) == len(samples)
    pack = VoicePack(DEFAULT_VOICE_PACK)
    manifest = json.loads((DEFAULT_VOICE_PACK / "pack.json").read_text(encoding="utf-8"))
    assert pack.rate == 16000 and all(pack.has(word) for word in NUMBER_WORDS)
    total = sum(path.stat().st_size for path in DEFAULT_VOICE_PACK.glob("*.wav"))
    assert total < 2 * 1024 * 1024
    for name in manifest["clips"].values():
        clip_rate, clip = read_wav(DEFAULT_VOICE_PACK / name)
        assert clip_rate == 16000 and 0.1 < len(clip) / clip_rate < 3.0 and rms(clip) > RMS_FLOOR, name
