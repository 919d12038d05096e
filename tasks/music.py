"""compose_music: a music brief (the genre's mood, key, tempo, instruments) at the story's length ->
music.wav (44.1 kHz stereo). The length is the timeline's, which the flow computes from the narration."""

from __future__ import annotations

import model_registry
from core.audio import write_wav
from core.contracts import Artifact, MusicBrief, as_json
from tasks.artifacts import new_artifact, stage_task


def _depends_on(brief: MusicBrief, seconds: float, seed: int, model: str | None = None) -> dict:
    return {"brief": as_json(brief), "seconds": seconds, "seed": seed,
            "model": model_registry.identity("music", model)}


@stage_task("compose_music", _depends_on, run_name="compose_music")
def compose_music(brief: MusicBrief, seconds: float, seed: int, model: str | None = None) -> Artifact:
    composer = model_registry.get("music", model)
    samples = composer.compose(seconds=seconds, tempo=brief.bpm, mode=brief.mode, key=brief.key,
                               instruments=list(brief.instruments), seed=seed)
    with new_artifact("compose_music") as out:
        write_wav(out.path("music.wav"), samples, composer.sample_rate)
        return out.commit(seconds=seconds, sample_rate=composer.sample_rate)
