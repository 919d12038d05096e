"""illustrate: one sentence, its shot (plan_shots), the story's bible and look -> the shot painted at the
frame size divided by the upscaler's scale: picture.png (the flat picture: the shot at its middle, for the
contact sheet and the gallery), and the layers a moving shot is played from: plate.png (the back), near.png
(the ground in front, when there is one) and layers.json (the sprites, their motion, the effects, the
camera). Meta: what the painter drew, and where the hero is in the flat picture. Cached by the sentence,
its shot, the bible, the look, the size, the seed and the painter."""

from __future__ import annotations

import json
from pathlib import Path

import model_registry
from core.contracts import Artifact, Layers, Story, as_json, from_json
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
    painting = painter.paint(text=story.sentences[index], bible=story.bible, look=story.look,
                             shot=read_shots(shots)[index], size=size, seed=seed)
    with new_artifact("illustrate") as out:
        painting.picture.save(out.path("picture.png"), optimize=False)
        painting.plate.save(out.path("plate.png"), optimize=False)
        if painting.near is not None:
            painting.near.save(out.path("near.png"), optimize=False)
        write_layers(out.path("layers.json"), painting.layers)
        return out.commit(width=painting.picture.width, height=painting.picture.height, assets=painting.assets,
                          hero_box=list(painting.hero_box) if painting.hero_box else None)


def write_layers(path: Path, layers: Layers) -> None:
    """A moving shot's layers as the layers.json of an artifact being written (read back by read_layers)."""
    path.write_text(json.dumps(as_json(layers), ensure_ascii=False), "utf-8")


def read_layers(artifact: Artifact) -> Layers:
    """The layers of an illustrate (or upscale) artifact's moving shot."""
    return from_json(Layers, json.loads(artifact.path("layers.json").read_text("utf-8")))
