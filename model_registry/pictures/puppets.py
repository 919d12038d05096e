"""Puppets: whole bodies for the heroes the 3D Fluent set draws only as a face (a fox, a wolf, a bear, a lion,
a tiger, a robot), so a fox walks on four legs instead of a sitting silhouette hopping along.

A puppet is cut-out animation: a few rounded parts (a body, legs of two segments, a tail; a robot's torso,
arms and feet), each drawn once in the animal's colours and shaded as the 3D art is (shading.py), then
turned about its joints frame by frame, with the animal's own 3D Fluent face as its head. Walking and
running are cycles: each foot is planted for part of the cycle, moving back under the body at a steady
speed, and swings forward through the air for the rest (the knee found from the hip and the foot, two
rigid segments). The figure crosses the frame at that speed (`stride`), so a planted foot stays put on the
ground. Drawn facing right; a left-facing puppet is the same frames mirrored. Lengths are shares of the
figure's height from the top of its head to the ground.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw

from model_registry.pictures import fluent3d, shading

RGB = tuple[int, int, int]
Point = tuple[float, float]
FPS = 24.0
SUPERSAMPLE = 3  # parts are drawn this much bigger, then scaled down: smooth edges
BIG = 420  # a puppet drawn taller than this (pixels) plays its cycle at half the frames, as the 3D loops do
FAR = 0.72  # the far legs and arm are this much darker: they are in the body's shadow
ARM = (0.12, 0.1)  # a robot's upper arm and forearm


@dataclass(frozen=True)
class Gait:
    """One way of moving: a cycle of `seconds`, in which each foot is down for the `stance` share, moving
    back `step` (figure heights) under the body, then swings forward, lifted up to `lift`. `phases` is each
    leg's offset in the cycle (in the build's leg order); the body is carried `crouch` lower and bobs by `bob`."""

    seconds: float
    stance: float
    step: float
    lift: float
    phases: tuple[float, ...]
    crouch: float = 0.0
    bob: float = 0.01
    swing: float = 22.0  # a robot's arms: degrees to each side

    @property
    def speed(self) -> float:
        """How fast a planted foot moves back under the body (figure heights a second): the figure moving
        forward this fast keeps that foot still on the ground."""
        return self.step / (self.stance * self.seconds)


@dataclass(frozen=True)
class Leg:
    hip: Point  # where it joins the body (x forward of the body's middle, y down from the head's top)
    near: bool  # drawn in front of the body (else behind it, darker)
    bend: int  # +1: the middle joint points forward (a front leg's wrist, a robot's knee), -1: back (a hock)


@dataclass(frozen=True)
class Build:
    """What one puppet is made of. A four-legged animal: a body, a neck, four legs, a tail; a robot
    (`legs` two): a torso with a lit panel, two legs with feet, two arms."""

    subject: str
    head: str  # the library id of the 3D Fluent face drawn as its head
    coat: RGB
    socks: RGB  # the lower legs' colour (a fox's black stockings)
    legs: tuple[Leg, ...]
    walk: Gait
    run: Gait
    head_height: float = 0.46
    head_at: Point = (0.36, 0.24)
    thigh: float = 0.19
    shin: float = 0.185
    width: float = 0.085  # of a leg at the hip
    tail: str = "bush"  # bush, thin, tuft, stub or none
    tail_tip: RGB | None = None
    body: tuple[float, float, float, float] = (0.0, 0.55, 0.34, 0.145)  # an ellipse: middle x, y, radii


FOUR_LEGS = (Leg((0.235, 0.615), False, 1), Leg((-0.185, 0.615), False, -1),
             Leg((0.2, 0.63), True, 1), Leg((-0.22, 0.63), True, -1))
WALK4 = Gait(seconds=1.0, stance=0.65, step=0.28, lift=0.08, phases=(0.75, 0.5, 0.25, 0.0), crouch=0.01, bob=0.008)
TROT4 = Gait(seconds=0.625, stance=0.45, step=0.38, lift=0.12, phases=(0.5, 0.0, 0.0, 0.5), crouch=0.03, bob=0.025)
TWO_LEGS = (Leg((-0.055, 0.655), False, 1), Leg((0.055, 0.665), True, 1))  # seen three-quarters, as Fluent's people
WALK2 = Gait(seconds=1.0, stance=0.6, step=0.24, lift=0.07, phases=(0.5, 0.0), crouch=0.01, bob=0.01)
RUN2 = Gait(seconds=0.625, stance=0.4, step=0.34, lift=0.11, phases=(0.5, 0.0), crouch=0.03, bob=0.025, swing=40.0)

BUILDS = {build.subject: build for build in (
    Build("fox", "fluentui/fox", coat=(215, 110, 40), socks=(60, 40, 35), legs=FOUR_LEGS, walk=WALK4, run=TROT4,
          tail="bush", tail_tip=(245, 240, 232)),
    Build("wolf", "fluentui/wolf", coat=(125, 128, 140), socks=(95, 98, 110), legs=FOUR_LEGS, walk=WALK4,
          run=TROT4, tail="bush", tail_tip=(200, 202, 210)),
    Build("bear", "fluentui/bear", coat=(140, 95, 60), socks=(110, 72, 45), legs=FOUR_LEGS, walk=WALK4, run=TROT4,
          tail="stub", body=(0.0, 0.54, 0.36, 0.17), width=0.11, head_height=0.44),
    Build("lion", "fluentui/lion", coat=(222, 165, 75), socks=(205, 150, 65), legs=FOUR_LEGS, walk=WALK4,
          run=TROT4, tail="tuft", tail_tip=(150, 85, 40)),
    Build("tiger", "fluentui/tiger-face", coat=(235, 140, 45), socks=(235, 140, 45), legs=FOUR_LEGS, walk=WALK4,
          run=TROT4, tail="thin", tail_tip=(50, 40, 35)),
    Build("robot", "fluentui/robot", coat=(185, 200, 225), socks=(110, 120, 138), legs=TWO_LEGS, walk=WALK2,
          run=RUN2, head_height=0.4, head_at=(0.0, 0.2), thigh=0.16, shin=0.16, width=0.095, tail="none",
          body=(0.0, 0.52, 0.17, 0.14)),
)}


def subjects() -> tuple[str, ...]:
    return tuple(BUILDS)


def gait(subject: str, motion: str) -> Gait | None:
    """The puppet's cycle for a walk or a run; None for anything else (it stands)."""
    build = BUILDS[subject]
    return {"walk": build.walk, "run": build.run}.get(motion)


def stride(subject: str, motion: str) -> float:
    """How fast the puppet crosses the frame walking or running, in heights of its drawn figure a second."""
    cycle = gait(subject, motion)
    if cycle is None:
        return 0.0
    top, bottom = _extent(subject, motion)
    return cycle.speed / (bottom - top)


def still(subject: str, height: int, mirrored: bool = False, coat: RGB | None = None) -> Image.Image:
    """The puppet standing, `height` pixels tall, trimmed to its drawn pixels."""
    return frames(subject, "stand", height, mirrored, coat)[0][0]


@functools.lru_cache(maxsize=32)
def frames(subject: str, motion: str, height: int, mirrored: bool = False,
           coat: RGB | None = None) -> tuple[tuple[Image.Image, ...], float]:
    """The puppet's frames for a motion (a walk's or a run's cycle, else one frame standing), all one size
    with the feet on its bottom edge, `height` pixels tall; and the rate to play them at. Shared and cached:
    copy a frame before drawing on it."""
    build = BUILDS[subject]
    cycle = gait(subject, motion)
    top, bottom = _extent(subject, motion)
    unit = height / (bottom - top)
    rig = Rig(build, unit, coat or build.coat)
    count = max(1, round(cycle.seconds * FPS / (2 if height > BIG else 1))) if cycle else 1
    pictures = [rig.pose(cycle, n / count) for n in range(count)]
    box = _union([_drawn(p) for p in pictures])
    pictures = [p.crop(box) for p in pictures]
    if mirrored:
        pictures = [p.transpose(Image.Transpose.FLIP_LEFT_RIGHT) for p in pictures]
    return tuple(pictures), (count / cycle.seconds if cycle else 0.0)


@functools.cache
def _extent(subject: str, motion: str) -> tuple[float, float]:
    """The figure's top and bottom over its cycle (figure heights; the ground is at 1), measured once small."""
    build, cycle = BUILDS[subject], gait(subject, motion)
    rig = Rig(build, 200, build.coat)
    boxes = [_drawn(rig.pose(cycle, n / 12)) for n in range(12 if cycle else 1)]
    box = _union(boxes)
    return (box[1] - rig.origin[1]) / 200, (box[3] - rig.origin[1]) / 200


def _drawn(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The box of the pixels that show (the 3D art's floor: the rim's faint blur does not count)."""
    return image.getchannel("A").point(lambda v: 255 if v >= fluent3d.ALPHA_FLOOR else 0).getbbox()


def _union(boxes: list) -> tuple[int, int, int, int]:
    boxes = [b for b in boxes if b]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass(frozen=True)
class Part:
    """A shaded part, and the pixel in it that sits on its joint."""

    image: Image.Image
    anchor: Point


class Rig:
    """A build drawn at `unit` pixels to a figure height: its parts shaded once, posed for any moment."""

    def __init__(self, build: Build, unit: float, coat: RGB):
        self.build, self.unit, self.coat = build, unit, coat
        self.origin = (0.85 * unit, 0.1 * unit)  # where (0, 0) is on the canvas: room for the tail behind
        self.size = (round(1.55 * unit), round(1.15 * unit))
        self.robot = len(build.legs) == 2
        thighs = build.socks if self.robot else coat  # a robot's legs are metal all the way down
        wide = build.width
        self.upper = self._pair(thighs, lambda colour: self._segment(build.thigh, wide, wide * 0.8, colour))
        self.lower = self._pair(build.socks, lambda colour: self._segment(build.shin, wide * 0.75, wide * 0.62, colour))
        self.foot = self._pair(build.socks, self._foot)
        self.trunk = self._torso() if self.robot else self._body()
        self.tail = self._tail() if build.tail != "none" else None
        if self.robot:
            self.arm = self._pair(build.socks, lambda colour: self._segment(ARM[0], 0.07, 0.06, colour))
            self.forearm = self._pair(coat, lambda colour: self._segment(ARM[1], 0.06, 0.07, colour))
        head = fluent3d.still(build.head, max(4, round(build.head_height * unit)))
        self.head = Part(head, (head.width / 2, head.height / 2))

    # --- drawing the parts once ---

    @staticmethod
    def _pair(colour: RGB, make) -> dict[bool, Part]:
        """A part for the near side (True) in `colour` and for the far side, in the body's shadow."""
        return {True: make(colour), False: make(_darker(colour, FAR))}

    def _canvas(self, width: float, height: float) -> tuple[Image.Image, ImageDraw.ImageDraw, float]:
        scale = self.unit * SUPERSAMPLE
        image = Image.new("RGBA", (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))), (0, 0, 0, 0))
        return image, ImageDraw.Draw(image), scale

    def _finish(self, image: Image.Image, colour: RGB, anchor: Point) -> Part:
        """Scaled down from the supersampled drawing, shaded and rimmed; `anchor` in figure heights."""
        small = image.resize((max(1, round(image.width / SUPERSAMPLE)), max(1, round(image.height / SUPERSAMPLE))),
                             Image.Resampling.LANCZOS)
        rim = shading.rim_width(round(self.unit))
        return Part(shading.rimmed(small, colour, round(self.unit)),
                    (anchor[0] * self.unit + rim, anchor[1] * self.unit + rim))

    def _segment(self, length: float, top: float, bottom: float, colour: RGB) -> Part:
        """A limb's segment hanging down from its joint: a capsule `top` wide at the joint, `bottom` at the end."""
        pad = max(top, bottom)
        image, draw, s = self._canvas(pad, length + pad)
        x, y0, y1 = pad / 2 * s, top / 2 * s, (length + top / 2) * s
        draw.polygon([(x - top / 2 * s, y0), (x + top / 2 * s, y0), (x + bottom / 2 * s, y1),
                      (x - bottom / 2 * s, y1)], fill=colour)
        draw.ellipse([x - top / 2 * s, y0 - top / 2 * s, x + top / 2 * s, y0 + top / 2 * s], fill=colour)
        draw.ellipse([x - bottom / 2 * s, y1 - bottom / 2 * s, x + bottom / 2 * s, y1 + bottom / 2 * s], fill=colour)
        return self._finish(image, colour, (pad / 2, top / 2))

    def _foot(self, colour: RGB) -> Part:
        """A paw (a flat oval under the ankle) or a robot's boot (longer, its toe forward)."""
        long, tall = (0.13, 0.05) if self.robot else (0.085, 0.04)
        image, draw, s = self._canvas(long, tall)
        draw.rounded_rectangle([0, 0, long * s, tall * s], radius=tall * s / 2, fill=colour)
        ahead = 0.035 if self.robot else 0.012
        return self._finish(image, colour, (long / 2 - ahead, tall / 2))

    def _body(self) -> Part:
        """A four-legged body and its neck, rising toward the head."""
        cx, cy, rx, ry = self.build.body
        hx, hy = self.build.head_at
        left, top = cx - rx - 0.02, hy - 0.02
        image, draw, s = self._canvas(hx + 0.16 - left, cy + ry + 0.02 - top)
        def at(x: float, y: float) -> tuple[float, float]:
            return (x - left) * s, (y - top) * s
        draw.ellipse([*at(cx - rx, cy - ry), *at(cx + rx, cy + ry)], fill=self.coat)
        draw.polygon([at(cx + rx * 0.25, cy - ry * 0.95), at(hx - 0.06, hy + 0.05), at(hx + 0.1, hy + 0.1),
                      at(cx + rx * 0.95, cy + ry * 0.2)], fill=self.coat)
        return self._finish(image, self.coat, (-left, -top))

    def _torso(self) -> Part:
        """A robot's torso: a rounded box with a lit panel on its chest, and its hips."""
        cx, cy, rx, ry = self.build.body
        image, draw, s = self._canvas(2 * rx, 2 * ry + 0.04)
        draw.rounded_rectangle([0, 0, 2 * rx * s, 2 * ry * s], radius=0.05 * s, fill=self.coat)
        draw.rounded_rectangle([0.25 * rx * s, 2 * ry * s - 0.02 * s, 1.75 * rx * s, (2 * ry + 0.04) * s],
                               radius=0.02 * s, fill=self.build.socks)
        part = self._finish(image, self.coat, (rx - cx, ry - cy))
        lights = ImageDraw.Draw(part.image)
        (ax, ay), r = part.anchor, max(1.0, 0.022 * self.unit)
        for i, colour in enumerate(((90, 210, 240), (250, 200, 70), (120, 230, 140))):
            x, y = ax + (cx + (i - 1) * rx * 0.45) * self.unit, ay + (cy - ry * 0.3) * self.unit
            lights.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        return part

    def _tail(self) -> Part:
        """A tail from its root: a bush (a fox's, white at the tip), a thin one (a tiger's, dark at the tip),
        a thin one with a tuft (a lion's), or a stub (a bear's)."""
        kind, tip = self.build.tail, self.build.tail_tip
        image, draw, s = self._canvas(0.6, 0.5)
        root = (0.55, 0.2)
        def at(x: float, y: float) -> tuple[float, float]:
            return (x + root[0]) * s, (y + root[1]) * s
        if kind == "stub":
            draw.ellipse([*at(-0.07, -0.04), *at(0.02, 0.05)], fill=self.coat)
            return self._finish(image, self.coat, root)
        # along a curve back and up from the root; its half-width at each point
        reach = 0.42 if kind == "bush" else 0.36
        points = [((1 - t) ** 2 * 0 + 2 * (1 - t) * t * -0.25 + t * t * -reach,
                   (1 - t) ** 2 * 0 + 2 * (1 - t) * t * 0.14 + t * t * -0.1) for t in (i / 24 for i in range(25))]
        widths = [(0.025 + 0.085 * math.sin(math.pi * min(1.0, t ** 0.8 * 1.05))) if kind == "bush" else 0.018
                  for t in (i / 24 for i in range(25))]
        def band(start: int, end: int, colour: RGB) -> None:
            side_a, side_b = [], []
            for i in range(start, end):
                (x0, y0), (x1, y1) = points[max(0, i - 1)], points[min(24, i + 1)]
                nx, ny = y0 - y1, x1 - x0
                norm = math.hypot(nx, ny) or 1.0
                w = widths[i]
                side_a.append(at(points[i][0] + nx / norm * w, points[i][1] + ny / norm * w))
                side_b.append(at(points[i][0] - nx / norm * w, points[i][1] - ny / norm * w))
            draw.polygon(side_a + side_b[::-1], fill=colour)
            for i in (start, end - 1):
                x, y = at(*points[i])
                draw.ellipse([x - widths[i] * s, y - widths[i] * s, x + widths[i] * s, y + widths[i] * s], fill=colour)
        band(0, 25, self.coat)
        if tip is not None and kind == "tuft":
            x, y = at(*points[-1])
            draw.ellipse([x - 0.05 * s, y - 0.04 * s, x + 0.04 * s, y + 0.05 * s], fill=tip)
        elif tip is not None:
            band(18, 25, tip)
        return self._finish(image, self.coat, root)

    # --- posing ---

    def pose(self, cycle: Gait | None, phase: float) -> Image.Image:
        """The whole figure at `phase` (0-1) of its cycle (standing when `cycle` is None), on the rig's
        canvas, laid back to front: the far legs (and arm), the tail, the body, the near legs, the head."""
        build = self.build
        canvas = Image.new("RGBA", self.size, (0, 0, 0, 0))
        bob = (cycle.bob * math.cos(4 * math.pi * phase) + cycle.crouch) if cycle else 0.0
        legs = [(leg, self._foot_at(leg, cycle, phase)) for leg in build.legs]
        for leg, foot in legs:
            if not leg.near:
                self._limb(canvas, leg, foot, bob)
        if self.robot:
            self._arm(canvas, False, cycle, phase, bob)
        if self.tail is not None:
            sway = (7 if cycle else 3) * math.sin(2 * math.pi * phase)
            self._lay(canvas, self.tail, (build.body[0] - build.body[2] * 0.88,
                                          build.body[1] - build.body[3] * 0.35 + bob), sway)
        self._lay(canvas, self.trunk, (0.0, bob))
        for leg, foot in legs:
            if leg.near:
                self._limb(canvas, leg, foot, bob)
        self._lay(canvas, self.head, (build.head_at[0], build.head_at[1] + bob))
        if self.robot:
            self._arm(canvas, True, cycle, phase, bob)
        return canvas

    def _lay(self, canvas: Image.Image, part: Part, at: Point, angle: float = 0.0) -> None:
        """Lay a part with its joint at `at` (figure heights), turned `angle` degrees about the joint."""
        image, (ax, ay) = part.image, part.anchor
        if angle:
            rad = math.radians(angle)
            dx, dy = ax - image.width / 2, ay - image.height / 2
            image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
            ax = image.width / 2 + dx * math.cos(rad) + dy * math.sin(rad)
            ay = image.height / 2 - dx * math.sin(rad) + dy * math.cos(rad)
        x, y = self.origin[0] + at[0] * self.unit - ax, self.origin[1] + at[1] * self.unit - ay
        canvas.alpha_composite(image, (round(x), round(y)))

    def _limb(self, canvas: Image.Image, leg: Leg, foot: Point, bob: float) -> None:
        hip = (leg.hip[0], leg.hip[1] + bob)
        knee = _knee(hip, foot, self.build.thigh, self.build.shin, leg.bend)
        self._lay(canvas, self.upper[leg.near], hip, _angle(hip, knee))
        self._lay(canvas, self.lower[leg.near], knee, _angle(knee, foot))
        self._lay(canvas, self.foot[leg.near], foot)

    def _arm(self, canvas: Image.Image, near: bool, cycle: Gait | None, phase: float, bob: float) -> None:
        """A robot's arm at the torso's right (near) or left side, swinging against the other's, elbow forward."""
        swing = cycle.swing if cycle else 0.0
        side = 1 if near else -1
        upper = side * (8.0 - swing * math.cos(2 * math.pi * phase))
        shoulder = (side * (self.build.body[2] + 0.015), 0.43 + bob)
        elbow = (shoulder[0] + ARM[0] * math.sin(math.radians(upper)),
                 shoulder[1] + ARM[0] * math.cos(math.radians(upper)))
        self._lay(canvas, self.arm[near], shoulder, upper)
        self._lay(canvas, self.forearm[near], elbow, upper + (25 + swing * 0.5 if cycle else side * 6.0))

    def _foot_at(self, leg: Leg, cycle: Gait | None, phase: float) -> Point:
        """Where a foot is: on the ground under its hip, moving back while planted, forward in the air."""
        ground = 1.0 - (0.025 if self.robot else 0.02)
        if cycle is None:
            return (leg.hip[0] + (0.02 if leg.bend > 0 else -0.02) if not self.robot else
                    leg.hip[0], ground)
        p = (phase + cycle.phases[self.build.legs.index(leg)]) % 1.0
        half = cycle.step / 2
        if p < cycle.stance:
            return (leg.hip[0] + half - cycle.step * p / cycle.stance, ground)
        q = (p - cycle.stance) / (1 - cycle.stance)
        return (leg.hip[0] - half + cycle.step * (0.5 - 0.5 * math.cos(math.pi * q)),
                ground - cycle.lift * math.sin(math.pi * q))


def _knee(hip: Point, foot: Point, upper: float, lower: float, bend: int) -> Point:
    """The middle joint of a two-segment limb from `hip` to `foot`, on the `bend` side (+1 forward)."""
    dx, dy = foot[0] - hip[0], foot[1] - hip[1]
    reach = min(math.hypot(dx, dy), upper + lower - 1e-6)
    base = math.atan2(dy, dx)
    opening = math.acos(max(-1.0, min(1.0, (upper ** 2 + reach ** 2 - lower ** 2) / (2 * upper * reach))))
    candidates = [(hip[0] + upper * math.cos(base + s * opening), hip[1] + upper * math.sin(base + s * opening))
                  for s in (1, -1)]
    return max(candidates, key=lambda k: k[0] * bend)


def _angle(start: Point, end: Point) -> float:
    """The turn (degrees, counter-clockwise on screen) that points a part hanging straight down from `start`
    toward `end`."""
    return math.degrees(math.atan2(end[0] - start[0], end[1] - start[1]))


def _darker(colour: RGB, factor: float) -> RGB:
    return tuple(round(c * factor) for c in colour)
