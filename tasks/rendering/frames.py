"""The video's frames: a title card, one moving shot per sentence (its layers played by the painter's
ShotPlayer: the cast in motion, the camera's parallax pan, the weather), crossfades at the cuts, fades
at both ends, and the sentence's caption while its voice speaks (subtitles.py draws it).

A shot's player is made when the shot comes on screen and let go when it has left (a loop's frames
are tens of MB); frames stay PIL images, composited and blended in C, so a frame costs milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

from core.contracts import RGB
from model_registry.pictures.player import ShotPlayer
from tasks.rendering.subtitles import Caption, font, wrap

FPS = 24
CROSSFADE = 0.4  # seconds, centred on each cut; fits inside the lead and tail pads around the voice
FADE_FROM_BLACK, FADE_TO_BLACK = 0.5, 0.8


def card(size: tuple[int, int], palette: tuple[RGB, ...], text: str) -> Image.Image:
    """A title or end card: the palette's last two colours as a dark gradient, the text centred."""
    width, height = size
    top, bottom = (np.array(c, np.float32) for c in palette[-2:][::-1])
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    gradient = np.broadcast_to(top * 0.35 * (1 - y) + bottom * 0.25 * y, (height, width, 3))
    image = Image.fromarray(gradient.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    face = font(max(24, height // 12))
    lines = wrap(draw, text, face, int(width * 0.85))
    line_height = face.size * 1.25
    y0 = height / 2 - line_height * len(lines) / 2
    for i, line in enumerate(lines):
        draw.text((width / 2, y0 + i * line_height), line, font=face, fill=(255, 255, 255), anchor="ma")
    return image


@dataclass
class Scene:
    """One thing on screen from `start` to `end` (seconds): a still card, or a moving shot whose player
    `play` makes when it first shows; captioned while `cue` runs."""

    start: float
    end: float
    still: Image.Image | None = None
    play: Callable[[], ShotPlayer] | None = None
    caption: Caption | None = None
    cue: tuple[float, float] = (0.0, 0.0)
    player: ShotPlayer | None = field(default=None, repr=False)

    def frame(self, t: float) -> Image.Image:
        if self.still is not None:
            picture = self.still
        else:
            if self.player is None:
                self.player = self.play()
            picture = self.player.frame(t - self.start)
        if self.caption is not None and self.cue[0] <= t < self.cue[1]:
            picture = self.caption.over(picture)
        return picture


def frame_at(scenes: list[Scene], t: float, total: float) -> Image.Image:
    """The frame at time t: the scene on screen, crossfaded with its neighbour near a cut. Scenes that
    have left the screen let their players go."""
    half = CROSSFADE / 2
    for scene in scenes:
        if scene.player is not None and t >= scene.end + half:
            scene.player = None
    showing = [s for s in scenes if s.start - half <= t < s.end + half] or [scenes[-1]]
    frame = showing[0].frame(t)
    if len(showing) > 1:
        weight = float(np.clip((t - (showing[1].start - half)) / CROSSFADE, 0, 1))
        frame = Image.blend(frame, showing[1].frame(t), weight)
    fade = min(1.0, t / FADE_FROM_BLACK, (total - t) / FADE_TO_BLACK)
    if fade >= 1:
        return frame
    return Image.blend(Image.new("RGB", frame.size), frame, max(0.0, fade))
