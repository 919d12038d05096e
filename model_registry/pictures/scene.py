"""The scene painter: a shot plan (a `Shot`, planned by pictures/shots.py) becomes a layered picture.

No text-to-image weights install offline, so the picture is composed, not generated:
  1. the place: a landscape in layers (sky, sun or moon, far and near terrain, water) in the genre
     palette with atmospheric perspective, or a room painted in code (wall, floor in perspective, a
     window lit by the time of day) furnished for what it is (a kitchen, a classroom, a station...);
  2. the figures: the hero full-body in the shot's pose from the illustration library (a silhouette
     tinted in the hero's colours where the library has no colour art of it), as large as the framing
     says, where the shot puts it and facing the way it says; a group as several figures; others in
     the middle ground;
  3. the things: what the sentence names (library art for the emoji, else the Noto emoji), the tool
     in hand and the thing being made, large ones on the horizon, sky things above; each with a shadow;
  4. the light: night and dusk tints, glows around lamps and stars, rain, snow, fog or a storm.
Every asset drawn is listed in the picture's `info["assets"]` (library ids, or the emoji). Deterministic
per (shot, seed); a place looks the same in every picture set there.
"""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from core.contracts import Bible, Look, Shot, Thing
from model_registry.catalogue import Entry
from model_registry.pictures import library
from model_registry.pictures.pictograms import GLOWING, glyph_image

# Hero height (share of the frame), and where its feet are (ground below 1.0: the frame cuts it).
FRAMES = {"wide": (0.42, 0.93), "medium": (0.62, 1.0), "close": (0.9, 1.22)}
# How a figure whose art has another pose is bent into the shot's: degrees leaning forward, height kept,
# and how far above the ground (share of its height).
BENDS = {"walk": (7, 1.0, 0.0), "run": (15, 0.95, 0.05), "fly": (12, 0.9, 0.45), "lie": (78, 0.62, 0.0),
         "swim": (70, 0.6, 0.0), "climb": (24, 1.0, 0.1), "sit": (0, 0.82, 0.0), "kneel": (0, 0.8, 0.0),
         "sad": (-6, 0.88, 0.0), "dance": (-10, 1.0, 0.08), "magic": (-5, 1.0, 0.0), "sing": (-8, 1.0, 0.0),
         "talk": (-4, 1.0, 0.0), "hold": (4, 0.95, 0.0), "make": (5, 0.92, 0.0), "paint": (5, 0.92, 0.0),
         "cook": (5, 0.92, 0.0)}
# Wall and floor of each kind of room, as shares of the palette's darkest and lightest colours.
ROOMS = {"station": ((70, 80, 105), (45, 50, 65)), "cave": ((85, 75, 70), (60, 52, 48)),
         "hall": ((170, 140, 120), (120, 70, 60)), "kitchen": ((225, 215, 185), (160, 120, 90)),
         "classroom": ((200, 210, 190), (150, 115, 80)), "gallery": ((232, 228, 220), (150, 130, 110)),
         "library": ((150, 110, 80), (110, 80, 60)), "shop": ((215, 200, 170), (150, 120, 95)),
         "room": ((205, 185, 160), (140, 100, 70))}


class ScenePainter:
    """Paints a shot: its place, then (`draws_cast`) the hero, the others and the things, then the light."""

    draws_cast = True

    def __init__(self, entry: Entry):
        self.entry = entry

    def paint(self, *, text: str, bible: Bible, look: Look, shot: Shot, size: tuple[int, int],
              seed: int) -> Image.Image:
        # The place's look (ridges, the window, the stars) follows the place, not the sentence: the same
        # room or shore looks the same from picture to picture; what changes is who is in it and how close.
        digest = hashlib.sha256(f"{seed}|{self.variation(text, shot)}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        palette = [np.array(c, np.float32) for c in look.palette]
        canvas = Canvas(*size, shot, palette, rng)
        canvas.sky()
        if shot.indoors:
            canvas.room()
        else:
            canvas.terrain()
        if self.draws_cast:
            canvas.place()
        canvas.light()
        picture = canvas.finish(palette)
        picture.info["assets"] = canvas.drawn
        picture.info["hero_box"] = canvas.hero_box  # left, top, right, bottom: where the hero was drawn
        return picture


    def variation(self, text: str, shot: Shot) -> str:
        """What the picture's random choices follow: the place, so a place looks the same throughout."""
        return f"{shot.place}|{shot.time}|{shot.weather}"


class Canvas:
    """One picture being painted; methods run back to front."""

    def __init__(self, width: int, height: int, shot: Shot, palette: list[np.ndarray], rng):
        self.width, self.height, self.shot, self.palette, self.rng = width, height, shot, palette, rng
        self.setting = "indoors" if shot.indoors else shot.landscape
        self.horizon = int(height * (0.62 if self.setting in ("sea", "lake", "desert") else 0.58))
        self.image = Image.new("RGB", (width, height))
        self.glows: list[tuple[float, float, float]] = []
        self.drawn: list[str] = []
        self.hero_box: tuple[int, int, int, int] | None = None

    def _rgb(self, colour) -> tuple[int, int, int]:
        return tuple(int(c) for c in np.clip(colour, 0, 255))

    def sky(self) -> None:
        time, setting = self.shot.time, self.setting
        tops = {"night": (10, 14, 40), "dusk": (70, 50, 110), "dawn": (110, 140, 200), "day": (70, 130, 215)}
        bottoms = {"night": (35, 45, 90), "dusk": (250, 150, 90), "dawn": (250, 200, 170), "day": (215, 232, 250)}
        top, bottom = np.array(tops[time], np.float32), np.array(bottoms[time], np.float32)
        if setting == "space":
            top, bottom = np.array((3, 3, 12.0)), np.array((20, 14, 45.0))
        top = top * 0.8 + self.palette[0] * 0.2
        y = np.linspace(0, 1, self.height, dtype=np.float32)[:, None, None]
        gradient = top * (1 - y) + bottom * y
        self.sky_colour = bottom
        self.image = Image.fromarray(np.broadcast_to(gradient, (self.height, self.width, 3)).astype(np.uint8))
        draw = ImageDraw.Draw(self.image)
        if setting == "space" or time == "night":
            for _ in range(self.width * self.height // 300):
                x, yy = self.rng.integers(self.width), self.rng.integers(self.horizon)
                shade = int(self.rng.integers(150, 256))
                draw.point((int(x), int(yy)), fill=(shade, shade, min(255, shade + 20)))
        named_sky = any(t.kind == "sky" for t in self.shot.things)
        if setting != "indoors" and not named_sky:
            x = self.rng.uniform(0.15, 0.85) * self.width
            yy = self.rng.uniform(0.12, 0.3) * self.height
            r = self.height * (0.06 if time == "night" else 0.08)
            colour = ((245, 245, 215) if time == "night" else (255, 215, 120) if time in ("dusk", "dawn")
                      else (255, 245, 200))
            if setting == "space":  # a planet, lit from one side
                r, colour = self.height * 0.22, self._rgb(self.palette[-2 % len(self.palette)] * 0.8 + 40)
            draw.ellipse((x - r, yy - r, x + r, yy + r), fill=colour)
            if setting != "space":
                self.glows.append((x, yy, r * 1.8))

    def room(self) -> None:
        """An interior: back wall, floor in perspective, a window (or porthole) showing the time of day,
        and what the place is furnished with."""
        place, h, w = self.shot.place, self.height, self.width
        wall, floor = (np.array(c, np.float32) * 0.8 + self.palette[i % len(self.palette)] * 0.2
                       for i, c in enumerate(ROOMS.get(place, ROOMS["room"])))
        draw = ImageDraw.Draw(self.image)
        back = int(h * 0.64)  # where the back wall meets the floor
        window_x = self.rng.uniform(0.12, 0.62) * w
        window = (int(window_x), int(h * 0.14), int(window_x + w * 0.24), int(h * 0.44))
        sky = self.image.crop(window)  # the sky painted behind: seen through the window
        draw.rectangle((0, 0, w, back), fill=self._rgb(wall))
        for x in range(0, w, max(8, w // 16)):  # panels, planks or stones: a little texture on the wall
            draw.line((x, 0, x, back), fill=self._rgb(wall * 0.93), width=1)
        draw.polygon([(0, h), (w, h), (w * 0.86, back), (w * 0.14, back)], fill=self._rgb(floor))
        draw.polygon([(0, h), (w * 0.14, back), (0, back)], fill=self._rgb(wall * 0.82))
        draw.polygon([(w, h), (w * 0.86, back), (w, back)], fill=self._rgb(wall * 0.82))
        for i in range(1, 6):  # floor boards converging on the back wall
            x = w * i / 6
            draw.line((x, h, w * 0.14 + (x / w) * w * 0.72, back), fill=self._rgb(floor * 0.85), width=1)
        if place == "cave":
            for _ in range(14):
                x, y, r = self.rng.uniform(0, w), self.rng.uniform(0, back), self.rng.uniform(0.04, 0.12) * h
                draw.ellipse((x - r, y - r, x + r, y + r), fill=self._rgb(wall * self.rng.uniform(0.7, 1.05)))
            self.glows.append((window_x + w * 0.12, h * 0.3, h * 0.3))
            self._furnish(back)
            return
        if place == "station":
            cx, cy, r = (window[0] + window[2]) / 2, (window[1] + window[3]) / 2, (window[3] - window[1]) / 2
            draw.ellipse((cx - r - 4, cy - r - 4, cx + r + 4, cy + r + 4), fill=self._rgb(wall * 0.6))
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(8, 8, 28))
            for _ in range(30):
                sx, sy = self.rng.uniform(cx - r * 0.8, cx + r * 0.8), self.rng.uniform(cy - r * 0.8, cy + r * 0.8)
                draw.point((sx, sy), fill=(235, 235, 255))
        else:
            self.image.paste(sky, window[:2])
            draw.rectangle(window, outline=self._rgb(wall * 0.55), width=3)
            draw.line(((window[0] + window[2]) / 2, window[1], (window[0] + window[2]) / 2, window[3]),
                      fill=self._rgb(wall * 0.55), width=2)
            if self.shot.time != "night":  # daylight falling from the window onto the floor
                light = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
                ImageDraw.Draw(light).polygon([(window[0], back), (window[2], back), (window[2] + w * 0.12, h),
                                               (window[0] + w * 0.02, h)], fill=(255, 245, 210, 40))
                self.image = Image.alpha_composite(self.image.convert("RGBA"), light).convert("RGB")
            else:
                self.glows.append(((window[0] + window[2]) / 2, h * 0.5, h * 0.35))
        if place == "classroom":
            ImageDraw.Draw(self.image).rectangle((w * 0.66, h * 0.12, w * 0.94, h * 0.42), fill=(45, 70, 55),
                                                 outline=(120, 90, 60), width=3)
        if place in ("library", "shop"):
            draw = ImageDraw.Draw(self.image)
            for shelf in (0.2, 0.34, 0.48):
                draw.rectangle((w * 0.66, h * shelf, w * 0.96, h * shelf + 3), fill=self._rgb(floor * 0.7))
        if place == "hall":
            draw = ImageDraw.Draw(self.image)
            for x in (0.08, 0.92):
                draw.rectangle((w * x - w * 0.03, 0, w * x + w * 0.03, back), fill=self._rgb(wall * 1.1))
            draw.polygon([(w * 0.4, h), (w * 0.6, h), (w * 0.54, back), (w * 0.46, back)], fill=(150, 35, 45))
        self._furnish(back)

    def _furnish(self, back: int) -> None:
        """The place's furniture along the back wall (on the hero's far side) and on the walls."""
        h, w = self.height, self.width
        hero_x = self.shot.hero.x
        slots = [x for x in (0.12, 0.88, 0.5) if abs(x - hero_x) > 0.2]
        for i, item in enumerate(self.shot.furniture):
            if item.glyph in ("🖼️", "🪞", "🕯️", "🪟"):  # hangs on the wall
                self._put(item, w * (0.3 + 0.4 * (i % 2)), h * 0.42, int(h * 0.17), shadow=False)
            else:
                self._put(item, w * slots[i % len(slots)], back + h * 0.16, int(h * 0.24))

    def _ridge(self, base: float, roughness: float, jagged: bool) -> np.ndarray:
        xs = np.arange(self.width + 1, dtype=np.float32)
        ridge = np.full_like(xs, base)
        for octave in range(1, 4 if not jagged else 6):
            phase, freq = self.rng.uniform(0, 2 * np.pi), self.rng.uniform(1.0, 2.5) * octave / self.width
            wave = np.sin(2 * np.pi * freq * xs + phase)
            ridge += self.height * roughness / octave * (np.abs(wave) * 2 - 1 if jagged else wave)
        return ridge

    def _layer(self, ridge: np.ndarray, colour: np.ndarray, distance: float) -> None:
        """A filled silhouette, blended toward the sky colour the further away it is."""
        colour = colour * (1 - distance) + self.sky_colour * distance
        points = [(0, self.height)] + [(int(x), float(y)) for x, y in enumerate(ridge)] + [(self.width, self.height)]
        ImageDraw.Draw(self.image).polygon(points, fill=self._rgb(colour))

    def terrain(self) -> None:
        setting, palette, h = self.setting, self.palette, self.height
        green, earth = palette[1 % len(palette)], palette[2 % len(palette)]
        draw = ImageDraw.Draw(self.image)
        if setting == "space":
            self._layer(self._ridge(self.horizon + h * 0.1, 0.03, jagged=True), np.array((90, 85, 100.0)), 0.1)
            return
        far = {"mountains": (0.05, True), "desert": (0.02, False), "forest": (0.04, False)}.get(setting, (0.035, False))
        self._layer(self._ridge(self.horizon - h * 0.08, far[0] * 2, far[1]), green * 0.8, 0.55)
        if setting == "city":
            x = 0.0
            while x < self.width:
                w, top = self.rng.uniform(0.05, 0.12) * self.width, self.horizon - self.rng.uniform(0.1, 0.3) * h
                draw.rectangle((x, top, x + w, self.horizon + 2), fill=self._rgb(palette[0] * 0.5))
                for wy in np.arange(top + 4, self.horizon - 3, 7):
                    for wx in np.arange(x + 3, x + w - 3, 6):
                        lit = self.rng.random() < (0.5 if self.shot.time == "night" else 0.1)
                        fill = (255, 220, 130) if lit else self._rgb(palette[0] * 0.35)
                        draw.rectangle((wx, wy, wx + 2, wy + 3), fill=fill)
                x += w + 1
        if setting in ("sea", "lake"):
            water = palette[-1] * 0.35 + np.array((40, 100, 170.0)) * 0.65
            if self.shot.time == "night":
                water *= 0.5
            draw.rectangle((0, self.horizon, self.width, h), fill=self._rgb(water))
            for _ in range(self.width // 8):
                x, y = self.rng.uniform(0, self.width), self.rng.uniform(self.horizon + 3, h)
                draw.line((x, y, x + self.rng.uniform(4, 12), y), fill=self._rgb(water * 1.25), width=1)
            if self.shot.place == "deck":  # on board: the ship's planks and rail in front
                deck = np.array((150, 105, 65.0))
                draw.rectangle((0, h * 0.78, self.width, h), fill=self._rgb(deck))
                for y in np.arange(h * 0.8, h, h * 0.05):
                    draw.line((0, y, self.width, y), fill=self._rgb(deck * 0.8), width=1)
                draw.rectangle((0, h * 0.72, self.width, h * 0.745), fill=self._rgb(deck * 0.7))
                return
            shore = self.horizon + h * (0.25 if setting == "sea" else 0.2)
            self._layer(self._ridge(shore, 0.015, False), earth, 0.0)
            return
        if setting in ("desert", "snow"):
            ground = (np.array((225, 190, 120.0)) * 0.7 + earth * 0.3 if setting == "desert"
                      else np.array((235, 240, 248.0)))
            self._layer(self._ridge(self.horizon, 0.03, False), ground * 0.95, 0.25)
            self._layer(self._ridge(self.horizon + h * 0.15, 0.04, False), ground, 0.0)
            return
        if setting == "forest":
            tree = Thing("🌲", "large", "evergreen tree", "fluentui/evergreen-tree")
            for row, (size, y) in enumerate(((0.12, self.horizon + 2), (0.18, self.horizon + h * 0.08))):
                x = -10.0
                while x < self.width:
                    self._put(tree, x, y, int(h * size * self.rng.uniform(0.8, 1.1)), 0.45 - 0.2 * row,
                              shadow=False, record=False)
                    x += h * size * self.rng.uniform(0.35, 0.6)
        self._layer(self._ridge(self.horizon + h * 0.06, 0.03, setting == "mountains"), green * 0.75, 0.15)
        self._layer(self._ridge(self.horizon + h * 0.2, 0.02, False), earth * 0.9 + green * 0.1, 0.0)

    def _art(self, thing: Thing, size: int, mirrored: bool, tint) -> tuple[Image.Image, str]:
        """A thing's picture and id: its library asset, else its Noto emoji."""
        asset = library.by_id().get(thing.asset)
        if asset:
            return library.draw(asset, size, mirrored, tuple(tint) if tint else None), asset.id
        return glyph_image(thing.glyph, size, mirrored), thing.glyph

    def _bend(self, art: Image.Image, pose: str, forward: int) -> tuple[Image.Image, float]:
        """The art bent into `pose` (leaning toward `forward`, +1 right, -1 left); how far it floats."""
        lean, height, lift = BENDS.get(pose, (0, 1.0, 0.0))
        if height != 1.0:
            art = art.resize((art.width, max(1, round(art.height * height))), Image.Resampling.LANCZOS)
        if lean:
            art = art.rotate(-lean * forward, resample=Image.Resampling.BICUBIC, expand=True)
        return art, lift * art.height

    def _put(self, thing: Thing, x: float, ground: float, size: int, distance: float = 0.0, mirrored: bool = False,
             shadow: bool = True, tint=None, record: bool = True, pose: str | None = None,
             forward: int = 1) -> tuple[int, int, int, int]:
        """Draw a thing standing at (x, ground), its bottom centre, `size` pixels tall (bent into `pose` when
        its art has another); its box."""
        art, drawn = self._art(thing, max(4, size), mirrored, tint)
        lift = 0.0
        if pose:
            art, lift = self._bend(art, pose, forward)
            ground -= lift
        if distance:
            rgb = np.asarray(art, np.float32)
            rgb[..., :3] = rgb[..., :3] * (1 - distance) + self.sky_colour * distance
            art = Image.fromarray(rgb.astype(np.uint8), "RGBA")
        left, top = int(x - art.width / 2), int(ground - art.height)
        if shadow:
            shade = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
            ImageDraw.Draw(shade).ellipse((left + art.width * 0.1, ground - size * 0.05, left + art.width * 0.9,
                                           ground + size * 0.05), fill=(0, 0, 0, 90))
            self.image = Image.alpha_composite(self.image.convert("RGBA"), shade).convert("RGB")
        self.image.paste(art, (left, top), art)
        if thing.glyph in GLOWING:
            self.glows.append((x, ground - art.height / 2, size * 1.6))
        if record:
            self.drawn.append(drawn)
        return left, top, left + art.width, top + art.height

    def place(self) -> None:
        shot, h, w = self.shot, self.height, self.width
        scale, feet = FRAMES[shot.framing]
        hero = shot.hero
        hero_x, facing_right = hero.x * w, hero.facing == "right"
        away = -1 if facing_right else 1  # the side behind the hero
        ahead = [x for x in (0.5 + 0.28 * -away, 0.5 + 0.4 * -away, 0.5) if 0.05 < x < 0.95]
        for i, thing in enumerate(t for t in shot.things if t.kind == "sky"):
            self._put(thing, w * (0.2 + 0.6 * self.rng.random()), h * (0.3 + 0.05 * i), int(h * 0.18), shadow=False)
        for i, thing in enumerate(t for t in shot.things if t.kind == "large"):
            self._put(thing, w * ahead[i % len(ahead)], self.horizon + h * 0.08, int(h * 0.3 * (1.2 - scale / 2)),
                      distance=0.15)
        if shot.group:  # several figures ahead of the hero, facing it, a little smaller
            count = shot.group.count
            for i in range(count):
                x = hero.x + -away * (0.2 + 0.55 * (i + 1) / (count + 1) * (0.92 - 0.2 - abs(hero.x - 0.5)))
                self._put(Thing("🧑", "being", "person", shot.group.asset), w * min(0.95, max(0.05, x)),
                          h * (min(feet, 1.0) - 0.04 - 0.03 * (i % 2)), int(h * min(scale, 0.62) * 0.72),
                          mirrored=facing_right)
        for i, other in enumerate(shot.others):  # whom the hero meets: ahead of it, facing it
            self._put(other, w * ahead[i % len(ahead)], h * (feet - 0.05), int(h * scale * 0.7),
                      mirrored=facing_right)
        asset = library.by_id()[hero.asset]
        mirrored = (asset.facing == "left") == facing_right if asset.facing in ("left", "right") else False
        box = self._put(Thing(hero.glyph, "being", "hero", hero.asset), hero_x, h * feet, int(h * scale),
                        mirrored=mirrored, tint=hero.tint, pose=hero.pose if hero.pose != asset.pose else None,
                        forward=1 if facing_right else -1)
        self.hero_box = box
        hand = (box[2] if facing_right else box[0], box[1] + (box[3] - box[1]) * 0.55)
        for i, prop in enumerate(shot.props):  # the tool in hand, then what is being made beside it
            size = int(h * (0.16 if i == 0 else 0.24) * (0.7 + scale / 2))
            x = hand[0] + (-away) * (size * 0.3 + i * size * 1.1)
            if prop.glyph in ("💤", "🎶", "✨"):  # above the hero's head
                self._put(prop, (box[0] + box[2]) / 2 + (-away) * size * 0.6, box[1] + size * 0.3, size, shadow=False)
            else:
                self._put(prop, x, min(h * feet, hand[1] + size) if i == 0 else h * min(feet, 0.97), size,
                          shadow=i > 0)
        held = shot.action in ("find", "give", "eat", "drink")  # the first thing is the one in hand
        for i, thing in enumerate(t for t in shot.things if t.kind == "small"):
            size = int(h * 0.16 * (0.7 + scale / 2) * (1.6 if held and i == 0 else 1.0))
            self._put(thing, hero_x + (-away) * (w * 0.16 + i * size * 1.2), h * min(feet, 0.95), size)
        if shot.feeling or shot.action == "talk":  # a face or a speech bubble by the hero's head
            badge = {"joy": "😊", "fear": "😨", "sadness": "😢"}.get(shot.feeling, "💬")
            size = int(h * 0.12)
            self._put(Thing(badge, "small", badge), (box[0] + box[2]) / 2 + (-away) * (box[2] - box[0]) * 0.55,
                      max(size, box[1] + size * 0.2), size, shadow=False)
        if shot.action == "glow":
            self.glows.append(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, (box[3] - box[1]) * 0.7))

    def light(self) -> None:
        time, weather = self.shot.time, self.shot.weather
        pixels = np.asarray(self.image, np.float32)
        tint = {"night": (0.5, 0.55, 0.85), "dusk": (1.0, 0.82, 0.7), "dawn": (1.0, 0.93, 0.88)}.get(time)
        if self.shot.indoors and time != "night":
            tint = (0.95, 0.9, 0.82)
        if tint:
            pixels = pixels * np.array(tint, np.float32)
        if weather == "storm":
            pixels *= 0.65
        if self.glows and (time in ("night", "dusk") or self.shot.indoors or self.setting == "space"
                           or self.shot.action == "glow"):
            yy, xx = np.mgrid[0:self.height, 0:self.width].astype(np.float32)
            light = np.zeros((self.height, self.width), np.float32)
            for x, y, radius in self.glows:
                light += np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * radius ** 2))
            pixels += np.clip(light, 0, 1.2)[..., None] * np.array((120, 95, 40), np.float32)
        if weather == "fog":
            y = np.linspace(0.25, 0.65, self.height, dtype=np.float32)[:, None, None]
            pixels = pixels * (1 - y) + 215 * y
        self.image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        draw = ImageDraw.Draw(self.image)
        outdoors = not self.shot.indoors
        if weather in ("rain", "storm") and outdoors:
            for _ in range(self.width * self.height // 250):
                x, y = self.rng.uniform(-10, self.width), self.rng.uniform(0, self.height)
                draw.line((x, y, x + 2, y + 7), fill=(170, 185, 210), width=1)
        if weather == "storm" and outdoors:
            x, y = self.rng.uniform(0.2, 0.8) * self.width, 0.0
            points = [(x, y)]
            while y < self.horizon:
                x, y = x + self.rng.uniform(-8, 8), y + self.rng.uniform(6, 14)
                points.append((x, y))
            draw.line(points, fill=(255, 255, 225), width=2)
        if weather == "snow" and outdoors:
            for _ in range(self.width * self.height // 200):
                x, y = self.rng.uniform(0, self.width), self.rng.uniform(0, self.height)
                draw.ellipse((x, y, x + 2, y + 2), fill=(245, 245, 255))

    def finish(self, palette: list[np.ndarray]) -> Image.Image:
        """Grade toward the genre palette and darken the corners a little."""
        pixels = np.asarray(self.image, np.float32)
        grade = np.mean(palette, axis=0)
        pixels = pixels * 0.88 + grade * 0.12 * (pixels.mean(axis=2, keepdims=True) / 128)
        yy, xx = np.mgrid[0:self.height, 0:self.width].astype(np.float32)
        distance = ((xx / self.width - 0.5) ** 2 + (yy / self.height - 0.5) ** 2) ** 0.5
        pixels *= (1 - 0.35 * np.clip(distance - 0.35, 0, 1))[..., None]
        return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.SMOOTH_MORE)
