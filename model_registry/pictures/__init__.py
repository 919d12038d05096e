"""Pictures: painters that illustrate a sentence, and upscalers that enlarge the painting.

    painter.paint(text=..., bible=..., look=..., shot=..., size=(320, 180), seed=0) -> PIL image
    upscaler.upscale(image) -> PIL image `upscaler.scale` times larger

Every painter gets the same arguments (`Painter` below) and uses what it can: the scene painter paints
the shot plan (shots.py plans it from the sentence; reading.py reads the sentence, library.py and
pictograms.py hold the art); the CLIP-guided generators read the words. A picture's `info["assets"]`
lists the library assets (or emoji) it drew, when it draws any.
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from core.contracts import Bible, Look, Shot


class Painter(Protocol):
    def paint(self, *, text: str, bible: Bible, look: Look, shot: Shot, size: tuple[int, int],
              seed: int) -> Image.Image: ...


class Upscaler(Protocol):
    scale: int  # how many times larger each side comes out: the flow paints at the frame size / scale

    def upscale(self, image: Image.Image) -> Image.Image: ...
