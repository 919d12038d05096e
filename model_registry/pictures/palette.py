"""The palette painter: the scene painter's landscape alone, in the genre's colours, with nobody in it.

A quieter alternative to the scene painter (and the wiring tests' fast painter): the shot's landscape
(an interior's is the one outside), its time of day and weather, no figures and no things.
"""

from __future__ import annotations

import dataclasses

from core.contracts import Bible, Look, Shot
from model_registry.pictures import Painting
from model_registry.pictures.scene import ScenePainter


class PalettePainter(ScenePainter):
    draws_cast = False

    def variation(self, text: str, shot: Shot) -> str:
        """The sentence too: with nobody in the picture, only the land can tell two sentences apart."""
        return f"{super().variation(text, shot)}|{text}"

    def paint(self, *, text: str, bible: Bible, look: Look, shot: Shot, size: tuple[int, int],
              seed: int) -> Painting:
        outside = dataclasses.replace(shot, indoors=False, place=shot.landscape)
        return super().paint(text=text, bible=bible, look=look, shot=outside, size=size, seed=seed)
