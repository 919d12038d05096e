"""illustrate: one sentence + the story bible + the genre style -> picture.png at a quarter of the frame size."""

from __future__ import annotations

import model_registry
from tasks.artifacts import Artifact, new_artifact, stage_task
from tasks.story import Story

CODE_VERSION = "2"


def _depends_on(story: Story, index: int, size: tuple[int, int], seed: int, model: str | None = None) -> dict:
    return {"text": story.sentences[index], "bible": story.bible, "size": list(size), "seed": seed,
            "model": model_registry.identity("illustrate", model)}


@stage_task("illustrate", CODE_VERSION, _depends_on, run_name="illustrate-{index}")
def illustrate(story: Story, index: int, size: tuple[int, int], seed: int, model: str | None = None) -> Artifact:
    painter = model_registry.get("illustrate", model)
    image = painter.paint(text=story.sentences[index], bible=story.bible, width=size[0], height=size[1], seed=seed)
    with new_artifact("illustrate") as out:
        image.save(out.path("picture.png"), optimize=False)
        return out.commit(width=image.width, height=image.height)
