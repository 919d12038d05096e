"""illustrate: one sentence, its shot (plan_shots), the story's bible and look -> picture.png at the frame
size divided by the upscaler's scale (meta: the assets the painter drew). Cached by the sentence, its
shot, the bible, the look, the size, the seed and the painter."""

from __future__ import annotations

import model_registry
from core.contracts import Artifact, Story, as_json
from tasks.artifacts import new_artifact, stage_task
from tasks.shots import read_shots


def _depends_on(story: Story, shots: Artifact, index: int, size: tuple[int, int], seed: int,
                model: str | None = None) -> dict:
    return {"text": story.sentences[index], "shot": as_json(read_shots(shots)[index]),
            "bible": as_json(story.bible), "look": as_json(story.look), "size": list(size), "seed": seed,
            "model": model_registry.identity("illustrate", model)}


@stage_task("illustrate", _depends_on, run_name="illustrate-{index}")
def illustrate(story: Story, shots: Artifact, index: int, size: tuple[int, int], seed: int,
               model: str | None = None) -> Artifact:
    painter = model_registry.get("illustrate", model)
    image = painter.paint(text=story.sentences[index], bible=story.bible, look=story.look,
                          shot=read_shots(shots)[index], size=size, seed=seed)
    with new_artifact("illustrate") as out:
        image.save(out.path("picture.png"), optimize=False)
        return out.commit(width=image.width, height=image.height, assets=list(image.info.get("assets", ())))
