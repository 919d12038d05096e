"""illustrate: one sentence, its shot (tasks/shots.py), the story bible and the genre style -> picture.png at a
quarter of the frame size (meta: the assets the painter drew). Cached by the sentence, its shot, the bible,
the size, the seed and the painter."""

from __future__ import annotations

import model_registry
from tasks.artifacts import Artifact, new_artifact, stage_task
from tasks.shots import read_shots
from tasks.story import Story


def _depends_on(story: Story, shots: Artifact, index: int, size: tuple[int, int], seed: int,
                model: str | None = None) -> dict:
    return {"text": story.sentences[index], "shot": read_shots(shots)[index], "bible": story.bible,
            "size": list(size), "seed": seed, "model": model_registry.identity("illustrate", model)}


@stage_task("illustrate", _depends_on, run_name="illustrate-{index}")
def illustrate(story: Story, shots: Artifact, index: int, size: tuple[int, int], seed: int,
               model: str | None = None) -> Artifact:
    painter = model_registry.get("illustrate", model)
    image = painter.paint(text=story.sentences[index], bible=story.bible, width=size[0], height=size[1], seed=seed,
                          shot=read_shots(shots)[index])
    with new_artifact("illustrate") as out:
        image.save(out.path("picture.png"), optimize=False)
        return out.commit(width=image.width, height=image.height, assets=list(image.info.get("assets", ())))
