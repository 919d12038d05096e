"""Voices that are command-line programs from apt: the text goes to stdin, a WAV comes back on stdout.

One adapter serves espeak-ng (formant synthesis, ~130 languages) and Festival (`festvox-ru`, a Russian
unit-selection voice); the catalogue entry's `command` option is the argument list. Text never becomes
part of a command line, so nothing a story says can be interpreted by a shell or as an option.
"""

from __future__ import annotations

import subprocess

import numpy as np

from core.audio import read_wav
from model_registry.catalogue import Entry


class CommandTTS:
    """`speak(text)` -> (mono float32 samples in [-1, 1], sample rate). Deterministic."""

    def __init__(self, entry: Entry):
        self.entry = entry
        self.command = [str(part) for part in entry.options["command"]]

    def speak(self, text: str, pace: float = 1.0) -> tuple[np.ndarray, int]:
        """`pace` is accepted for the common voice interface; these engines keep their configured speed."""
        result = subprocess.run(self.command, input=text.encode("utf-8"), capture_output=True, check=True,
                                timeout=120)
        samples, rate = read_wav(result.stdout)
        return (samples if samples.ndim == 1 else samples.mean(axis=1)), rate
