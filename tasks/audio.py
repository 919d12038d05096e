"""WAV in and out, and the small signal operations stages share (trim, level, resample)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """16-bit PCM; `samples` is float in [-1, 1], shape (n,) or (n, channels)."""
    data = np.clip(samples, -1.0, 1.0)
    pcm = (data * 32767).round().astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.tobytes())


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    samples = pcm.astype(np.float32) / 32767
    return (samples if channels == 1 else samples.reshape(-1, channels)), rate


def trim_silence(samples: np.ndarray, sample_rate: int, pad_seconds: float = 0.05, floor: float = 0.01) -> np.ndarray:
    """Cut leading and trailing silence, keeping a fixed pad so every sentence starts alike."""
    loud = np.flatnonzero(np.abs(samples) > floor)
    if loud.size == 0:
        return samples[:0]
    pad = int(pad_seconds * sample_rate)
    return samples[max(0, loud[0] - pad) : loud[-1] + pad]


def normalise_rms(samples: np.ndarray, target_dbfs: float = -20.0) -> np.ndarray:
    """Same loudness for every sentence (peak-limited so nothing clips)."""
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    if rms == 0.0:
        return samples
    gain = 10 ** (target_dbfs / 20) / rms
    gain = min(gain, 0.98 / float(np.abs(samples).max()))
    return (samples * gain).astype(np.float32)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear-interpolation resampling (speech to the mix rate; good enough under music)."""
    if rate == target or samples.size == 0:
        return samples
    positions = np.arange(int(len(samples) * target / rate)) * rate / target
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
