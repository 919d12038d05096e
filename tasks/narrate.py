"""narrate: one sentence -> speech.wav (read as words, trimmed, loudness-matched) and its exact duration."""

from __future__ import annotations

import numpy as np

import model_registry
from tasks.artifacts import Artifact, new_artifact, stage_task
from tasks.audio import normalise_loudness, trim_silence, write_wav
from tasks.request import BadRequest
from tasks.speech_text import for_speech
from tasks.story import Story

CODE_VERSION = "2"
SENTENCE_LUFS = -18.0  # every sentence at one loudness, so the mix can sit music under all of them alike


def speak(text: str, voice: str, language: str = "en") -> tuple[np.ndarray, int]:
    """The plain function: normalise the text, synthesise, trim silence to a fixed pad, match loudness."""
    spoken = for_speech(text, language)
    if not spoken:
        raise BadRequest(f"nothing to say in {text!r}")
    samples, rate = model_registry.get("tts", voice).speak(spoken)
    samples = trim_silence(samples, rate)
    if samples.size == 0:
        raise RuntimeError(f"voice {voice} produced no audio for {text!r}")
    return normalise_loudness(samples, rate, SENTENCE_LUFS), rate


def _depends_on(story: Story, index: int, voice: str) -> dict:
    return {"text": story.sentences[index], "language": story.language, "voice": model_registry.identity("tts", voice)}


@stage_task("narrate", CODE_VERSION, _depends_on, run_name="narrate-{index}")
def narrate(story: Story, index: int, voice: str) -> Artifact:
    samples, rate = speak(story.sentences[index], voice, story.language)
    with new_artifact("narrate") as out:
        write_wav(out.path("speech.wav"), samples, rate, bits=24)
        return out.commit(duration=round(len(samples) / rate, 6), sample_rate=rate)


def voice_for(language: str) -> str:
    """The default voice for a language: the catalogue's default tts if it speaks it, else the first that does."""
    voices = [e for e in model_registry.entries("tts") if language in e.languages]
    if not voices:
        raise model_registry.ModelUnavailable(f"no voice speaks {language!r}")
    return sorted(voices, key=lambda e: not e.default)[0].name
