"""Rule-based mood composer: a chord progression in the mood's key, mode and tempo, synthesised in numpy.

Instant and deterministic; pad chords, a walking bass and a seeded arpeggio with fixed synthetic
timbres (the preset's instruments are ignored). It is the fast, explicit backend for tests.
"""

from __future__ import annotations

import numpy as np

from model_registry.catalogue import Entry
from model_registry.music.theory import PROGRESSIONS, SAMPLE_RATE, finish, triad


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def _tone(freq: float, seconds: float, attack: float, release: float, harmonics: int) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = sum(np.sin(2 * np.pi * freq * k * t) / k**1.5 for k in range(1, harmonics + 1))
    envelope = np.minimum(1.0, t / attack) * np.minimum(1.0, (seconds - t) / release).clip(0)
    return (wave * envelope).astype(np.float32)


class MoodChords:
    sample_rate = SAMPLE_RATE

    def __init__(self, entry: Entry):
        self.entry = entry

    def compose(self, *, seconds: float, tempo: float, mode: str, key: str, instruments: list[str],
                seed: int) -> np.ndarray:
        """Stereo float32 samples, exactly `seconds` long, faded in and out."""
        rng = np.random.default_rng(seed)
        beat = 60.0 / tempo
        total = int(seconds * SAMPLE_RATE)
        left, right = np.zeros(total, np.float32), np.zeros(total, np.float32)

        def place(signal: np.ndarray, start: float, gain: float, pan: float) -> None:
            i = int(start * SAMPLE_RATE)
            part = signal[: max(0, total - i)] * gain
            left[i : i + len(part)] += part * (1 - pan)
            right[i : i + len(part)] += part * pan

        bar, bar_start = 0, 0.0
        while bar_start < seconds:
            chord = triad(key, mode, PROGRESSIONS[mode][bar % 4])
            for note in chord:  # pad
                place(_tone(_hz(note + 12), 4 * beat, 0.6 * beat, 1.2 * beat, 3), bar_start, 0.08, 0.5)
            for b in (0, 2):  # bass
                place(_tone(_hz(chord[0] - 12), 2 * beat, 0.02, 0.8 * beat, 4), bar_start + b * beat, 0.16, 0.4)
            for step in range(8):  # arpeggio in eighths
                note = chord[rng.integers(3)] + 24
                place(_tone(_hz(note), beat, 0.01, 0.45 * beat, 2), bar_start + step * beat / 2, 0.05,
                      0.3 + 0.4 * rng.random())
            bar, bar_start = bar + 1, bar_start + 4 * beat

        return finish(np.stack([left, right], axis=1), seconds)
