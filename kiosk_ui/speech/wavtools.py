"""Mono 16-bit PCM in and out of WAV files with the standard ``wave`` module, and small DSP helpers."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16]


def read_wav(path: Path | str) -> tuple[int, Samples]:
    """Read a 16-bit PCM WAV as (rate, mono samples); stereo is averaged to mono."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM is supported")
        rate, channels = wav.getframerate(), wav.getnchannels()
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return rate, data.astype(np.int16)


def write_wav(path: Path | str, rate: int, samples: Samples) -> None:
    """Write mono 16-bit PCM samples."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())


def resample(samples: Samples, rate: int, target: int) -> Samples:
    """Linear-interpolation resampling (good enough for speech and a chime)."""
    if rate == target or samples.size == 0:
        return samples
    count = max(1, round(samples.size * target / rate))
    positions = np.linspace(0, samples.size - 1, count)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.int16)


def silence(rate: int, seconds: float) -> Samples:
    """``seconds`` of silence."""
    return np.zeros(round(rate * seconds), dtype=np.int16)


def trim(samples: Samples, rate: int, *, threshold: int = 300, keep: float = 0.01) -> Samples:
    """Cut leading and trailing silence, keeping ``keep`` seconds of margin."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > threshold)
    if loud.size == 0:
        return samples[:0]
    margin = round(rate * keep)
    return samples[max(0, loud[0] - margin) : loud[-1] + margin + 1]


def rms(samples: Samples) -> float:
    """Root mean square level of the samples (full scale 32768)."""
    if samples.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
