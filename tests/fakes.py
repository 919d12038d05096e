"""Fake and counting backends for the wiring tests, registered into the catalogue by the `fakes` fixture.

Real backends have their own tests (test_backends.py and the stage tests); nothing here is on a path a
user runs.
"""

from __future__ import annotations

import re
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
    """A deterministic 'language model' behind the real writer's interface: a plan, then sentences about a
    hero (in Russian when asked in Russian); version 2 edits sentence 2 (and so its picture: it is dawn)."""

    def __init__(self, entry: Entry):
        super().__init__(entry)
        CALLS["text:loads"] += 1

    def _stream(self, messages, *, seed, max_new_tokens, temperature, top_p, take, reuse=False) -> None:
        CALLS["text"] += 1
        for word in re.findall(r"\S+\s*", self.reply(messages[-1]["content"])):
            if take(word):
                return

    def reply(self, request: str) -> str:
        if "Wants:" in request:
            return ("Title: The Test Story\nHero: Bo, a brave fox in a red scarf\nSetting: a quiet village\n"
                    "Wants: to walk far\nProblem: the night is long\nTurn: the moon rises\nEnding: Bo walks home")
        if "Хочет:" in request:
            return ("Название: Тестовая история\nГерой: Бо, смелая лиса в красном шарфе\nМесто: тихая деревня\n"
                    "Хочет: уйти далеко\nМешает: ночь длинная\nПоворот: встаёт луна\nКонец: Бо идёт домой")
        if "ровно в" in request:
            count = int(request.split("ровно в ")[1].split()[0])
            return "\n".join(f"{i + 1}. Потом герой шёл {'далеко ' * (i + 1)}под луной." for i in range(count))
        if match := re.search(r"sentences (\d+) to (\d+)|sentence (\d+)", request):  # finish, end or rewrite a story
            return "\n".join(f"{i}. Then the hero walked {'far ' * i}under the moon." for i in _numbers(match))
        if match := re.search(r"предложения с (\d+) по (\d+)|предложение (\d+)", request):
            return "\n".join(f"{i}. Потом Бо шёл {'далеко ' * i}под луной." for i in _numbers(match))
        count = int(request.split("exactly ")[1].split()[0])
        lines = [f"Then the hero walked {'far ' * (i + 1)}under the moon." for i in range(count)]
        if self.entry.version == "2" and count > 1:
            lines[1] = "Meanwhile the hero walked far at dawn."
        return "\n".join(f"{i + 1}. {line}" for i, line in enumerate(lines))


def _numbers(match: re.Match) -> range | list[int]:
    """The sentence numbers a finish ('sentences 3 to 5') or rewrite ('sentence 2') request asks for."""
    start, end, one = match.groups()
    return range(int(start), int(end) + 1) if start else [int(one)]


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
