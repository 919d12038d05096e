"""The video's frames: a title card, one picture per sentence on a slow camera move, crossfades at the
cuts, fades at both ends, and the sentence's caption while its voice speaks (subtitles.py draws it).

Everything is drawn with PIL/numpy and nothing is composited per pixel in Python beyond a crop-resize
and a blend, so 720p renders faster than real time on one core.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from core.contracts import RGB
from tasks.rendering.subtitles import Caption, font, wrap

FPS = 24
CROSSFADE = 0.4  # seconds, centred on each cut; fits inside the lead and tail pads around the voice
ZOOM = 0.08  # Ken Burns: how much closer the camera gets over one shot
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
    """One picture on screen from `start` to `end` (seconds), moving slowly, captioned while `cue` runs."""
    image: Image.Image
    start: float
    end: float
    motion: int = -1  # -1: still (cards); else the index that picks the pan/zoom direction
    caption: Caption | None = None
    cue: tuple[float, float] = (0.0, 0.0)

    def frame(self, t: float, size: tuple[int, int]) -> np.ndarray:
        if self.motion < 0:
            picture = np.asarray(self.image)
        else:
            progress = np.clip((t - self.start + CROSSFADE / 2) / (self.end - self.start + CROSSFADE), 0, 1)
            picture = np.asarray(ken_burns(self.image, size, progress, self.motion))
        if self.caption is not None and self.cue[0] <= t < self.cue[1]:
            picture = self.caption.over(picture)
        return picture


def ken_burns(image: Image.Image, size: tuple[int, int], progress: float, motion: int) -> Image.Image:
    """Crop a window that zooms in (even shots) or out (odd) while drifting to one of four corners."""
    width, height = image.size
    eased = progress * progress * (3 - 2 * progress)  # smoothstep: no jolt at the ends
    zoom = 1 + ZOOM * (eased if motion % 2 == 0 else 1 - eased)
    w, h = width / zoom, height / zoom
    dx, dy = [(1, 1), (-1, 1), (1, -1), (-1, -1)][(motion // 2) % 4]
    cx = width / 2 + dx * (width - w) / 2 * (2 * eased - 1)
    cy = height / 2 + dy * (height - h) / 2 * (2 * eased - 1)
    box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    return image.resize(size, Image.Resampling.BILINEAR, box=box)


def frame_at(scenes: list[Scene], t: float, size: tuple[int, int], total: float) -> np.ndarray:
    """The frame at time t: the scene on screen, crossfaded with its neighbour near a cut."""
    half = CROSSFADE / 2
    showing = [s for s in scenes if s.start - half <= t < s.end + half] or [scenes[-1]]
    frame = showing[0].frame(t, size)
    if len(showing) > 1:
        weight = np.clip((t - (showing[1].start - half)) / CROSSFADE, 0, 1)
        frame = (frame * (1 - weight) + showing[1].frame(t, size) * weight).round().astype(np.uint8)
    fade = min(1.0, t / FADE_FROM_BLACK, (total - t) / FADE_TO_BLACK)
    return frame if fade >= 1 else (frame * max(0.0, fade)).round().astype(np.uint8)


def fitted(path, size: tuple[int, int]) -> Image.Image:
    with Image.open(path) as source:
        return source.convert("RGB").resize(size, Image.Resampling.LANCZOS)
