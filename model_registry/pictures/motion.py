"""How things move inside a shot: every action of the shot plan's vocabulary has a motion, and every motion
says where a sprite is, how it is turned and which frame of its loop shows at time t.

    walk, run     the loop's cycle plays while the figure crosses the frame at its stride speed: the
                  speed at which its planted foot slides back inside the loop (measured from the art),
                  so the feet do not slide over the ground
    swim, fly     the loop plays while the figure drifts along, flying ones bobbing up and down
    climb         the loop plays while the figure rises a little
    sail          the boat and its crew rock on the water and drift along
    dance, magic  the loop plays in place (a glow goes with magic)
    speak         the figure bobs with the narration's loudness (talk, sing)
    work          a small nod, as hands at work (paint, cook, build, write, sew);
    stroke        the tool in those hands: it sweeps to and fro along a short arc, turning as it goes
    breathe       a figure without a loop, or at rest: a slow breath and a sway from the feet (sit, sleep,
                  kneel, hold)
    sway          trees and plants in the wind; drive: vehicles cross; drift: clouds and the sky;
    bob           things that float; flutter: birds and butterflies flying across; still: furniture

Deterministic: a motion depends only on the sprite, the time and its phase (from the sprite's place).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The shot plan's actions (model_registry/pictures/reading.py), and "stand" when none is said.
ACTIONS = {"walk": "walk", "run": "run", "swim": "swim", "fly": "fly", "climb": "climb", "sail": "sail",
           "talk": "speak", "sing": "speak", "paint": "work", "cook": "work", "build": "work", "write": "work",
           "sew": "work", "sleep": "breathe", "sit": "breathe", "eat": "work", "drink": "breathe",
           "find": "breathe", "give": "breathe", "glow": "magic", "stand": "breathe"}
FEELINGS = {"joy": "dance", "sadness": "breathe", "fear": "breathe"}
TRAVELS = {"walk", "run", "swim", "fly", "sail", "drive", "flutter", "drift"}  # motions that cross the frame
LOOPED = {"walk", "run", "swim", "fly", "climb", "dance", "magic", "sail", "flutter"}  # play the loop
# Travel speeds (shares of the frame's width per second) where the art has no stride of its own.
DRIFT = {"swim": 0.04, "fly": 0.09, "sail": 0.03, "drive": 0.16, "flutter": 0.12, "drift": 0.01,
         "walk": 0.07, "run": 0.14}


def for_action(action: str, feeling: str | None = None) -> str:
    """The hero's motion for the shot plan's action (its feeling when it does nothing in particular)."""
    if action in ("stand", "find", "give") and feeling in FEELINGS:
        return FEELINGS[feeling]
    return ACTIONS[action]


@dataclass(frozen=True)
class Pose:
    """Where a sprite is at one moment: its offset from where it stands at the shot's middle (pixels),
    its turn (degrees, + counter-clockwise), and which frame of its loop shows."""

    dx: float
    dy: float
    turn: float
    frame: int


def pose(motion: str, t: float, height_px: float, frames: int, fps: float, speed_px: float, phase: float,
         loudness: float = 0.0) -> Pose:
    """A sprite `height_px` tall with `frames` frames at `fps` (1 frame: a still), `t` seconds into the
    shot, travelling at `speed_px` pixels a second. `phase` (0-1) keeps two alike sprites out of step;
    `loudness` (0-1) is the narration's, for a speaking figure."""
    cycle = 2 * math.pi * phase
    frame = int((t * fps + phase * frames) % frames) if frames > 1 and motion in LOOPED else 0
    dx = speed_px * t if motion in TRAVELS else 0.0
    dy, turn = 0.0, 0.0
    if motion in ("walk", "run") and frames <= 1:  # no cycle drawn: a hop in step, so it is not a glide
        dy = -abs(math.sin(math.pi * t * (2.4 if motion == "walk" else 3.6) + cycle)) * height_px * 0.04
    elif motion == "fly":
        dy = math.sin(2 * math.pi * t / 2.2 + cycle) * height_px * 0.06
    elif motion == "swim":
        dy = math.sin(2 * math.pi * t / 2.8 + cycle) * height_px * 0.02
    elif motion == "climb":
        dy = -t * height_px * 0.04
    elif motion == "sail":
        turn = math.sin(2 * math.pi * t / 3.0 + cycle) * 3.0
        dy = math.sin(2 * math.pi * t / 3.0 + cycle + 1.0) * height_px * 0.015
    elif motion == "speak":
        dy = -loudness * height_px * 0.025
        turn = math.sin(2 * math.pi * t / 1.7 + cycle) * 1.2
    elif motion == "work":
        turn = math.sin(2 * math.pi * t / 0.9 + cycle) * 2.5
    elif motion == "stroke":
        swing = math.sin(2 * math.pi * t / 1.3 + cycle)
        dx, dy, turn = swing * height_px * 0.35, -abs(swing) * height_px * 0.15, swing * 12.0
    elif motion in ("breathe", "dance", "magic") and frames <= 1:
        dy = -(0.5 + 0.5 * math.sin(2 * math.pi * t / 3.2 + cycle)) * height_px * 0.012  # a breath rises
        if motion == "dance":
            turn = math.sin(2 * math.pi * t / 1.1 + cycle) * 6.0
            dy = -abs(math.sin(math.pi * t / 0.55 + cycle)) * height_px * 0.05
        else:  # and the weight shifts, from the feet: turned about its middle, slid back under them
            turn = math.sin(2 * math.pi * t / 4.5 + cycle) * 1.5
            dx = -math.sin(math.radians(turn)) * height_px / 2
    elif motion == "sway":
        turn = math.sin(2 * math.pi * t / 3.6 + cycle) * 2.0
    elif motion == "bob":
        dy = math.sin(2 * math.pi * t / 2.6 + cycle) * height_px * 0.05
    elif motion == "flutter":
        dy = math.sin(2 * math.pi * t / 0.8 + cycle) * height_px * 0.25
    return Pose(dx, dy, turn, frame)


def stride(frames: list[np.ndarray]) -> float:
    """How fast the figure would walk, in heights of its drawn body a second per frame rate: from an in-place
    cycle's frames (alpha arrays, one canvas size), the median shift of the lowest band of pixels (the foot
    on the ground) from frame to frame, among the frames where one foot stays down. 0 when nothing stands
    on the ground steadily (the cycle does not step)."""
    masks = [frame > 128 for frame in frames]
    rows = np.where(np.any(np.stack(masks), axis=(0, 2)))[0]
    if len(rows) < 2:
        return 0.0
    top, bottom = rows[0], rows[-1]
    shifts = []
    for before, after in zip(masks, masks[1:] + masks[:1]):
        a, b = before[bottom - 5:bottom + 1].any(0), after[bottom - 5:bottom + 1].any(0)
        if a.sum() < 3 or b.sum() < 3:
            continue
        scores = {s: int(np.sum(a & np.roll(b, -s))) for s in range(-24, 25)}
        best = max(scores, key=scores.get)
        if scores[best] >= 0.6 * min(a.sum(), b.sum()):
            shifts.append(abs(best))
    moving = [s for s in shifts if s > 0]
    if len(moving) < len(shifts) / 3:
        return 0.0
    return float(np.median(moving)) / (bottom - top + 1)
