"""Pictures: painters that illustrate a sentence, and upscalers that enlarge the painting.

    painting = painter.paint(text=..., bible=..., look=..., shot=..., size=(320, 180), seed=0)
    painting.picture                  # the flat picture (the shot at its middle)
    painting.plate, painting.near     # the layers a moving shot is played from (player.py)
    upscaler.upscale(image)           # a PIL image `upscaler.scale` times larger

Every painter gets the same arguments (`Painter` below) and uses what it can: the scene painter paints
the shot plan as layers that move (scene.py; shots.py plans the shot, reading.py reads the sentence,
sets.py paints the places, library.py, pictograms.py and fluent3d.py hold the art, motion.py and
player.py make it move); a generator that paints one still picture from the words (the CLIP-guided
ones) returns it as a `Painting.still`, which the camera only pans across.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from PIL import Image

from core.contracts import Bible, Layers, Look, Shot
from model_registry.catalogue import Entry


@dataclass
class Painting:
    """What a painter made of one shot: the flat picture, the layers to play it from, what it drew and
    where the hero is in the flat picture (left, top, right, bottom)."""

    picture: Image.Image
    plate: Image.Image
    near: Image.Image | None
    layers: Layers
    assets: list[str] = field(default_factory=list)
    hero_box: tuple[int, int, int, int] | None = None

    @classmethod
    def still(cls, picture: Image.Image) -> Painting:
        """One picture, nothing in it moving: the plate is the picture, its walls stop the camera at once."""
        return cls(picture, picture, None, Layers(wraps=False))


class Painter(Protocol):
    def paint(self, *, text: str, bible: Bible, look: Look, shot: Shot, size: tuple[int, int],
              seed: int) -> Painting: ...


def upscale_factor(entry: Entry) -> int:
    """How many times larger each side of an upscaler's picture comes out, as its catalogue entry says
    (`options.scale`, 4 when unsaid): the flow sizes the paintings by it before the upscaler has loaded."""
    return int(entry.options.get("scale", 4))


class Upscaler(Protocol):
    scale: int  # upscale_factor(its entry): the flow paints at the frame size / scale
    adds_detail: bool  # a model that draws detail in (Real-ESRGAN), not a resampler: worth a big figure's art

    def upscale(self, image: Image.Image) -> Image.Image: ...
