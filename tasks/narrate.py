"""narrate: one sentence -> speech.wav (read as words, trimmed, loudness-matched) and its exact duration.

A voice that reads stress marks gets them (festival-ru-stressed: silero-stress's за+мок, зам+ок). With
`check=True`, an offline Whisper judge of the story's language (tiny.en for English, the multilingual base
for Russian) listens to the take: above a word error rate of WER_LIMIT the sentence is spoken again more
slowly and the clearer take is kept; the word error rate and how far the heard words sit from the subtitle
cue's edges are recorded in the artifact's meta.
"""

from __future__ import annotations

import numpy as np

import model_registry
from core.audio import normalise_loudness, trim_silence, write_wav
from core.contracts import Artifact, Story
from tasks.artifacts import new_artifact, stage_task
from tasks.narration.judge import word_error_rate
from tasks.narration.spoken import for_speech
from tasks.request import BadRequest

SENTENCE_LUFS = -18.0  # every sentence at one loudness, so the mix can sit music under all of them alike
PAD_SECONDS = 0.05  # silence kept before and after the voice (the cue starts with the file)
WER_LIMIT = 0.25
SLOWER = 1.15


def speak(text: str, voice: str, language: str = "en", pace: float = 1.0) -> tuple[np.ndarray, int]:
    """The plain function: normalise the text, synthesise, trim silence to a fixed pad, match loudness."""
    spoken = for_speech(text, language)
    if not spoken:
        raise BadRequest(f"nothing to say in {text!r}")
    if stress := model_registry.entry("tts", voice).options.get("stress"):
        spoken = model_registry.get("stress", stress).mark(spoken)  # the voice reads the marks
    backend = model_registry.get("tts", voice)
    samples, rate = backend.speak(spoken, pace=pace)
    samples = trim_silence(samples, rate, pad_seconds=PAD_SECONDS)
    if samples.size == 0:
        raise RuntimeError(f"voice {voice} produced no audio for {text!r}")
    return normalise_loudness(samples, rate, SENTENCE_LUFS), rate


def judge_for(language: str) -> str | None:
    """The narration judge that hears `language`: the default if it does, else the first that does."""
    judge = _for_language("asr", language)
    return judge.name if judge else None


def judged_speech(text: str, voice: str, language: str) -> tuple[np.ndarray, int, dict]:
    """Speak, let Whisper listen, speak again more slowly if it misheard; (samples, rate, quality)."""
    judge = model_registry.get("asr", judge_for(language))
    reference = for_speech(text, language)
    takes = []
    for pace in (1.0, SLOWER):
        samples, rate = speak(text, voice, language, pace)
        heard, words = judge.transcribe(samples, rate, language)
        takes.append((word_error_rate(reference, for_speech(heard, language)), pace, samples, heard, words))
        if takes[-1][0] <= WER_LIMIT:
            break
    wer, pace, samples, heard, words = min(takes, key=lambda take: take[0])
    duration = len(samples) / rate
    sync = [abs(words[0].start - PAD_SECONDS), abs(duration - PAD_SECONDS - words[-1].end)] if words else []
    quality = {"word_error_rate": round(wer, 3), "heard": heard, "takes": len(takes), "pace": pace,
               "subtitle_sync_error": round(float(np.mean(sync)), 3) if sync else None,
               "tried": [{"pace": p, "seconds": round(len(s) / rate, 3), "word_error_rate": round(w, 3)}
                         for w, p, s, _, _ in takes]}
    return samples, rate, quality


def _depends_on(story: Story, index: int, voice: str, check: bool = False) -> dict:
    stress = model_registry.entry("tts", voice).options.get("stress")
    judge = judge_for(story.language) if check else None
    return {"text": story.sentences[index], "language": story.language, "voice": model_registry.identity("tts", voice),
            "stress": model_registry.identity("stress", stress) if stress else None,
            "check": model_registry.identity("asr", judge) if judge else None}


@stage_task("narrate", _depends_on, run_name="narrate-{index}")
def narrate(story: Story, index: int, voice: str, check: bool = False) -> Artifact:
    if check and judge_for(story.language):
        samples, rate, quality = judged_speech(story.sentences[index], voice, story.language)
    else:
        (samples, rate), quality = speak(story.sentences[index], voice, story.language), None
    with new_artifact("narrate") as out:
        write_wav(out.path("speech.wav"), samples, rate, bits=24)
        return out.commit(duration=round(len(samples) / rate, 6), sample_rate=rate, quality=quality)


def voice_for(language: str) -> str:
    """The default voice for a language: the catalogue's default tts if it speaks it, else the first that does."""
    voice = _for_language("tts", language)
    if voice is None:
        raise model_registry.ModelUnavailable(f"no voice speaks {language!r}")
    return voice.name


def _for_language(stage: str, language: str):
    """The stage's catalogue default if it handles `language`, else the first entry that does (None: none)."""
    handling = [e for e in model_registry.entries(stage) if language in e.languages]
    return sorted(handling, key=lambda e: not e.default)[0] if handling else None
