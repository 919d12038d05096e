"""The soundtrack: narration on top of the music, which is ducked while someone speaks and faded at both
ends; the whole mix at -16 LUFS with peaks below -1 dBFS."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.audio import normalise_loudness, read_wav, resample
from core.contracts import Timeline

MIX_RATE = 44_100
MUSIC_LUFS = -22.0  # the bed between sentences; narration sits at -18 LUFS
DUCK = 0.4  # music gain while someone speaks (-8 dB)
FINAL_LUFS = -16.0


def mix(speech: list[Path], music: Path, timeline: Timeline) -> np.ndarray:
    """Each sentence's voice at its cue over the music, as float32 stereo at MIX_RATE."""
    total = timeline.total
    length = int(round(total * MIX_RATE))
    score, rate = read_wav(music)
    score = np.stack([resample(score[:, c], rate, MIX_RATE) for c in range(score.shape[1])], axis=1)
    out = np.zeros((length, 2), np.float32)
    out[: min(length, len(score))] = normalise_loudness(score, MIX_RATE, MUSIC_LUFS)[:length]
    gain = np.ones(length, np.float32)
    voice = np.zeros(length, np.float32)
    ramp = int(0.25 * MIX_RATE)
    for path, cue in zip(speech, timeline.cues):
        samples, rate = read_wav(path)
        samples = resample(samples, rate, MIX_RATE)
        start = int(round(cue.voice_start * MIX_RATE))
        end = min(length, start + len(samples))
        voice[start:end] += samples[: end - start]
        gain[max(0, start - ramp // 2): min(length, end + ramp // 2)] = DUCK
    smooth = _moving_average(gain, ramp)  # no clicks at the ducks
    t = np.arange(length, dtype=np.float32) / MIX_RATE
    fades = np.clip(np.minimum(t / 1.0, (total - t) / 1.5), 0, 1)
    return normalise_loudness(out * (smooth * fades)[:, None] + voice[:, None], MIX_RATE, FINAL_LUFS)


def _moving_average(signal: np.ndarray, width: int) -> np.ndarray:
    """`signal` averaged over a centred window of `width` samples (the ends see fewer): a running sum, so
    minutes of audio take milliseconds, not the seconds a convolution does."""
    sums = np.concatenate([[0.0], np.cumsum(signal, dtype=np.float64)])
    index = np.arange(len(signal))
    low, high = np.clip(index - width // 2, 0, len(signal)), np.clip(index + (width - width // 2), 0, len(signal))
    return ((sums[high] - sums[low]) / width).astype(np.float32)
