"""upscale: a painted shot's layers -> the same layers the upscaler's `scale` times larger: plate.png and,
when there is one, near.png (its colour by the upscaler, its transparency resampled), with layers.json as
it was (meta: the plate's size, and the painted artifact's key, where the flat picture is). Cached by the
painted artifact's content."""

from __future__ import annotations

import shutil

from PIL import Image

import model_registry
from core.contracts import Artifact
from tasks.artifacts import new_artifact, stage_task


def _depends_on(picture: Artifact, index: int, model: str | None = None) -> dict:
    return {"picture": picture.digest, "model": model_registry.identity("upscale", model)}


@stage_task("upscale", _depends_on, run_name="upscale-{index}")
def upscale(picture: Artifact, index: int, model: str | None = None) -> Artifact:
    upscaler = model_registry.get("upscale", model)
    with Image.open(picture.path("plate.png")) as source:
        plate = upscaler.upscale(source.convert("RGB"))
    near = None
    if "near.png" in picture.files:
        with Image.open(picture.path("near.png")) as source:
            near = upscaler.upscale(source.convert("RGB"))
            near.putalpha(source.getchannel("A").resize(near.size, Image.Resampling.LANCZOS))
    with new_artifact("upscale") as out:
        plate.save(out.path("plate.png"), optimize=False)
        if near is not None:
            near.save(out.path("near.png"), optimize=False)
        shutil.copyfile(picture.path("layers.json"), out.path("layers.json"))
        return out.commit(width=plate.width, height=plate.height, source=picture.key)
