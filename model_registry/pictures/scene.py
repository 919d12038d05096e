"""The scene painter: a shot plan (a `Shot`, planned by pictures/shots.py) becomes a moving shot's layers.

No text-to-image weights install offline, so the picture is composed, not generated:
  1. the place (sets.py): a landscape or one of the interiors, as a background plate and a near strip
     wider than the frame, lit by the time of day and the weather, with its set pieces (trees that sway,
     clouds that drift, furniture from the 3D set);
  2. the cast, as sprites: the hero full-body in the 3D Fluent style where the set has it (else a
     silhouette tinted in the hero's colours), as large as the framing says (a close shot shows its head
     and shoulders), doing what the plan says (motion.py: walking at its stride, swimming, flying,
     speaking...), a group as several figures, whom it meets ahead of it, the things the sentence names,
     the tool in hand and the thing being made, and a face or speech bubble for a feeling or a word;
  3. the camera: a parallax pan along the hero's way (fast for a run, slow for a shot at rest);
  4. effects: rain, snow, storm, stars, fireflies, bubbles, dust in the light, lamps' glow, a falling star.
The flat picture, the shot at its middle, is what the contact sheet, the gallery and the cache key use.
Deterministic per (shot, seed); a place looks the same in every picture set there.
"""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image

from core.contracts import Bible, Effect, Layers, Look, Shot, Sprite
from model_registry.catalogue import Entry
from model_registry.pictures import Painting, fluent3d, library, motion, sprites
from model_registry.pictures.pictograms import GLOWING
from model_registry.pictures.player import ShotPlayer
from model_registry.pictures.sets import SetPainter
from model_registry.pictures.shots import DEFAULT_TINT

# Hero height (share of the frame), and where its feet are (past 1.0: the frame cuts it, a close shot shows
# the head and shoulders).
FRAMES = {"wide": (0.42, 0.93), "medium": (0.62, 1.0), "close": (1.75, 1.95)}
FACE_HEIGHT = 0.45  # an emoji face is an expression beside the figure, never the whole frame
SILHOUETTE_CLOSE = (1.05, 1.2)  # a flat silhouette blown up to a close shot's size shows its crudeness
CLOSE_WIDTH = 0.6  # and a long one (a fox on four legs, its tail behind) fills at most this much of the width
MARGIN = 0.35  # how much wider than the frame the plate and the strip are painted
VIEW = 0.4  # the camera looks toward the side of the set the hero is not on, this much of its offset
FOLLOW = {"walk": 0.3, "run": 0.75, "swim": 0.4, "fly": 0.6, "sail": 0.5}  # how much of the hero's way the camera pans
DRIFT = 0.012  # the camera's slow pan on a shot at rest (shares of the frame's width a second)
NOMINAL_SECONDS = 4.0  # the flat picture is the shot at the middle of a shot this long
VEHICLES = {"🚗", "🚌", "🚂", "🚕", "🚓", "🚑", "🚒", "🚜", "🚲", "🛵", "🚢", "⛵", "🚤", "🛶", "🚀", "🛸", "✈️", "🚁"}
FLIERS = {"🐦", "🦅", "🦆", "🦉", "🐉", "🦋", "🐝", "🦇", "🕊️", "🧚", "👻", "🦜", "🐤"}
FACES = {"joy": "😊", "fear": "😨", "sadness": "😢"}


class ScenePainter:
    """Paints a shot: its place, then (`draws_cast`) the hero, the others and the things over it."""

    draws_cast = True

    def __init__(self, entry: Entry):
        self.entry = entry

    def paint(self, *, text: str, bible: Bible, look: Look, shot: Shot, size: tuple[int, int],
              seed: int) -> Painting:
        fluent3d.check()  # one line naming the fix when the 3D art is missing or damaged, before any work
        # The place's look (ridges, the window, the stars) follows the place, not the sentence: the same
        # room or shore looks the same from picture to picture; what changes is who is in it and how close.
        digest = hashlib.sha256(f"{seed}|{self.variation(text, shot)}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        palette = [np.array(c, np.float32) for c in look.palette]
        place = SetPainter(shot, palette, size, MARGIN, rng).paint()
        cast, hero = cast_of(shot, place.horizon, size[1] / size[0]) if self.draws_cast else ([], None)
        everyone = tuple(place.pieces + cast)
        hero_index = len(place.pieces) + hero if hero is not None else None
        effects = tuple(place.effects) + tuple(_glows(everyone, shot))
        layers = Layers(sprites=everyone, effects=effects, pan=_pan(shot, everyone, hero_index),
                        view=_view(shot), margin=MARGIN,
                        horizon=place.horizon, grade=place.light, hero=hero_index, wraps=place.wraps)
        player = ShotPlayer(layers, place.plate, place.near, size, NOMINAL_SECONDS, seed)
        picture = player.frame(NOMINAL_SECONDS / 2)
        hero_box = player.box(hero_index, NOMINAL_SECONDS / 2) if hero_index is not None else None
        drawn = [art.drawn for art in player.art if art.sprite.role != "sky"]
        return Painting(picture, place.plate, place.near, layers, list(dict.fromkeys(drawn)), hero_box)

    def variation(self, text: str, shot: Shot) -> str:
        """What the picture's random choices follow: the place, so a place looks the same throughout."""
        return f"{shot.place}|{shot.time}|{shot.weather}"


def cast_of(shot: Shot, horizon: float, aspect: float) -> tuple[list[Sprite], int | None]:
    """The shot's figures and things as sprites, back to front; and which one is the hero. `aspect` is
    the frame's height over its width (a stride in heights becomes a speed in widths)."""
    scale, feet = FRAMES[shot.framing]
    hero = shot.hero
    facing_right = hero.facing == "right"
    ahead_sign = 1 if facing_right else -1
    hero_motion = motion.for_action(shot.action, shot.feeling)
    travels = hero_motion in motion.TRAVELS
    hero_x = 0.5 - ahead_sign * 0.12 if travels else hero.x
    asset = library.by_id().get(hero.asset)
    art = fluent3d.arts().get(hero.asset)
    face = asset is not None and asset.body == "face"
    drawn = library.draw(asset, 64) if asset is not None and art is None and not face else None  # its shape
    if face:
        scale, feet = min(scale, FACE_HEIGHT), min(feet, 0.95)
    elif art is None and shot.framing == "close":
        scale, feet = SILHOUETTE_CLOSE
        if drawn is not None:
            scale = min(scale, CLOSE_WIDTH / (drawn.width / drawn.height * aspect))
            feet = min(feet, scale + 0.17)
    elif art is not None and shot.framing == "close" and _lying(art.box):
        scale, feet = FRAMES["medium"]  # a swimmer or a runner has no head and shoulders to frame
    if drawn is not None and not travels:
        hero_x = _inside(hero_x, drawn, scale * aspect)
    ahead = [x for x in (hero_x + 0.3 * ahead_sign, hero_x + 0.42 * ahead_sign, 0.5) if 0.06 < x < 0.94] or [0.5]
    small = min(scale, 0.62)  # the others in a close shot stand further back
    sprites: list[Sprite] = []
    for i, thing in enumerate(t for t in shot.things if t.kind == "sky"):
        flies = thing.glyph in FLIERS or thing.glyph in VEHICLES
        sprites.append(Sprite(_asset(thing), x=0.2 + 0.6 * ((i * 0.37 + 0.3) % 1), ground=0.3 + 0.05 * i,
                              height=0.16, depth=0.4, motion="flutter" if flies else "bob",
                              speed=0.04 * ahead_sign if flies else 0.0, role="sky"))
    for i, thing in enumerate(t for t in shot.things if t.kind == "large"):
        vehicle = thing.glyph in VEHICLES
        sprites.append(Sprite(_asset(thing), x=ahead[i % len(ahead)], ground=horizon + 0.1,
                              height=0.3 * (1.2 - min(scale, 1.0) / 2), depth=0.7,
                              motion="drive" if vehicle else "still",
                              speed=-0.1 * ahead_sign if vehicle else 0.0, mirrored=vehicle and not facing_right,
                              role="thing"))
    if shot.group:  # several figures ahead of the hero, facing it, a little smaller
        count = shot.group.count
        for i in range(count):
            x = hero_x + ahead_sign * (0.2 + 0.5 * (i + 1) / (count + 1) * (0.92 - 0.2 - abs(hero_x - 0.5)))
            sprites.append(Sprite(shot.group.asset, x=min(0.95, max(0.05, x)),
                                  ground=min(feet, 1.0) - 0.05 - 0.03 * (i % 2), height=small * 0.72, depth=0.9,
                                  mirrored=_faces_left(shot.group.asset) == facing_right, motion="breathe",
                                  role="group"))
    for i, other in enumerate(shot.others):  # whom the hero meets: ahead of it, facing it
        flies = other.glyph in FLIERS
        sprites.append(Sprite(_asset(other), x=ahead[i % len(ahead)], ground=min(feet, 1.0) - 0.06,
                              height=small * 0.7, depth=0.9, mirrored=_faces_left(_asset(other)) == facing_right,
                              motion="fly" if flies else "breathe", lift=0.6 if flies else 0.0,
                              tint=_tint(_asset(other)), role="other"))
    hero_sprite = Sprite(hero.asset, x=hero_x, ground=feet, height=scale, depth=1.0,
                         mirrored=_faces_left(hero.asset) == facing_right if _facing(hero.asset) != "front" else False,
                         motion=hero_motion,
                         speed=_speed(hero.asset, hero_motion, scale * aspect) * ahead_sign if travels else 0.0,
                         lift=0.45 if hero_motion == "fly" and not (art and art.loop) else 0.0,
                         tint=hero.tint, role="hero")
    hero_index = len(sprites)
    sprites.append(hero_sprite)
    top = feet - scale  # the hero's head
    hand_x = hero_x + ahead_sign * scale * 0.22
    for i, prop in enumerate(shot.props):  # the tool in hand, then what is being made beside it
        size = min(0.3, (0.16 if i == 0 else 0.24) * (0.7 + min(scale, 1.0) / 2))
        if prop.glyph in ("💤", "🎶", "✨"):  # above the hero's head
            sprites.append(Sprite(_asset(prop), x=hero_x + ahead_sign * scale * 0.25, ground=max(0.2, top + 0.08),
                                  height=size, depth=1.0, motion="bob", role="prop"))
        else:
            ground = min(feet, 0.98) if i else min(0.98, top + scale * 0.62 + size)
            sprites.append(Sprite(_asset(prop), x=hand_x + ahead_sign * i * size * 0.9, ground=ground, height=size,
                                  depth=1.0, motion="still" if i else "stroke", role="prop"))
    held = shot.action in ("find", "give", "eat", "drink")  # the first thing is the one in hand
    for i, thing in enumerate(t for t in shot.things if t.kind == "small"):
        size = 0.16 * (0.7 + min(scale, 1.0) / 2) * (1.6 if held and i == 0 else 1.0)
        sprites.append(Sprite(_asset(thing), x=hero_x + ahead_sign * (0.16 + i * size * 1.2),
                              ground=min(feet, 0.95), height=min(size, 0.3), depth=1.0,
                              motion="bob" if thing.glyph in GLOWING else "still", role="thing"))
    if shot.feeling or shot.action == "talk":  # a face or a speech bubble by the hero's head
        badge = FACES.get(shot.feeling, "💬")
        sprites.append(Sprite(_badge(badge), x=hero_x + ahead_sign * min(0.2, scale * 0.32),
                              ground=max(0.16, top + 0.16), height=0.12, depth=1.0, motion="bob", role="badge"))
    return sprites, hero_index


def _asset(thing) -> str:
    """What draws a thing: its library asset's 3D art (or the puppet or silhouette the plan chose for a whole
    animal), else its emoji's 3D art, else its library art, else the emoji itself."""
    if thing.asset in fluent3d.arts() or (thing.asset and thing.asset.startswith(("game-icons/", "puppet/"))):
        return thing.asset
    art = fluent3d.by_glyph().get(thing.glyph)
    return art.library_id if art else thing.asset or thing.glyph


def _tint(asset_id: str):
    """The colour a one-colour silhouette is drawn in: its animal's own (a fox's orange)."""
    asset = library.by_id().get(asset_id)
    return DEFAULT_TINT.get(asset.subject, (150, 120, 90)) if asset is not None and asset.tint else None


def _badge(glyph: str) -> str:
    art = fluent3d.by_glyph().get(glyph)
    return art.library_id if art else glyph


def _facing(asset_id: str) -> str:
    art = fluent3d.arts().get(asset_id)
    if art is not None:
        return art.facing
    asset = library.by_id().get(asset_id)
    return asset.facing if asset and asset.facing else "front"


def _inside(x: float, drawn: Image.Image, height_in_widths: float) -> float:
    """`x` moved so that a figure drawn this shape, this tall, stays whole across the frame: a flat
    silhouette cut by the frame's edge (a close shot's fox, its head and half its tail off the left) reads
    as a shape, not a fox. A figure wider than the frame stays where it was."""
    half = drawn.width / drawn.height * height_in_widths / 2
    return x if half >= 0.45 else min(max(x, half + 0.05), 0.95 - half)


def _lying(box: tuple[float, float, float, float]) -> bool:
    """Whether a figure's body is more across than up (swimming, running, flying): framed close, the
    frame would hold a blown-up arm or back, not a head and shoulders."""
    x0, y0, x1, y1 = box
    return x1 - x0 > 0.75 * (y1 - y0)


def _faces_left(asset_id: str) -> bool:
    return _facing(asset_id) == "left"


def _speed(asset: str, hero_motion: str, height_in_widths: float) -> float:
    """How fast the hero travels (shares of the frame's width a second): a walk or run cycle (a 3D loop's,
    a puppet's) at its own stride, so its feet do not slide; anything else at its motion's pace."""
    if hero_motion in ("walk", "run") and (stride := sprites.stride_of(asset, hero_motion)):
        return stride * height_in_widths
    return motion.DRIFT.get(hero_motion, 0.0)


def _pan(shot: Shot, cast: tuple[Sprite, ...], hero: int | None) -> float:
    """The camera's pan: along with a travelling hero (part of its way), else a slow drift."""
    if hero is not None and cast[hero].speed:
        return cast[hero].speed * FOLLOW.get(cast[hero].motion, 0.3)
    return DRIFT * (1 if shot.index % 2 == 0 else -1)


def _view(shot: Shot) -> float:
    """Where the camera looks: toward the side of the set the hero is not on, and (as the hero comes back
    to a third it stood in before, every three shots) a little further along each time."""
    return (0.5 - shot.hero.x) * VIEW + 0.07 * ((shot.index // 3) % 3 - 1)


def _glows(sprites: tuple[Sprite, ...], shot: Shot) -> list[Effect]:
    """A glow around what shines (a lantern, a candle, a star) and around a hero doing magic."""
    found = []
    for sprite in sprites:
        glyph = fluent3d.arts()[sprite.asset].glyph if sprite.asset in fluent3d.arts() else sprite.asset
        if glyph in GLOWING and sprite.role in ("thing", "prop"):
            found.append(Effect("glow", x=sprite.x, y=sprite.ground - sprite.height / 2, size=sprite.height * 2.2))
        if sprite.role == "hero" and shot.action == "glow":
            found.append(Effect("glow", x=sprite.x, y=sprite.ground - sprite.height / 2, size=min(1.0, sprite.height)))
    if shot.time == "night" and any(w in (t.name for t in shot.things) for w in ("shooting star", "comet")):
        found.append(Effect("falling_star"))
    return found
