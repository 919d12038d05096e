"""upscale: picture.png -> picture.png, the upscaler's `scale` times larger (meta: size, and the source
picture's key). Cached by the input picture's content."""

from __future__ import annotations

from PIL import Image

import model_registry
from core.contracts import Artifact
from tasks.artifacts import new_artifact, stage_task


def _depends_on(picture: Artifact, index: int, model: str | None = None) -> dict:
    return {"picture": picture.digest, "model": model_registry.identity("upscale", model)}


@stage_task("upscale", _depends_on, run_name="upscale-{index}")
def upscale(picture: Artifact, index: int, model: str | None = None) -> Artifact:
    with Image.open(picture.path("picture.png")) as source:
        image = model_registry.get("upscale", model).upscale(source.convert("RGB"))
    with new_artifact("upscale") as out:
        image.save(out.path("picture.png"), optimize=False)
        return out.commit(width=image.width, height=image.height, source=picture.key)
