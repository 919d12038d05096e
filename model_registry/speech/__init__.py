"""Voices that narrate (Piper, command-line engines) and the Whisper judge that listens to them.

    voice.speak(text, pace=1.0) -> (float32 samples, sample rate)     # a `Voice`
    judge.transcribe(samples, rate, language) -> (text heard, timed words)   # a `Judge`
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Voice(Protocol):
    def speak(self, text: str, pace: float = 1.0) -> tuple[np.ndarray, int]:
        """`text` spoken (`pace` above 1 is slower), as mono float32 samples and their rate."""
        ...


class Judge(Protocol):
    def transcribe(self, samples: np.ndarray, sample_rate: int, language: str = "en") -> tuple[str, list]: ...
