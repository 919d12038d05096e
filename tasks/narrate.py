"""narrate: one sentence -> speech.wav (trimmed, level-matched) and its exact duration."""

from __future__ import annotations

import numpy as np

import model_registry
from tasks.artifacts import Artifact, new_artifact, stage_task
from tasks.audio import normalise_rms, trim_silence, write_wav
from tasks.story import Story

CODE_VERSION = "1"


def speak(text: str, voice: str) -> tuple[np.ndarray, int]:
    """The plain function: synthesise, trim silence to a fixed pad, match loudness."""
    samples, rate = model_registry.get("tts", voice).speak(text)
    if samples.size == 0:
        raise RuntimeError(f"voice {voice} produced no audio for {text!r}")
    return normalise_rms(trim_silence(samples, rate)), rate


def _depends_on(story: Story, index: int, voice: str) -> dict:
    return {"text": story.sentences[index], "voice": model_registry.identity("tts", voice)}


@stage_task("narrate", CODE_VERSION, _depends_on, run_name="narrate-{index}")
def narrate(story: Story, index: int, voice: str) -> Artifact:
    samples, rate = speak(story.sentences[index], voice)
    with new_artifact("narrate") as out:
        write_wav(out.path("speech.wav"), samples, rate)
        return out.commit(duration=round(len(samples) / rate, 6), sample_rate=rate)


def voice_for(language: str) -> str:
    """The default voice for a language: the catalogue's default tts if it speaks it, else the first that does."""
    voices = [e for e in model_registry.entries("tts") if language in e.languages]
    if not voices:
        raise model_registry.ModelUnavailable(f"no voice speaks {language!r}")
    return sorted(voices, key=lambda e: not e.default)[0].name
