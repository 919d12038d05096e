"""espeak-ng (apt) voices: formant synthesis, robotic but clear, ~130 languages incl. Russian."""

from __future__ import annotations

import io
import subprocess
import wave

import numpy as np

from model_registry.catalogue import Entry


class EspeakTTS:
    """`speak(text)` -> (mono float32 samples in [-1, 1], sample rate). Deterministic."""

    def __init__(self, entry: Entry):
        self.entry = entry
        self.voice = entry.options.get("voice", "en-us")
        self.words_per_minute = str(entry.options.get("speed", 150))

    def speak(self, text: str) -> tuple[np.ndarray, int]:
        # An argument list, never a shell string: the text is user-controlled.
        result = subprocess.run(
            ["espeak-ng", "-v", self.voice, "-s", self.words_per_minute, "--stdout", "--", text],
            capture_output=True, check=True, timeout=120,
        )
        with wave.open(io.BytesIO(result.stdout)) as wav:
            rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0, rate
