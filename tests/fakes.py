"""Fake and counting backends for the wiring tests, registered into the catalogue by the `fakes` fixture.

Real backends have their own tests (test_backends.py and the stage tests); nothing here is on a path a
user runs.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from model_registry.catalogue import Entry
from model_registry.music.mood_chords import MoodChords
from model_registry.pictures.lanczos import LanczosUpscaler
from model_registry.pictures.palette import PalettePainter
from model_registry.text.base import TextModel

CALLS: Counter = Counter()  # backend calls, by "stage" and by "stage:text"; loads of the writer, "text:loads"
FAIL: dict[str, int] = {}  # sentence text -> how many more times the fake voice fails on it


class FakeWriter(TextModel):
    """A deterministic 'language model' behind the real writer's interface: sentences about a hero (in
    Russian when asked in Russian) and the story's description; version 2 edits sentence 2 (and so its
    picture: it is dawn there)."""

    def __init__(self, entry: Entry):
        super().__init__(entry)
        CALLS["text:loads"] += 1

    def _stream(self, messages, *, seed, max_new_tokens, temperature, top_p, take) -> None:
        CALLS["text"] += 1
        for word in self.reply(messages[-1]["content"]).split(" "):
            if take(word + " "):
                return

    def reply(self, request: str) -> str:
        if "Hero:" in request:
            return "Title: The Test Story\nHero: a brave fox in a red scarf\nSetting: a quiet village"
        if "Герой:" in request:
            return "Название: Тестовая история\nГерой: смелая лиса в красном шарфе\nМесто: тихая деревня"
        if "ровно" in request:
            count = int(request.split("ровно в ")[1].split()[0])
            return "Название: Тестовая история\n" + " ".join(
                f"Потом герой шёл {'далеко ' * (i + 1)}под луной." for i in range(count))
        count = int(request.split("exactly ")[1].split()[0])
        edited = self.entry.version == "2"
        lines = [f"Then the hero walked {'far ' * (i + 1)}under the moon." for i in range(count)]
        if edited and count > 1:
            lines[1] = "Meanwhile the hero walked far at dawn."
        return "Title: The Test Story\n" + " ".join(lines)


class FakeVoice:
    sample_rate = 16_000

    def __init__(self, entry: Entry):
        self.entry = entry

    def speak(self, text: str, pace: float = 1.0):
        CALLS["tts"] += 1
        CALLS[f"tts:{text}"] += 1
        if FAIL.get(text, 0) > 0:
            FAIL[text] -= 1
            raise RuntimeError("the fake voice failed on purpose")
        seconds = 0.05 * len(text) * pace
        t = np.arange(int(seconds * self.sample_rate)) / self.sample_rate
        return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), self.sample_rate


def counting(base: type, stage: str, method: str) -> type:
    """A real backend whose calls are counted (so 'no model ran' can be asserted)."""

    def call(self, *args, **kwargs):
        CALLS[stage] += 1
        return getattr(base, method)(self, *args, **kwargs)

    return type(f"Counting{base.__name__}", (base,), {method: call})


FAKES = [
    Entry(stage="text", name="fake-writer", adapter=FakeWriter, languages=("en", "ru")),
    Entry(stage="tts", name="fake-voice", adapter=FakeVoice, languages=("en",)),
    Entry(stage="illustrate", name="counting-painter", adapter=counting(PalettePainter, "illustrate", "paint")),
    Entry(stage="upscale", name="counting-lanczos", adapter=counting(LanczosUpscaler, "upscale", "upscale"),
          options={"scale": 4}),
    Entry(stage="music", name="counting-chords", adapter=counting(MoodChords, "music", "compose")),
]
FAKE_MODELS = {"text": "fake-writer", "illustrate": "counting-painter", "upscale": "counting-lanczos",
               "music": "counting-chords"}
# Real backends that load in seconds, for tests that run stories in other processes (no fakes there).
CHEAP_MODELS = {"text": "smollm2-135m", "music": "mood-chords", "illustrate": "palette-painter",
                "upscale": "lanczos-x4"}
