"""Procedural palette painter: a layered landscape (sky, sun or moon, hills, water) in the genre's colours.

No text-to-image weights ship anywhere offline, so this paints what a few words of the sentence say
(time of day, water, stars) in the story's palette, deterministically per (sentence, seed).
"""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFilter

from model_registry.catalogue import Entry

NIGHT = ("night", "moon", "star", "dark", "midnight", "ночь", "луна", "звезд", "темн")
DUSK = ("evening", "sunset", "dusk", "twilight", "вечер", "закат", "сумерк")
WATER = ("sea", "ocean", "river", "lake", "water", "shore", "море", "океан", "рек", "озер", "вод")


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    lower = text.lower()
    return any(word in lower for word in words)


class PalettePainter:
    def __init__(self, entry: Entry):
        self.entry = entry

    def paint(self, *, text: str, bible: dict[str, str], width: int, height: int, seed: int,
              shot: dict | None = None) -> Image.Image:
        """Paints from the sentence's words alone; the shot plan is not used."""
        palette = bible["palette"].split(",")
        digest = hashlib.sha256(f"{seed}|{text}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        colours = [np.array(ImageColor.getrgb(c), np.float32) for c in palette]
        night, dusk = _mentions(text, NIGHT), _mentions(text, DUSK)
        top, bottom = (
            (np.array([12, 16, 48.0]), np.array([40, 50, 100.0])) if night
            else (np.array([90, 60, 120.0]), np.array([250, 160, 90.0])) if dusk
            else (colours[0] * 0.55 + np.array([60, 110, 200.0]) * 0.45, np.array([235, 240, 250.0]))
        )
        y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
        sky = top * (1 - y) + bottom * y
        image = Image.fromarray(np.broadcast_to(sky, (height, width, 3)).astype(np.uint8))
        draw = ImageDraw.Draw(image)

        if night:
            for _ in range(width * height // 900):
                x, yy = rng.integers(width), rng.integers(int(height * 0.6))
                draw.point((int(x), int(yy)), fill=(255, 255, 230))
        body_x, body_y = rng.uniform(0.15, 0.85) * width, rng.uniform(0.12, 0.35) * height
        radius = height * (0.06 if night else 0.09)
        body = (245, 245, 220) if night else (255, 220, 120)
        draw.ellipse((body_x - radius, body_y - radius, body_x + radius, body_y + radius), fill=body)

        water_line = height * 0.78 if _mentions(text, WATER) else height + 1
        for layer in range(3):  # far to near hills, darker as they come closer
            base = height * (0.5 + 0.12 * layer)
            xs = np.arange(width + 1)
            phases, freqs = rng.uniform(0, 2 * np.pi, 3), rng.uniform(1.0, 4.0, 3) / width
            ridge = base + sum(height * 0.05 * np.sin(2 * np.pi * f * xs + p) for f, p in zip(freqs, phases))
            colour = colours[(layer + 1) % len(colours)] * (0.9 - 0.2 * layer) * (0.45 if night else 1.0)
            ridge_points = [(int(x), float(min(r, water_line))) for x, r in zip(xs, ridge)]
            points = [(0, height), *ridge_points, (width, height)]
            draw.polygon(points, fill=tuple(int(c) for c in colour.clip(0, 255)))
        if water_line < height:
            water = colours[-1] * 0.5 + np.array([40, 90, 160.0]) * 0.5
            draw.rectangle((0, water_line, width, height), fill=tuple(int(c) for c in water))
        return image.filter(ImageFilter.SMOOTH)
