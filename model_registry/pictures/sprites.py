"""A sprite's art at the size a shot draws it, ready to be laid over frames many times a second.

The art comes from the 3D Fluent set where it has the asset (fluent3d.py: its loop when the sprite's
motion plays one, else its still), else from the flat illustration library (a puppet's walk or run
cycle, or a puppet or a game-icons silhouette tinted in the hero's colour, bent into the shot's pose),
else the Noto emoji. Every frame is graded
with the shot's light once, so art drawn at render time matches the painted plate.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PIL import Image

from core.contracts import Sprite
from model_registry.pictures import fluent3d, library, motion, puppets, sharp
from model_registry.pictures.pictograms import glyph_image

# How a figure whose art has another pose is bent into the shot's: degrees leaning forward, height kept,
# and how far above the ground (share of its height).
BENDS = {"walk": (7, 1.0, 0.0), "run": (15, 0.95, 0.05), "fly": (12, 0.9, 0.45), "lie": (78, 0.62, 0.0),
         "swim": (70, 0.6, 0.0), "climb": (24, 1.0, 0.1), "sit": (0, 0.82, 0.0), "kneel": (0, 0.8, 0.0),
         "sad": (-6, 0.88, 0.0), "dance": (-10, 1.0, 0.08), "magic": (-5, 1.0, 0.0), "sing": (-8, 1.0, 0.0),
         "talk": (-4, 1.0, 0.0), "hold": (4, 0.95, 0.0), "make": (5, 0.92, 0.0), "paint": (5, 0.92, 0.0),
         "cook": (5, 0.92, 0.0)}
TURN_STEP = 1.0  # a still's turns are drawn once each, on a grid of whole degrees


@dataclass
class Layer:
    """One picture of a sprite as it is laid: its colour graded with the shot's light, and its alpha as
    the mask PIL pastes through (in C, several times faster than blending in numpy)."""

    rgb: Image.Image
    mask: Image.Image

    @classmethod
    def of(cls, image: Image.Image, grade: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> Layer:
        rgba = image.convert("RGBA")
        rgb = rgba.convert("RGB")
        if grade != (1.0, 1.0, 1.0):
            pixels = np.asarray(rgb, np.float32) * np.array(grade, np.float32)
            rgb = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        return cls(rgb, rgba.getchannel("A"))

    @property
    def size(self) -> tuple[int, int]:
        return self.rgb.size

    def over(self, frame: Image.Image, left: int, top: int) -> None:
        """Lay this picture over `frame` with its top-left corner at (left, top); PIL clips at the edges."""
        frame.paste(self.rgb, (left, top), self.mask)


class SpriteArt:
    """The frames of one sprite at one pixel height, and its loop's rate."""

    def __init__(self, sprite: Sprite, height: int, grade: tuple[float, float, float]):
        self.sprite, self.grade = sprite, grade
        self.images, self.fps, self.drawn = _images(sprite, height)
        self.frames = [Layer.of(image, grade) for image in self.images] if len(self.images) > 1 else []
        self._posed: dict[int, tuple[Layer, float]] = {}

    @property
    def size(self) -> tuple[int, int]:
        return self.images[0].size

    def layer(self, frame: int, turn: float) -> tuple[Layer, float]:
        """The picture to lay for a loop frame, or the still turned; and how much taller than the sprite's
        box it came out (a turned picture is bigger), to keep the feet in place."""
        if self.frames:
            return self.frames[frame % len(self.frames)], 0.0
        key = round(turn / TURN_STEP)
        if key not in self._posed:
            image = self.images[0]
            grown = 0.0
            if key:
                turned = image.rotate(key * TURN_STEP, resample=Image.Resampling.BICUBIC, expand=True)
                grown = (turned.height - image.height) / 2
                image = turned
            self._posed[key] = (Layer.of(image, self.grade), grown)
        return self._posed[key]


def _images(sprite: Sprite, height: int) -> tuple[list[Image.Image], float, str]:
    """(the sprite's pictures: a loop's frames or one still, its loop's fps, what was drawn)."""
    height = max(4, height)
    form = sharp.form_of(sprite, height)
    if form is not None:
        kind, step = form
        frames = sharp.frames(sprite.art, height, sprite.mirrored) if sprite.art else None
        if kind == "loop":
            frames = frames or fluent3d.loop(sprite.asset, height, sprite.mirrored, step)
            return list(frames), fluent3d.fps(sprite.asset, step), sprite.asset
        return list(frames or [fluent3d.still(sprite.asset, height, sprite.mirrored)]), 0.0, sprite.asset
    asset = library.by_id().get(sprite.asset)
    if asset is not None and asset.pack == "puppet" and puppets.gait(asset.subject, sprite.motion):
        pictures, fps = puppets.frames(asset.subject, sprite.motion, height, sprite.mirrored, sprite.tint)
        return list(pictures), fps, asset.id
    if asset is not None:
        image = library.draw(asset, height, sprite.mirrored, sprite.tint)
        if sprite.motion != "still" and asset.pose and asset.pose != _pose(sprite):
            image = _bent(image, _pose(sprite), -1 if sprite.mirrored == (asset.facing == "left") else 1)
        return [image], 0.0, asset.id
    return [glyph_image(sprite.asset, height, sprite.mirrored)], 0.0, sprite.asset


def _pose(sprite: Sprite) -> str:
    return {"walk": "walk", "run": "run", "fly": "fly", "swim": "swim", "climb": "climb", "dance": "dance",
            "magic": "magic", "speak": "talk", "work": "make"}.get(sprite.motion, "stand")


def _bent(image: Image.Image, pose: str, forward: int) -> Image.Image:
    """Flat art bent toward `pose`: leaning forward (`forward` +1 right, -1 left), squashed for sitting."""
    lean, height, _ = BENDS.get(pose, (0, 1.0, 0.0))
    if height != 1.0:
        image = image.resize((image.width, max(1, round(image.height * height))), Image.Resampling.LANCZOS)
    if lean:
        image = image.rotate(-lean * forward, resample=Image.Resampling.BICUBIC, expand=True)
        box = image.getbbox()
        image = image.crop(box) if box else image
    return image


@functools.cache
def stride_of(asset: str, moving: str) -> float:
    """Body heights a second the asset walks or runs at, so its planted feet stay put: a puppet's from its
    gait; a 3D loop's measured from its frames (motion.stride), the same at any rate it plays (every other
    frame of it lasts as long); 0 when it has no cycle."""
    drawn = library.by_id().get(asset)
    if drawn is not None and drawn.pack == "puppet":
        return puppets.stride(drawn.subject, moving)
    art = fluent3d.arts().get(asset)
    if art is None or art.loop is None:
        return 0.0
    frames = [np.asarray(frame)[..., 3] for frame in fluent3d.loop(asset, 128)]
    return motion.stride(frames) * fluent3d.fps(asset)
