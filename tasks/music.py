"""compose_music: the genre's mood at the story's length -> music.wav (44.1 kHz stereo)."""

from __future__ import annotations

import model_registry
from core.audio import write_wav
from tasks import timeline
from tasks.artifacts import Artifact, new_artifact, stage_task


def target_seconds(narrations: list[Artifact]) -> float:
    return timeline.plan([n.meta["duration"] for n in narrations])[1]


def _depends_on(mood: dict, narrations: list[Artifact], seed: int, model: str | None = None) -> dict:
    return {"mood": mood, "seconds": target_seconds(narrations), "seed": seed,
            "model": model_registry.identity("music", model)}


@stage_task("compose_music", _depends_on, run_name="compose_music")
def compose_music(mood: dict, narrations: list[Artifact], seed: int, model: str | None = None) -> Artifact:
    """`mood` is the genre preset's music table; the length follows the narration."""
    composer = model_registry.get("music", model)
    low, high = mood["tempo"]
    seconds = target_seconds(narrations)
    samples = composer.compose(seconds=seconds, tempo=(low + high) / 2, mode=mood["mode"], key=mood["key"],
                               instruments=list(mood.get("instruments", [])), seed=seed)
    with new_artifact("compose_music") as out:
        write_wav(out.path("music.wav"), samples, composer.sample_rate)
        return out.commit(seconds=seconds, sample_rate=composer.sample_rate)
