"""WAV in and out, and the small signal operations stages share (trim, loudness, resample)."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np


def write_wav(path: Path, samples: np.ndarray, sample_rate: int, bits: int = 16) -> None:
    """16- or 24-bit PCM; `samples` is float in [-1, 1], shape (n,) or (n, channels)."""
    full_scale = 2 ** (bits - 1) - 1
    pcm = (np.clip(samples, -1.0, 1.0) * full_scale).round().astype("<i4")
    if bits == 16:
        frames = pcm.astype("<i2").tobytes()
    elif bits == 24:  # the low three bytes of each little-endian int32
        frames = pcm.reshape(-1, 1).view(np.uint8)[:, :3].tobytes()
    else:
        raise ValueError(f"unsupported sample width: {bits} bits")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1 if pcm.ndim == 1 else pcm.shape[1])
        wav.setsampwidth(bits // 8)
        wav.setframerate(sample_rate)
        wav.writeframes(frames)


def read_wav(source: Path | bytes) -> tuple[np.ndarray, int]:
    """Float32 samples in [-1, 1] (shape (n,) or (n, channels)) from 16- or 24-bit PCM, and the rate.

    `source` is a file or a WAV's bytes. Bytes are read to their end: a WAV written to a pipe has
    placeholders (0 or 2^31) in its header's length fields.
    """
    with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source)) as wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        frames = wav.readframes(wav.getnframes()) if not isinstance(source, bytes) else \
            source[source.index(b"data", 12) + 8:]
    frame_bytes = width * channels
    raw = np.frombuffer(frames[: len(frames) // frame_bytes * frame_bytes], dtype=np.uint8)
    path = "<bytes>" if isinstance(source, bytes) else source
    if width == 2:
        samples = raw.view("<i2").astype(np.float32) / 32767
    elif width == 3:  # sign-extend three bytes into an int32
        padded = np.zeros((len(raw) // 3, 4), np.uint8)
        padded[:, 1:] = raw.reshape(-1, 3)
        samples = (padded.view("<i4")[:, 0] >> 8).astype(np.float32) / 8388607
    else:
        raise ValueError(f"{path}: unsupported sample width {width * 8} bits")
    return (samples if channels == 1 else samples.reshape(-1, channels)), rate


def trim_silence(samples: np.ndarray, sample_rate: int, pad_seconds: float = 0.05, floor: float = 0.01) -> np.ndarray:
    """Cut leading and trailing silence, keeping a fixed pad so every sentence starts alike."""
    loud = np.flatnonzero(np.abs(samples) > floor)
    if loud.size == 0:
        return samples[:0]
    pad = int(pad_seconds * sample_rate)
    return samples[max(0, loud[0] - pad) : loud[-1] + pad]


def loudness(samples: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770 via pyloudnorm); -inf for silence.

    BS.1770 needs at least one 400 ms block, so shorter clips are measured repeated end to end, which
    leaves their loudness unchanged.
    """
    import pyloudnorm

    if samples.size == 0 or not np.any(samples):
        return float("-inf")
    minimum = int(0.4 * sample_rate) + 1
    if len(samples) < minimum:
        samples = np.concatenate([samples] * (minimum // len(samples) + 1))
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(samples.astype(np.float64)))


def normalise_loudness(samples: np.ndarray, sample_rate: int, target_lufs: float = -18.0,
                       ceiling: float = 0.89) -> np.ndarray:
    """Gain to `target_lufs`; peaks that would pass `ceiling` (-1 dBFS) are softly limited instead.

    Neural TTS output is often already peak-normalised, so a plain peak-capped gain would leave quiet
    sentences quieter than loud ones. Two rounds of gain + soft limiting land within a fraction of a dB.
    """
    for _ in range(2):
        measured = loudness(samples, sample_rate)
        if not np.isfinite(measured):
            return samples
        samples = soft_limit(samples * 10 ** ((target_lufs - measured) / 20), ceiling)
    return samples.astype(np.float32)


def soft_limit(samples: np.ndarray, ceiling: float = 0.89, knee: float = 0.6) -> np.ndarray:
    """Leave |x| <= knee alone; bend louder samples smoothly (tanh) so they never exceed `ceiling`."""
    magnitude = np.abs(samples)
    loud = magnitude > knee
    bent = knee + (ceiling - knee) * np.tanh((magnitude[loud] - knee) / (ceiling - knee))
    out = samples.astype(np.float32).copy()
    out[loud] = np.sign(samples[loud]) * bent
    return out


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Linear-interpolation resampling (speech to the mix rate; good enough under music)."""
    if rate == target or samples.size == 0:
        return samples
    positions = np.arange(int(len(samples) * target / rate)) * rate / target
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
