"""A moving shot played frame by frame: the painter's layers (core/contracts.py `Layers`) over time.

    player = ShotPlayer(layers, plate, near, size=(1280, 720), seconds=4.2, seed=7)
    frame = player.frame(1.5)          # a PIL RGB image, 1.5 s into the shot

The camera pans: each layer slides by the pan times its depth (the plate at 0.4, mid sprites at 0.7, the
near strip and the cast at 1), in whole pixels, so far land moves slower than near ground; the
landscape's plate and strip are painted to wrap, so a long pan never runs off them (a room's walls do
not wrap: there the pan stops at their edge). Sprites play their motion (motion.py) from where the shot
has them at its middle; effects (rain, snow, twinkling stars, fireflies, glows, a falling star, bubbles,
dust) are drawn from points fixed per seed. A frame is a few milliseconds: a crop of the plate, the
sprites pasted through their masks (PIL, in C), and numpy for the effects' points. The plate's own moving
parts are drawn before the sprites: open water glints, a room's window twinkles at night, and a station's
wall is alive (stars stream past its porthole, its console lights blink, its read-outs run).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from core.contracts import Effect, Layers
from model_registry.pictures import motion
from model_registry.pictures.sets import CONSOLE_LIGHTS, PLANET, WINDOW
from model_registry.pictures.sprites import Layer, SpriteArt

FAR, MID, NEAR = 0.4, 0.7, 1.0  # how much of the camera's pan each depth follows
SET_PIECES = ("furniture", "sky")  # sprites that belong to the place (the rest the shot places in the frame)
SHADOW_ALPHA = 70
RGB = tuple[int, int, int]


class ShotPlayer:
    def __init__(self, layers: Layers, plate: Image.Image, near: Image.Image | None, size: tuple[int, int],
                 seconds: float, seed: int = 0, loudness: np.ndarray | None = None):
        """`plate` and `near` are the painted layers at this size's height; `loudness` (0-1 per frame at
        24 fps) makes a speaking hero bob."""
        self.layers, self.size, self.seconds, self.wraps = layers, size, seconds, layers.wraps
        width, height = size
        self.plate = _tiled(plate.convert("RGB"), size[0], self.wraps)
        self.near = self.near_mask = self.near_solid = None
        if near is not None:  # pasted through its mask where its top edge is see-through, copied below that
            alpha = np.asarray(near.getchannel("A"))
            see_through = np.nonzero((alpha < 255).any(axis=1))[0]
            solid = int(see_through[-1]) + 1 if len(see_through) else 0
            self.near = _tiled(near.convert("RGB").crop((0, 0, near.width, solid)), size[0], self.wraps)
            self.near_mask = _tiled(near.getchannel("A").crop((0, 0, near.width, solid)), size[0], self.wraps)
            if solid < near.height:
                self.near_solid = _tiled(near.convert("RGB").crop((0, solid, near.width, near.height)), size[0],
                                         self.wraps)
        self.near_top = round(layers.horizon * height) if near is not None else height
        self.loudness = loudness
        rng = np.random.default_rng(seed)
        order = sorted(range(len(layers.sprites)), key=lambda i: (layers.sprites[i].depth, layers.sprites[i].ground))
        self.order = order
        self.art = [SpriteArt(s, round(s.height * height), layers.grade) for s in layers.sprites]
        self.phases = [float(rng.random()) for _ in layers.sprites]
        self.shadows = {i: _shadow(self.art[i].size[0], height) for i, s in enumerate(layers.sprites)
                        if s.depth >= MID and s.lift == 0 and s.ground <= 1.02 and s.role in ("hero", "other", "group")}
        self.effects = Effects(layers, size, rng, self.plate, self._start(self.plate, 0))

    # --- the camera ---

    def offset(self, t: float, depth: float, viewed: bool = True) -> int:
        """How many pixels a layer at `depth` has slid at time t: the camera's pan since the shot's middle,
        and (`viewed`: the set, not the cast the shot places in the frame) where the camera looks."""
        width = self.size[0]
        shift = (self.layers.pan * (t - self.seconds / 2) + (self.layers.view if viewed else 0.0)) * depth * width
        if not self.wraps:
            room = self.layers.margin * width / 2
            shift = max(-room, min(room, shift))
        return round(shift)

    def _start(self, image: Image.Image, shift: int) -> int:
        """Where the frame-wide window of a painted layer starts, its middle at the frame's middle, slid by
        `shift` (a wrapping layer is kept with a frame's width of itself repeated after its end)."""
        width = self.size[0]
        painted = image.width - width if self.wraps else image.width
        start = (painted - width) // 2 + shift
        return start % painted if self.wraps else max(0, min(painted - width, start))

    # --- the sprites ---

    def place(self, index: int, t: float) -> tuple[int, int, Layer]:
        """Where sprite `index` is drawn at time t: its top-left corner and its picture."""
        sprite, art = self.layers.sprites[index], self.art[index]
        width, height = self.size
        speed = sprite.speed * width
        loud = 0.0
        if self.loudness is not None and sprite.role == "hero" and len(self.loudness):
            loud = float(self.loudness[min(len(self.loudness) - 1, int(t * 24))])
        pose = motion.pose(sprite.motion, t - self.seconds / 2, sprite.height * height, max(1, len(art.frames)),
                           art.fps, speed, self.phases[index], loud)
        layer, grown = art.layer(pose.frame, pose.turn)
        feet = sprite.ground * height - sprite.lift * sprite.height * height + pose.dy
        centre = sprite.x * width + pose.dx - self.offset(t, sprite.depth, viewed=sprite.role in SET_PIECES)
        return round(centre - layer.size[0] / 2), round(feet - layer.size[1] + grown), layer

    def box(self, index: int, t: float) -> tuple[int, int, int, int]:
        """Sprite `index`'s box in the frame at time t: left, top, right, bottom (pixels)."""
        left, top, layer = self.place(index, t)
        return left, top, left + layer.size[0], top + layer.size[1]

    # --- a frame ---

    def frame(self, t: float) -> Image.Image:
        """The shot `t` seconds after it starts, as a PIL RGB image."""
        start = self._start(self.plate, self.offset(t, FAR))
        frame = self.plate.crop((start, 0, start + self.size[0], self.size[1]))
        self.effects.draw_wall(frame, t, self)
        drawn_near = False
        for index in self.order:
            sprite = self.layers.sprites[index]
            if sprite.depth >= NEAR and not drawn_near:
                self._near(frame, t)
                drawn_near = True
            left, top, layer = self.place(index, t)
            if index in self.shadows:
                shadow = self.shadows[index]
                shadow.over(frame, left + (layer.size[0] - shadow.size[0]) // 2,
                            round(sprite.ground * self.size[1] - shadow.size[1] / 2))
            layer.over(frame, left, top)
        if not drawn_near:
            self._near(frame, t)
        return self.effects.draw(frame, t, self) if self.effects.kinds else frame

    def _near(self, frame: Image.Image, t: float) -> None:
        if self.near is not None:
            start = self._start(self.near, self.offset(t, NEAR))
            if self.near.height:
                frame.paste(self.near, (-start, self.near_top), self.near_mask)
            if self.near_solid is not None:
                frame.paste(self.near_solid, (-start, self.near_top + self.near.height))


def _tiled(image: Image.Image, width: int, wraps: bool) -> Image.Image:
    """A wrapping layer with its first `width` columns repeated after its end, so every window is whole."""
    if not wraps:
        return image
    tiled = Image.new(image.mode, (image.width + width, image.height))
    tiled.paste(image, (0, 0))
    tiled.paste(image.crop((0, 0, width, image.height)), (image.width, 0))
    return tiled


def _shadow(width: int, height: int) -> Layer:
    """A soft dark ellipse for a figure's feet."""
    w, h = max(4, int(width * 0.8)), max(2, int(height * 0.025))
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    distance = ((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2
    alpha = np.clip(1 - distance, 0, 1) ** 1.5 * SHADOW_ALPHA
    return Layer(Image.new("RGB", (w, h)), Image.fromarray(alpha.astype(np.uint8), "L"))


class Effects:
    """Weather and light as points and small glows, fixed per seed and moved per frame, drawn straight onto
    the frame (points in C through ImageDraw, a glow added onto its own small patch)."""

    def __init__(self, layers: Layers, size: tuple[int, int], rng: np.random.Generator, plate: Image.Image,
                 origin: int):
        """`origin`: where on `plate` the frame starts when the camera looks at its middle."""
        self.kinds = {effect.kind for effect in layers.effects}
        self.glows = [(e, _glow(max(6, int(e.size * size[1])))) for e in layers.effects if e.kind == "glow"]
        width, height = size
        self.size = size
        # Moving parts of the plate: open water glints; a station's porthole shows the stars streaming by,
        # its lights blink, its read-outs run. Each is redrawn over the plate in the colours the plate was
        # painted and lit with there, before anything stands in front of it.
        parts = {"porthole": Porthole, "consoles": Console, "screen": Screen, "water": Water, "window": Window}
        self.wall = [parts[e.kind](e, _plate_point(plate, e, size[1], origin + e.x * width), rng)
                     for e in layers.effects if e.kind in parts]
        count = {"rain": width * height // 1800, "storm": width * height // 1500, "snow": width * height // 2600,
                 "stars": 60, "fireflies": 14, "bubbles": 40, "dust": 30}
        self.points = {kind: rng.random((count[kind], 3)) for kind in count if kind in self.kinds}
        self.falling = rng.random(3)

    def draw_wall(self, frame: Image.Image, t: float, player: ShotPlayer) -> None:
        """The moving parts of the plate itself at time t, drawn before anything stands in front of them."""
        if self.wall:
            draw = ImageDraw.Draw(frame)
            for piece in self.wall:
                piece.draw(draw, t, player.offset(t, FAR), self.size)

    def draw(self, frame: Image.Image, t: float, player: ShotPlayer) -> Image.Image:
        """`frame` with the effects at time t (drawn onto it; a lightning flash makes a new image)."""
        width, height = self.size
        draw = ImageDraw.Draw(frame)
        for effect, glow in self.glows:
            flicker = 0.85 + 0.15 * math.sin(t * 9.0 + effect.x * 20) * math.sin(t * 5.3 + 1.0)
            x, y = effect.x * width - player.offset(t, MID), effect.y * height
            _add(frame, glow, round(x - glow.shape[1] / 2), round(y - glow.shape[0] / 2), flicker)
        for kind in ("rain", "storm"):
            if kind in self.points:
                p = self.points[kind]
                length = max(4, height // 60)
                xs = (p[:, 0] * width + t * width * 0.08) % width
                ys = (p[:, 1] * height + t * height * 1.9) % height
                for step in range(length):
                    _points(draw, xs + step * 0.3, ys + step, (175, 185, 205))
        if "snow" in self.points:
            p = self.points["snow"]
            xs = (p[:, 0] * width + np.sin(t * 1.3 + p[:, 2] * 6.3) * width * 0.012) % width
            ys = (p[:, 1] * height + t * height * (0.06 + 0.08 * p[:, 2])) % height
            for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
                _points(draw, xs + dx, ys + dy, (245, 245, 255))
        if "stars" in self.points:
            p = self.points["stars"]
            bright = np.sin(t * (2 + 3 * p[:, 2]) + p[:, 2] * 40) > 0.2  # each twinkles on and off
            xs, ys = (p[:, 0] * width - player.offset(t, FAR)) % width, p[:, 1] * height * 0.45
            _points(draw, xs[bright], ys[bright], (255, 255, 235))
            _points(draw, xs[bright] + 1, ys[bright], (200, 200, 210))
        if "fireflies" in self.points:
            p = self.points["fireflies"]
            xs = (p[:, 0] + 0.05 * np.sin(t * 0.7 + p[:, 2] * 9)) * width
            ys = (0.55 + 0.35 * p[:, 1] + 0.04 * np.sin(t * 1.1 + p[:, 2] * 5)) * height
            lit = np.sin(t * 3 + p[:, 2] * 20) > -0.3
            for dx, dy in ((0, 0), (1, 0), (0, 1), (-1, 0), (0, -1)):
                _points(draw, xs[lit] + dx, ys[lit] + dy, (255, 235, 110) if dx == dy == 0 else (200, 190, 90))
        if "bubbles" in self.points:
            p = self.points["bubbles"]
            xs = p[:, 0] * width + np.sin(t * 2 + p[:, 2] * 7) * width * 0.005
            ys = (p[:, 1] * height - t * height * (0.05 + 0.1 * p[:, 2])) % height
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                _points(draw, xs + dx, ys + dy, (200, 230, 250))
        if "dust" in self.points:
            p = self.points["dust"]
            xs = (p[:, 0] * width + t * width * 0.01 * (p[:, 2] - 0.5)) % width
            ys = p[:, 1] * height * 0.8 + np.sin(t * 0.5 + p[:, 2] * 6) * height * 0.02
            lit = np.sin(t + p[:, 2] * 11) > 0
            _points(draw, xs[lit], ys[lit], (250, 240, 205))
        if "falling_star" in self.kinds:
            start = 0.2 + 0.4 * self.falling[1]
            progress = (t / max(0.1, player.seconds) - start) / 0.25
            if 0 <= progress <= 1:
                x0, y0 = (0.15 + 0.5 * self.falling[2]) * width, 0.08 * height
                tail = [(x0 + (progress - k * 0.012) * width * 0.3, y0 + (progress - k * 0.012) * height * 0.15)
                        for k in range(24) if progress - k * 0.012 >= 0]
                draw.line(tail, fill=(255, 250, 220), width=2)
        if "storm" in self.kinds and (t * 0.7 + self.falling[0]) % 1.0 < 0.035:
            frame = frame.point(lambda v: min(255, v * 3 // 2 + 40))  # lightning
        return frame


def _plate_point(plate: Image.Image, effect: Effect, height: int, left: float) -> Callable[[float, float], RGB]:
    """A function giving the plate's colour at (dx, dy) (shares of the frame's height) from where `effect`
    sits on it (`left` pixels across it): the median of a small patch there."""

    def colour(dx: float, dy: float) -> RGB:
        x, y, r = left + dx * height, (effect.y + dy) * height, max(1, round(height * 0.006))
        patch = np.asarray(plate.crop((round(x) - r, round(y) - r, round(x) + r + 1, round(y) + r + 1)))
        return tuple(int(c) for c in np.median(patch.reshape(-1, 3), axis=0))
    return colour


class Porthole:
    """The round window of a station's wall, looking out as it travels: the stars stream past (the near
    ones faster and brighter than the far), and the planet outside drifts slowly by."""

    STREAM = (0.12, 0.25, 0.5)  # porthole radii a second, far to near stars
    DRIFT = 0.03  # the planet's, porthole radii a second: it stays whole in sight for 10 s

    def __init__(self, effect: Effect, colour_at: Callable[[float, float], RGB], rng: np.random.Generator):
        self.effect = effect
        self.space = colour_at(-effect.size * 0.6, 0.0)
        self.planet = colour_at(effect.size * PLANET[0], effect.size * PLANET[1])  # where the painter put it
        self.stars = rng.random((150, 3))  # x, y in the porthole's square, depth

    def draw(self, draw: ImageDraw.ImageDraw, t: float, shift: int, size: tuple[int, int]) -> None:
        width, height = size
        x, y, r = self.effect.x * width - shift, self.effect.y * height, self.effect.size * height
        draw.ellipse((x - r, y - r, x + r, y + r), fill=self.space)
        depth = np.minimum(2, (self.stars[:, 2] * 3).astype(int))
        across = (self.stars[:, 0] * 2 + t * np.take(self.STREAM, depth)) % 2 - 1  # -1 to 1, wrapping round
        down = self.stars[:, 1] * 2 - 1
        inside = across ** 2 + down ** 2 < 0.9
        xs, ys = x + across * r, y + down * r
        for level, colour, dots in ((0, (140, 140, 175), ((0, 0),)), (1, (200, 200, 230), ((0, 0), (1, 0))),
                                    (2, (245, 245, 255), ((0, 0), (1, 0), (0, 1), (1, 1), (-1, 0), (-2, 0)))):
            keep = inside & (depth == level)
            for dx, dy in dots:
                _points(draw, xs[keep] + dx, ys[keep] + dy, colour)
        px = x + ((PLANET[0] + t * self.DRIFT + 1.3) % 2.6 - 1.3) * r  # far off, it comes round again
        py, pr = y + PLANET[1] * r, PLANET[2] * r
        if abs(px - x) < r - pr:  # whole inside the window (the frame's rim hides it as it passes)
            draw.ellipse((px - pr, py - pr, px + pr, py + pr), fill=self.planet)
            rim = tuple(min(255, c + 45) for c in self.planet)
            draw.arc((px - pr, py - pr, px + pr, py + pr), 200, 320, fill=rim, width=max(1, round(pr / 6)))


class Console:
    """The row of lights along a station's console, each blinking at its own pace."""

    def __init__(self, effect: Effect, colour_at: Callable[[float, float], RGB], rng: np.random.Generator):
        self.effect = effect
        self.dark = colour_at(0.0, -0.03)  # the console's face just above a light
        self.count = 80
        self.pace, self.phase = rng.uniform(1.2, 4.5, self.count), rng.uniform(0, 2 * math.pi, self.count)
        self.colours = [CONSOLE_LIGHTS[i] for i in rng.integers(len(CONSOLE_LIGHTS), size=self.count)]

    def draw(self, draw: ImageDraw.ImageDraw, t: float, shift: int, size: tuple[int, int]) -> None:
        width, height = size
        w, h = height * 0.013, height * 0.009
        y = self.effect.y * height
        lit = np.sin(t * self.pace + self.phase) > -0.2
        for k in range(self.count):
            x = (self.effect.x + k * self.effect.size) * width - shift
            if -w < x < width + w:
                draw.rectangle((x - w, y - h, x + w, y + h), fill=self.colours[k] if lit[k] else self.dark)


class Screen:
    """A read-out on a station's console: bars that rise and fall, like a level meter."""

    BARS = 9

    def __init__(self, effect: Effect, colour_at: Callable[[float, float], RGB], rng: np.random.Generator):
        self.effect = effect
        self.glass = colour_at(0.0, 0.0)
        self.pace, self.phase = rng.uniform(2.0, 6.0, self.BARS), rng.uniform(0, 2 * math.pi, self.BARS)

    def draw(self, draw: ImageDraw.ImageDraw, t: float, shift: int, size: tuple[int, int]) -> None:
        width, height = size
        h = self.effect.size * height
        x, y, w = self.effect.x * width - shift, self.effect.y * height, h * 1.8
        inner = (x - w / 2 + 2, y - h / 2 + 2, x + w / 2 - 2, y + h / 2 - 2)
        draw.rectangle(inner, fill=self.glass)
        bar = (inner[2] - inner[0]) / self.BARS
        levels = 0.55 + 0.4 * np.sin(t * self.pace + self.phase)
        for j, level in enumerate(levels):
            left = inner[0] + j * bar + bar * 0.2
            draw.rectangle((left, inner[3] - level * (inner[3] - inner[1]), left + bar * 0.6, inner[3]),
                           fill=(110, 240, 170))


class Window:
    """A room's window at night: stars in it twinkle."""

    def __init__(self, effect: Effect, colour_at: Callable[[float, float], RGB], rng: np.random.Generator):
        self.effect = effect
        self.stars = rng.random((30, 3))  # across, down, pace

    def draw(self, draw: ImageDraw.ImageDraw, t: float, shift: int, size: tuple[int, int]) -> None:
        width, height = size
        s = self.stars
        xs = (self.effect.x + (s[:, 0] - 0.5) * WINDOW[0] * 0.9) * width - shift
        ys = (self.effect.y + (s[:, 1] - 0.5) * (WINDOW[2] - WINDOW[1]) * 0.9) * height
        lit = np.sin(t * (2 + 4 * s[:, 2]) + s[:, 2] * 50) > 0.3
        for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
            _points(draw, xs[lit] + dx, ys[lit] + dy, (255, 250, 225))


class Water:
    """Light on open water: short glints that come and go and drift slowly with the current, longer and
    further apart nearer the viewer."""

    COUNT = 160

    def __init__(self, effect: Effect, colour_at: Callable[[float, float], RGB], rng: np.random.Generator):
        self.effect = effect
        water = np.array(colour_at(0.0, effect.size * 0.15), np.float32)
        self.light = tuple(int(c) for c in np.minimum(255, water * 1.3 + 25))
        self.glints = rng.random((self.COUNT, 4))  # across, down, length, phase

    def draw(self, draw: ImageDraw.ImageDraw, t: float, shift: int, size: tuple[int, int]) -> None:
        width, height = size
        g = self.glints
        near = g[:, 1] ** 1.5  # more of them near the horizon, where the water is seen flatter
        ys = (self.effect.y + 0.01 + near * (self.effect.size - 0.01)) * height
        lengths = width * (0.006 + 0.022 * near) * (0.5 + g[:, 2])
        xs = (g[:, 0] * width * 1.4 - shift + t * width * 0.012) % (width * 1.4) - width * 0.2  # with the plate
        lit = np.sin(t * (1.5 + 2.5 * g[:, 2]) + g[:, 3] * 40) > 0.1
        thick = max(1, height // 360) * (1 + (near > 0.4))
        for x, y, length, width_px in zip(xs[lit].tolist(), ys[lit].tolist(), lengths[lit].tolist(),
                                          thick[lit].tolist()):
            draw.line((x - length / 2, y, x + length / 2, y), fill=self.light, width=width_px)


def _points(draw: ImageDraw.ImageDraw, xs: np.ndarray, ys: np.ndarray, colour: tuple[int, int, int]) -> None:
    """Single pixels at (xs, ys) in `colour` (ImageDraw clips what falls outside)."""
    if len(xs):
        draw.point(list(zip(np.asarray(xs).astype(int).tolist(), np.asarray(ys).astype(int).tolist())), fill=colour)


def _glow(diameter: int) -> np.ndarray:
    """A warm radial glow to add onto a frame (uint16 RGB, 0-255)."""
    y, x = np.mgrid[0:diameter, 0:diameter].astype(np.float32)
    r = np.hypot(x - diameter / 2, y - diameter / 2) / (diameter / 2)
    light = np.clip(1 - r, 0, 1) ** 2
    return (light[..., None] * np.array((150, 110, 45), np.float32)).astype(np.uint16)


def _add(frame: Image.Image, glow: np.ndarray, left: int, top: int, strength: float) -> None:
    """Add `glow` (times `strength`) onto `frame` at (left, top): only its own patch goes through numpy."""
    width, height = frame.size
    x0, y0, x1, y1 = max(0, left), max(0, top), min(width, left + glow.shape[1]), min(height, top + glow.shape[0])
    if x0 < x1 and y0 < y1:
        patch = np.asarray(frame.crop((x0, y0, x1, y1)), np.uint16)
        piece = glow[y0 - top:y1 - top, x0 - left:x1 - left]
        lit = np.minimum(255, patch + (piece * int(strength * 256) >> 8)).astype(np.uint8)
        frame.paste(Image.fromarray(lit), (x0, y0))
