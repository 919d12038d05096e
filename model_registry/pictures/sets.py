"""The places a shot is set in, painted as layers for a moving camera (scene.py lays the cast over them).

Each place is a background plate and a near strip, both wider than the frame so the camera can pan:
  - landscapes (forest, sea, lake, mountains, desert, snow, city, village, space, the sky, under the sea):
    sky, sun or moon, far and middle land with atmospheric perspective in the plate, the nearest ground
    in the strip; both painted to wrap around (every ridge a sum of whole waves over the width), so a
    pan as long as a run never reaches an edge; trees, seaweed, clouds are set pieces that sway or drift;
  - interiors, each its own set: a room (a bedroom), a kitchen or bakery, a hall (a church, a castle's
    throne room), a classroom, a cave, a spaceship or station, a library, a gallery, a shop, a ship's
    deck: the back wall and what is built into it in the plate, the floor in the strip, and furniture
    from the 3D set placed along the wall.
The same place looks the same in every shot set there (its random choices follow the place, not the
sentence); the light (time of day, weather, fog, lamps and windows) is painted into both layers, and
its colour is returned for the sprites drawn later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from core.contracts import Effect, Shot, Sprite, Thing
from model_registry.pictures import fluent3d, library

SKY_TOPS = {"night": (10, 14, 40), "dusk": (70, 50, 110), "dawn": (110, 140, 200), "day": (70, 130, 215)}
SKY_BOTTOMS = {"night": (35, 45, 90), "dusk": (250, 150, 90), "dawn": (250, 200, 170), "day": (215, 232, 250)}
LIGHT = {"night": (0.5, 0.55, 0.85), "dusk": (1.0, 0.82, 0.7), "dawn": (1.0, 0.93, 0.88), "day": (1.0, 1.0, 1.0)}
INDOOR_LIGHT = (0.95, 0.9, 0.82)
WINDOW = (0.22, 0.14, 0.44)  # a room's window: its width (a share of the frame's), its top and bottom
PLANET = (0.45, 0.15, 0.25)  # the planet in a station's porthole: its middle and radius, in porthole radii
CONSOLE_LIGHTS = ((90, 220, 255), (255, 120, 90), (140, 255, 150), (255, 220, 110))
# Interiors: wall and floor colours (the plan's furniture for each is in shots.py).
INTERIORS = {"room": ((205, 185, 160), (140, 100, 70)), "kitchen": ((232, 226, 205), (150, 110, 80)),
             "hall": ((150, 140, 135), (110, 70, 60)), "classroom": ((200, 210, 190), (150, 115, 80)),
             "cave": ((85, 75, 70), (60, 52, 48)), "station": ((70, 80, 105), (45, 50, 65)),
             "library": ((150, 110, 80), (110, 80, 60)), "gallery": ((232, 228, 220), (150, 130, 110)),
             "shop": ((215, 200, 170), (150, 120, 95))}


@dataclass
class Set:
    """A place painted for one shot: the plate (RGB), the near strip (RGBA, from `horizon` down), whether
    they wrap, the set pieces and effects it brings, and the colour of its light for later art."""

    plate: Image.Image
    near: Image.Image | None
    horizon: float
    wraps: bool
    pieces: list[Sprite] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    light: tuple[float, float, float] = (1.0, 1.0, 1.0)


class SetPainter:
    """Paints the place of `shot` at `size` (the frame), the layers `1 + margin` frames wide."""

    def __init__(self, shot: Shot, palette: list[np.ndarray], size: tuple[int, int], margin: float,
                 rng: np.random.Generator):
        self.shot, self.palette, self.rng = shot, palette, rng
        self.frame_width, self.height = size
        self.width = round(size[0] * (1 + margin))
        self.place = shot.place
        self.setting = "indoors" if shot.indoors else shot.landscape
        self.horizon = int(self.height * (0.62 if self.setting in ("sea", "lake", "desert") else 0.58))
        self.glows: list[tuple[float, float, float]] = []
        self.pieces: list[Sprite] = []
        self.effects: list[Effect] = []

    def _rgb(self, colour) -> tuple[int, int, int]:
        return tuple(int(c) for c in np.clip(colour, 0, 255))

    def colour(self, index: int) -> np.ndarray:
        return self.palette[index % len(self.palette)]

    # --- the whole set ---

    def paint(self) -> Set:
        self.plate = self.sky()
        self.near: Image.Image | None = None
        if self.place in INTERIORS:
            self.interior()
        elif self.place == "underwater":
            self.underwater()
        elif self.place == "sky":
            self.clouds()
        else:
            self.land()
        light = self.lit()
        self.weather()
        self.life()
        near = self.near
        return Set(self.plate, near, self.horizon / self.height, self.place not in INTERIORS, self.pieces,
                   self.effects, light)

    # --- skies ---

    def sky(self) -> Image.Image:
        time, setting = self.shot.time, self.setting
        top, bottom = np.array(SKY_TOPS[time], np.float32), np.array(SKY_BOTTOMS[time], np.float32)
        if setting == "space":
            top, bottom = np.array((3, 3, 12.0)), np.array((20, 14, 45.0))
        top = top * 0.8 + self.colour(0) * 0.2
        y = np.linspace(0, 1, self.height, dtype=np.float32)[:, None, None]
        self.sky_colour = bottom
        image = Image.fromarray(np.broadcast_to(top * (1 - y) + bottom * y, (self.height, self.width, 3))
                                .astype(np.uint8))
        draw = ImageDraw.Draw(image)
        if setting == "space" or time == "night":
            for _ in range(self.width * self.height // 300):
                x, yy = self.rng.integers(self.width), self.rng.integers(self.horizon)
                shade = int(self.rng.integers(150, 256))
                draw.point((int(x), int(yy)), fill=(shade, shade, min(255, shade + 20)))
            if self.place not in INTERIORS:  # a room's window shows a crop of this sky, not its twinkling
                self.effects.append(Effect("stars"))
        named_sky = any(t.kind == "sky" for t in self.shot.things)
        if self.place not in INTERIORS and self.place != "underwater" and not named_sky:
            x = self.rng.uniform(0.2, 0.8) * self.width
            yy = self.rng.uniform(0.12, 0.28) * self.height
            r = self.height * (0.06 if time == "night" else 0.08)
            colour = ((245, 245, 215) if time == "night" else (255, 215, 120) if time in ("dusk", "dawn")
                      else (255, 245, 200))
            if setting == "space":  # a planet, lit from one side
                r, colour = self.height * 0.22, self._rgb(self.colour(-2) * 0.8 + 40)
            draw.ellipse((x - r, yy - r, x + r, yy + r), fill=colour)
            if setting != "space":
                self.glows.append((x, yy, r * 1.8))
        if time in ("day", "dawn", "dusk") and setting != "space" and self.place not in (*INTERIORS, "underwater"):
            for i in range(3):  # clouds drift across the sky
                self.pieces.append(Sprite("fluentui/cloud", x=float(self.rng.uniform(0.05, 0.95)),
                                          ground=float(self.rng.uniform(0.16, 0.34)), height=0.09 + 0.03 * i,
                                          depth=0.4, motion="drift", speed=0.006 + 0.004 * i, role="sky"))
        return image

    # --- land ---

    def ridge(self, width: int, base: float, roughness: float, jagged: bool) -> np.ndarray:
        """A skyline over `width` pixels that wraps: whole waves only, so its two ends meet."""
        xs = np.arange(width + 1, dtype=np.float32)
        ridge = np.full_like(xs, base)
        for octave in range(1, 4 if not jagged else 6):
            phase = self.rng.uniform(0, 2 * np.pi)
            waves = max(1, round(self.rng.uniform(1.0, 2.5) * octave * width / self.frame_width))
            wave = np.sin(2 * np.pi * waves * xs / width + phase)
            ridge += self.height * roughness / octave * (np.abs(wave) * 2 - 1 if jagged else wave)
        return ridge

    def hill(self, image: Image.Image, ridge: np.ndarray, colour: np.ndarray, distance: float, top: int = 0) -> None:
        """A filled silhouette, blended toward the sky the further away it is; `top` offsets a strip."""
        colour = colour * (1 - distance) + self.sky_colour * distance
        points = [(0, image.height)] + [(int(x), float(y) - top) for x, y in enumerate(ridge)] + \
            [(image.width, image.height)]
        ImageDraw.Draw(image).polygon(points, fill=self._rgb(colour))

    def strip(self, colour: np.ndarray, base: float, roughness: float) -> None:
        """The near ground: a wrapping ridge from just above the horizon down, RGBA, whose colour extends
        above the ridge (so an upscaler sees no dark fringe where it turns transparent)."""
        top = self.horizon - int(self.height * 0.06)
        self.horizon = top
        height = self.height - top
        ridge = self.ridge(self.width, base, roughness, False) - top
        rgb = Image.new("RGB", (self.width, height), self._rgb(colour))
        alpha = Image.new("L", (self.width, height), 0)
        ImageDraw.Draw(alpha).polygon([(0, height)] + [(int(x), float(y)) for x, y in enumerate(ridge)] +
                                      [(self.width, height)], fill=255)
        draw = ImageDraw.Draw(rgb)
        for _ in range(self.width // 6):  # tufts and pebbles: the ground's grain, which the pan shows moving
            x, y = self.rng.uniform(0, self.width), self.rng.uniform(height * 0.3, height)
            shade = colour * self.rng.uniform(0.82, 1.12)
            draw.line((x, y, x + self.rng.uniform(1, 4), y - self.rng.uniform(1, 3)), fill=self._rgb(shade), width=1)
        rgb.putalpha(alpha.filter(ImageFilter.GaussianBlur(0.6)))
        self.near = rgb

    def land(self) -> None:
        setting, h = self.setting, self.height
        green, earth = self.colour(1), self.colour(2)
        draw = ImageDraw.Draw(self.plate)
        if setting == "space":
            self.hill(self.plate, self.ridge(self.width, self.horizon + h * 0.1, 0.03, True),
                      np.array((90, 85, 100.0)), 0.1)
            self.strip(np.array((110, 100, 120.0)), self.horizon + h * 0.2, 0.02)
            return
        far = {"mountains": (0.05, True), "desert": (0.02, False), "forest": (0.04, False)}.get(setting, (0.035, False))
        self.hill(self.plate, self.ridge(self.width, self.horizon - h * 0.08, far[0] * 2, far[1]), green * 0.8, 0.55)
        if setting == "city":
            x = 0.0
            while x < self.width - h * 0.05:
                w, top = self.rng.uniform(0.05, 0.12) * self.frame_width, self.horizon - self.rng.uniform(0.1, 0.3) * h
                draw.rectangle((x, top, x + w, self.horizon + 2), fill=self._rgb(self.colour(0) * 0.5))
                for wy in np.arange(top + 4, self.horizon - 3, 7):
                    for wx in np.arange(x + 3, x + w - 3, 6):
                        lit = self.rng.random() < (0.5 if self.shot.time == "night" else 0.1)
                        fill = (255, 220, 130) if lit else self._rgb(self.colour(0) * 0.35)
                        draw.rectangle((wx, wy, wx + 2, wy + 3), fill=fill)
                x += w + 1
        if setting in ("sea", "lake"):
            water = self.colour(-1) * 0.35 + np.array((40, 100, 170.0)) * 0.65
            if self.shot.time == "night":
                water *= 0.5
            draw.rectangle((0, self.horizon, self.width, h), fill=self._rgb(water))
            for _ in range(self.width // 8):
                x, y = self.rng.uniform(0, self.width), self.rng.uniform(self.horizon + 3, h)
                draw.line((x, y, x + self.rng.uniform(4, 12), y), fill=self._rgb(water * 1.25), width=1)
            self.effects.append(Effect("water", x=0.5, y=self.horizon / h, size=1 - self.horizon / h))
            if self.place == "deck":
                self.deck()
                return
            self.strip(earth, self.horizon + h * (0.25 if setting == "sea" else 0.2), 0.015)
            return
        if setting in ("desert", "snow"):
            ground = (np.array((225, 190, 120.0)) * 0.7 + earth * 0.3 if setting == "desert"
                      else np.array((235, 240, 248.0)))
            self.hill(self.plate, self.ridge(self.width, self.horizon, 0.03, False), ground * 0.95, 0.25)
            self.strip(ground, self.horizon + h * 0.15, 0.04)
            if setting == "desert":
                self._pieces(("🌵",), 0.62, (0.16, 0.2), "sway")
            return
        self.hill(self.plate, self.ridge(self.width, self.horizon + h * 0.06, 0.03, setting == "mountains"),
                  green * 0.75, 0.15)
        if setting == "forest":
            self._trees(0.12, self.horizon + 2, 0.45)
            self._pieces(("🌲", "🌳", "🌲"), 0.74, (0.3, 0.4), "sway", count=4)
        elif setting == "village":
            self._pieces(("🌳", "🏡", "🌻"), 0.66, (0.14, 0.24), "sway", count=3)
        self.strip(earth * 0.9 + green * 0.1, self.horizon + h * 0.2, 0.02)

    def _trees(self, size: float, y: float, distance: float) -> None:
        """A far row of small trees painted into the plate."""
        asset = library.by_id()["fluentui/evergreen-tree"]
        x = 0.0
        while x < self.width - self.height * size * 0.3:
            tall = int(self.height * size * self.rng.uniform(0.8, 1.1))
            art = library.draw(asset, tall)
            pixels = np.asarray(art, np.float32)
            pixels[..., :3] = pixels[..., :3] * (1 - distance) + self.sky_colour * distance
            art = Image.fromarray(pixels.astype(np.uint8), "RGBA")
            self.plate.paste(art, (int(x - art.width / 2), int(y - art.height)), art)
            x += self.height * size * self.rng.uniform(0.35, 0.6)

    def _pieces(self, glyphs: tuple[str, ...], ground: float, heights: tuple[float, float], motion: str,
                count: int = 2, depth: float = 0.7) -> None:
        """Set pieces from the 3D set along the middle ground, away from the hero's third."""
        for i in range(count):
            glyph = glyphs[i % len(glyphs)]
            art = fluent3d.by_glyph().get(glyph)
            x = float((i + self.rng.uniform(0.2, 0.8)) / count * (self.width / self.frame_width)) - \
                (self.width / self.frame_width - 1) / 2
            if abs(x - self.shot.hero.x) < 0.14:
                x += 0.28
            self.pieces.append(Sprite(art.library_id if art else glyph, x=x, ground=ground,
                                      height=float(self.rng.uniform(*heights)), depth=depth, motion=motion,
                                      role="furniture"))

    # --- places that are not on land ---

    def deck(self) -> None:
        """On board: the sea in the plate; the ship's planks and rail in the strip."""
        h = self.height
        top = int(h * 0.7)
        self.horizon = top
        wood = np.array((150, 105, 65.0))
        rgb = Image.new("RGB", (self.width, h - top), self._rgb(wood))
        draw = ImageDraw.Draw(rgb)
        draw.rectangle((0, 0, self.width, h * 0.035), fill=self._rgb(wood * 0.7))  # the rail
        for x in np.arange(0, self.width, self.frame_width * 0.06):
            draw.rectangle((x, 0, x + 3, h * 0.08), fill=self._rgb(wood * 0.6))  # its posts
        draw.rectangle((0, h * 0.035, self.width, h * 0.08), fill=(0, 0, 0))  # between the posts: see-through
        for y in np.arange(h * 0.1, h - top, h * 0.045):
            draw.line((0, y, self.width, y), fill=self._rgb(wood * 0.8), width=1)
        alpha = Image.new("L", rgb.size, 255)
        ImageDraw.Draw(alpha).rectangle((0, h * 0.035, self.width, h * 0.08), fill=0)
        for x in np.arange(0, self.width, self.frame_width * 0.06):
            ImageDraw.Draw(alpha).rectangle((x, 0, x + 3, h * 0.08), fill=255)
        rgb.putalpha(alpha)
        self.near = rgb
        self.pieces.append(Sprite("fluentui/sailboat", x=0.8, ground=self.horizon / h - 0.06, height=0.12,
                                  depth=0.4, motion="sail", role="furniture"))  # another boat, far out

    def underwater(self) -> None:
        """Under the sea: blue deepening downward, light falling in rays, sand in the strip, seaweed and
        coral that sway, fish swimming by and bubbles rising."""
        h, w = self.height, self.width
        y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        top, bottom = np.array((70, 160, 210.0)), np.array((10, 40, 90.0))
        pixels = np.broadcast_to(top * (1 - y) + bottom * y, (h, w, 3)).copy()
        xs = np.arange(w, dtype=np.float32)[None, :]
        for _ in range(5):  # rays of light from the surface
            centre, spread = self.rng.uniform(0, w), self.rng.uniform(0.02, 0.05) * self.frame_width
            ray = np.exp(-((xs - centre - y[..., 0] * w * 0.15) ** 2) / (2 * spread ** 2)) * (1 - y[..., 0])
            pixels += ray[..., None] * 40
        self.plate = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        self.sky_colour = bottom
        self.strip(np.array((200, 180, 130.0)), self.horizon + h * 0.22, 0.02)
        self._pieces(("🪸", "🌿", "🪸", "🌿"), 0.86, (0.14, 0.22), "sway", count=4)
        for i, glyph in enumerate(("🐠", "🐟", "🐡")):
            art = fluent3d.by_glyph().get(glyph)
            self.pieces.append(Sprite(art.library_id if art else glyph, x=float(self.rng.uniform(0.1, 0.9)),
                                      ground=float(0.3 + 0.12 * i), height=0.09, depth=0.7, motion="swim",
                                      speed=(-1) ** i * 0.05, mirrored=bool(i % 2), role="thing"))
        self.effects.append(Effect("bubbles"))

    def clouds(self) -> None:
        """In the sky: no ground, the clouds below drifting past faster than those above."""
        h = self.height
        self.sky_colour = np.array(SKY_BOTTOMS[self.shot.time], np.float32)
        cloud = library.by_id().get("fluentui/cloud")
        for y, size, distance in ((0.55, 0.12, 0.4), (0.75, 0.18, 0.15)):
            x = 0.0
            while x < self.width - h * size:
                art = library.draw(cloud, int(h * size * self.rng.uniform(0.8, 1.2)))
                pixels = np.asarray(art, np.float32)
                pixels[..., :3] = pixels[..., :3] * (1 - distance) + self.sky_colour * distance
                art = Image.fromarray(pixels.astype(np.uint8), "RGBA")
                self.plate.paste(art, (int(x), int(h * y)), art)
                x += h * size * self.rng.uniform(1.2, 2.4)
        self.horizon = h
        for i in range(3):
            self.pieces.append(Sprite("fluentui/cloud", x=float(self.rng.uniform(0, 1)), ground=0.9 + 0.05 * i,
                                      height=0.22, depth=1.0, motion="drift", speed=-0.03, role="sky"))

    # --- interiors ---

    def interior(self) -> None:
        place, h, w = self.place, self.height, self.width
        wall_rgb, floor_rgb = INTERIORS[place]
        wall = np.array(wall_rgb, np.float32) * 0.8 + self.colour(0) * 0.2
        floor = np.array(floor_rgb, np.float32) * 0.8 + self.colour(1) * 0.2
        back = int(h * 0.64)
        window_x = self.rng.uniform(0.15, 0.6) * w
        window = (int(window_x), int(h * WINDOW[1]), int(window_x + self.frame_width * WINDOW[0]), int(h * WINDOW[2]))
        sky = self.plate.crop(window)
        plate = Image.new("RGB", (w, h), self._rgb(wall))
        draw = ImageDraw.Draw(plate)
        getattr(self, f"_{place}_wall", self._panelled_wall)(draw, wall, back, window, sky, plate)
        self.plate = plate
        self.horizon = back
        self._floor(floor, back)
        for i, item in enumerate(self.shot.furniture):
            self._furnish(item, i, back / h)

    def _furnish(self, item: Thing, index: int, back: float) -> None:
        glyph = item.glyph
        art = fluent3d.by_glyph().get(glyph)
        slots = [x for x in (0.1, 0.9, 0.3, 0.7, 0.5) if abs(x - self.shot.hero.x) > 0.18]
        x = slots[index % len(slots)]
        small = glyph in ("🍞", "🥐", "🫖", "🍳", "🍎", "💎", "🕯️", "🌍", "📚", "🔭")
        ground = back + (0.02 if small else 0.06)
        if small and self.place == "kitchen":
            ground = back - 0.115  # on the counter
        self.pieces.append(Sprite(art.library_id if art else item.asset or glyph, x=x, ground=ground,
                                  height=0.12 if small else 0.26, depth=0.7, motion="still", role="furniture"))
        if glyph in ("🕯️", "🔦", "💎"):
            self.effects.append(Effect("glow", x=x, y=back - 0.04, size=0.18))

    def _floor(self, floor: np.ndarray, back: int) -> None:
        """The floor, from the back wall's foot to the frame's bottom, boards converging on the middle."""
        h, w = self.height, self.width
        height = h - back
        rgb = Image.new("RGB", (w, height), self._rgb(floor))
        draw = ImageDraw.Draw(rgb)
        middle = w / 2
        for i in range(-10, 11):
            foot = middle + i * self.frame_width / 6
            draw.line((middle + i * self.frame_width / 14, 0, foot, height), fill=self._rgb(floor * 0.85), width=1)
        for j in range(1, 6):
            y = height * (j / 6) ** 1.6
            draw.line((0, y, w, y), fill=self._rgb(floor * 0.9), width=1)
        if self.place == "hall":  # a red carpet down the middle
            draw.polygon([(middle - w * 0.04, 0), (middle + w * 0.04, 0), (middle + w * 0.1, height),
                          (middle - w * 0.1, height)], fill=(150, 35, 45))
        if self.place == "cave":
            for _ in range(30):
                x, y, r = self.rng.uniform(0, w), self.rng.uniform(0, height), self.rng.uniform(1, 4)
                draw.ellipse((x - r * 2, y - r, x + r * 2, y + r), fill=self._rgb(floor * self.rng.uniform(0.7, 1.1)))
        rgb.putalpha(255)
        self.near = rgb

    def _window(self, draw: ImageDraw.ImageDraw, plate: Image.Image, window, sky: Image.Image,
                frame_colour: np.ndarray) -> None:
        plate.paste(sky, window[:2])
        draw.rectangle(window, outline=self._rgb(frame_colour), width=3)
        middle = (window[0] + window[2]) / 2
        draw.line((middle, window[1], middle, window[3]), fill=self._rgb(frame_colour), width=2)
        self.glows.append((middle, (window[1] + window[3]) / 2, self.height * 0.3))
        if self.shot.time != "night":
            self.effects.append(Effect("dust"))
        else:  # the night outside twinkles
            self.effects.append(Effect("window", x=self._share(middle), y=(window[1] + window[3]) / 2 / self.height))

    def _panelled_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A room: wooden panels, a window onto the time of day, a picture on the wall."""
        for x in range(0, plate.width, max(8, self.frame_width // 16)):
            draw.line((x, 0, x, back), fill=self._rgb(wall * 0.93), width=1)
        draw.rectangle((0, back - self.height * 0.05, plate.width, back), fill=self._rgb(wall * 0.8))
        self._window(draw, plate, window, sky, wall * 0.55)

    def _kitchen_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A kitchen or bakery: tiles, a long counter with an oven's glowing mouth, shelves of bread."""
        tile = max(6, self.height // 22)
        for y in range(0, back, tile):
            draw.line((0, y, plate.width, y), fill=self._rgb(wall * 0.9), width=1)
        for x in range(0, plate.width, tile):
            draw.line((x, 0, x, back), fill=self._rgb(wall * 0.9), width=1)
        counter = back - self.height * 0.12
        draw.rectangle((0, counter, plate.width, back), fill=(150, 105, 70))
        draw.rectangle((0, counter, plate.width, counter + 3), fill=(190, 150, 110))
        oven_x = window[2] + self.frame_width * 0.1
        draw.rounded_rectangle((oven_x, self.height * 0.2, oven_x + self.frame_width * 0.2, counter), radius=8,
                               fill=(170, 90, 60))
        draw.ellipse((oven_x + self.frame_width * 0.04, self.height * 0.3, oven_x + self.frame_width * 0.16,
                      counter - self.height * 0.04), fill=(255, 170, 60))
        self.glows.append((oven_x + self.frame_width * 0.1, self.height * 0.4, self.height * 0.25))
        self.effects.append(Effect("glow", x=(oven_x + self.frame_width * 0.1) / self.frame_width
                                   - (plate.width / self.frame_width - 1) / 2, y=0.42, size=0.35))
        self._window(draw, plate, window, sky, wall * 0.6)

    def _hall_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A hall, a church or a castle's throne room: stone blocks, pillars, tall stained-glass arches."""
        block = max(8, self.height // 14)
        for row, y in enumerate(range(0, back, block)):
            draw.line((0, y, plate.width, y), fill=self._rgb(wall * 0.85), width=1)
            for x in range((row % 2) * block, plate.width, block * 2):
                draw.line((x, y, x, y + block), fill=self._rgb(wall * 0.85), width=1)
        step = self.frame_width * 0.28
        for i, x in enumerate(np.arange(step / 2, plate.width, step)):
            draw.rectangle((x - self.frame_width * 0.025, 0, x + self.frame_width * 0.025, back),
                           fill=self._rgb(wall * 1.12))
            if i % 2 == 0:
                continue
            left, right = x - step / 2 + self.frame_width * 0.06, x + step / 2 - self.frame_width * 0.06
            top, bottom = self.height * 0.1, self.height * 0.46
            glass = [(200, 60, 70), (60, 120, 200), (230, 190, 60), (80, 170, 90)]
            for j in range(4):
                draw.rectangle((left + (right - left) * j / 4, top + (right - left) / 2,
                                left + (right - left) * (j + 1) / 4, bottom), fill=glass[j])
            draw.pieslice((left, top, right, top + (right - left)), 180, 360, fill=glass[(i + 1) % 4])
            self.glows.append(((left + right) / 2, (top + bottom) / 2, self.height * 0.25))

    def _classroom_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A classroom: a green board with chalk writing, a clock, a window."""
        board = (window[2] + self.frame_width * 0.06, self.height * 0.12,
                 window[2] + self.frame_width * 0.5, self.height * 0.44)
        draw.rectangle(board, fill=(45, 75, 58), outline=(120, 90, 60), width=4)
        for j in range(4):
            y = board[1] + (board[3] - board[1]) * (j + 1) / 5.5
            length = (board[2] - board[0]) * self.rng.uniform(0.4, 0.8)
            draw.line((board[0] + 10, y, board[0] + 10 + length, y), fill=(220, 230, 220), width=1)
        draw.rectangle((0, back - self.height * 0.04, plate.width, back), fill=self._rgb(wall * 0.75))
        self._window(draw, plate, window, sky, wall * 0.55)

    def _cave_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A cave: rough rock, stalactites hanging from the dark above, a lantern's warm light."""
        for _ in range(40):
            x, y = self.rng.uniform(0, plate.width), self.rng.uniform(0, back)
            r = self.rng.uniform(0.03, 0.1) * self.height
            draw.ellipse((x - r, y - r, x + r, y + r), fill=self._rgb(wall * self.rng.uniform(0.65, 1.05)))
        x = 0.0
        while x < plate.width:
            width, length = self.rng.uniform(0.02, 0.05) * self.frame_width, self.rng.uniform(0.06, 0.2) * self.height
            draw.polygon([(x, 0), (x + width, 0), (x + width / 2, length)], fill=self._rgb(wall * 0.7))
            x += width + self.rng.uniform(0, 0.04) * self.frame_width
        self.glows.append((window[0], self.height * 0.35, self.height * 0.35))
        self.effects.append(Effect("dust"))

    def _station_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A spaceship or station: riveted metal panels, a round porthole onto the stars, blinking consoles."""
        panel = self.frame_width * 0.12
        for x in np.arange(0, plate.width, panel):
            draw.rectangle((x, self.height * 0.06, x + panel - 3, back - self.height * 0.06),
                           outline=self._rgb(wall * 1.25), width=1)
            for y in (self.height * 0.08, back - self.height * 0.08):
                draw.ellipse((x + 3, y - 1, x + 5, y + 1), fill=self._rgb(wall * 1.4))
        cx, cy, r = (window[0] + window[2]) / 2, (window[1] + window[3]) / 2, (window[3] - window[1]) / 1.8
        draw.ellipse((cx - r - 5, cy - r - 5, cx + r + 5, cy + r + 5), fill=self._rgb(wall * 0.55))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(6, 6, 24))
        for _ in range(40):
            sx, sy = self.rng.uniform(cx - r * 0.8, cx + r * 0.8), self.rng.uniform(cy - r * 0.8, cy + r * 0.8)
            draw.point((sx, sy), fill=(235, 235, 255))
        px, py, pr = cx + PLANET[0] * r, cy + PLANET[1] * r, PLANET[2] * r
        draw.ellipse((px - pr, py - pr, px + pr, py + pr), fill=self._rgb(self.colour(-2)))
        console = back - self.height * 0.14
        draw.rectangle((0, console, plate.width, back), fill=self._rgb(wall * 0.7))
        for x in np.arange(self.frame_width * 0.01, plate.width, self.frame_width * 0.035):
            colour = CONSOLE_LIGHTS[int(self.rng.integers(3))]
            draw.rectangle((x, console + 4, x + 4, console + 7), fill=colour)
        screen_height = self.height * 0.075
        for middle in plate.width * (np.array((0.3, 0.7)) + self.rng.uniform(-0.08, 0.08, 2)):  # read-outs
            box = (middle - screen_height * 0.9, console + screen_height * 0.5, middle + screen_height * 0.9,
                   console + screen_height * 1.5)
            draw.rectangle(box, fill=(8, 24, 20), outline=self._rgb(wall * 1.3), width=1)
            self.effects.append(Effect("screen", x=self._share(middle), y=(box[1] + box[3]) / 2 / self.height,
                                       size=screen_height / self.height))
        self.effects.append(Effect("porthole", x=self._share(cx), y=cy / self.height, size=r / self.height))
        self.effects.append(Effect("consoles", x=self._share(self.frame_width * 0.01 + 2),
                                   y=(console + 5.5) / self.height, size=0.035))

    def _share(self, x: float) -> float:
        """A position on the plate (pixels) as a share of the frame's width from where the frame starts when
        the camera looks at the plate's middle: how effects are placed."""
        return (x - (self.width - self.frame_width) / 2) / self.frame_width

    def _library_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A library: shelves of coloured spines floor to ceiling."""
        shelf = self.height * 0.12
        for y in np.arange(self.height * 0.06, back, shelf):
            x = 0.0
            while x < plate.width:
                width = self.rng.uniform(2, 5)
                colour = [(150, 50, 50), (50, 90, 150), (60, 120, 70), (170, 130, 60), (110, 70, 120)]
                draw.rectangle((x, y + shelf * self.rng.uniform(0.1, 0.3), x + width, y + shelf - 3),
                               fill=colour[int(self.rng.integers(5))])
                x += width + 1
            draw.rectangle((0, y + shelf - 3, plate.width, y + shelf), fill=self._rgb(wall * 0.6))

    def _gallery_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A gallery: white walls and framed pictures in a row, each lit from above."""
        for x in np.arange(self.frame_width * 0.1, plate.width - self.frame_width * 0.1, self.frame_width * 0.3):
            box = (x, self.height * 0.18, x + self.frame_width * 0.16, self.height * 0.4)
            draw.rectangle(box, fill=(160, 120, 60))
            inner = (box[0] + 4, box[1] + 4, box[2] - 4, box[3] - 4)
            draw.rectangle(inner, fill=self._rgb(self.colour(int(self.rng.integers(5)))))
            draw.ellipse((inner[0] + 6, inner[1] + 6, inner[0] + 16, inner[1] + 16), fill=(250, 220, 120))
            self.glows.append(((box[0] + box[2]) / 2, box[1], self.height * 0.15))

    def _shop_wall(self, draw, wall, back, window, sky, plate) -> None:
        """A shop or a market: a striped awning over shelves of goods."""
        stripe = self.frame_width * 0.05
        for i, x in enumerate(np.arange(0, plate.width, stripe)):
            draw.rectangle((x, 0, x + stripe, self.height * 0.1), fill=(200, 60, 60) if i % 2 else (245, 240, 230))
        for y in (0.26, 0.4, 0.54):
            draw.rectangle((0, self.height * y, plate.width, self.height * y + 3), fill=self._rgb(wall * 0.6))
            x = 0.0
            while x < plate.width:
                colour = [(230, 80, 60), (240, 200, 60), (90, 170, 80), (200, 120, 200)][int(self.rng.integers(4))]
                draw.ellipse((x, self.height * y - 6, x + 6, self.height * y), fill=colour)
                x += self.rng.uniform(7, 14)
        self._window(draw, plate, window, sky, wall * 0.6)

    # --- light and weather ---

    def lit(self) -> tuple[float, float, float]:
        """Tint both layers with the time of day (a room's own light indoors), darken a storm, add the glow
        of lamps and windows and fog; the multiplier for the sprites drawn later."""
        time, weather = self.shot.time, self.shot.weather
        tint = INDOOR_LIGHT if self.place in INTERIORS and time != "night" else LIGHT[time]
        if self.place == "underwater":
            tint = (0.85, 0.95, 1.05)
        if weather == "storm":
            tint = tuple(c * 0.65 for c in tint)
        grade = np.mean(self.palette, axis=0)
        indoors_dark = self.place in INTERIORS or time in ("night", "dusk") or self.setting == "space"
        self.plate = self._light(self.plate, 0, tint, grade, indoors_dark)
        if self.near is not None:
            alpha = self.near.getchannel("A")
            near = self._light(self.near.convert("RGB"), self.horizon, tint, grade, indoors_dark)
            near.putalpha(alpha)
            self.near = near
        return tuple(float(c) * 0.94 + 0.06 * float(g) / 128 for c, g in zip(tint, grade))

    def _light(self, image: Image.Image, top: int, tint, grade: np.ndarray, glowing: bool) -> Image.Image:
        pixels = np.asarray(image, np.float32) * np.array(tint, np.float32)
        height, width = pixels.shape[:2]
        if self.glows and glowing:
            yy, xx = np.mgrid[top:top + height, 0:width].astype(np.float32)
            light = np.zeros((height, width), np.float32)
            for x, y, radius in self.glows:
                light += np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * radius ** 2))
            pixels += np.clip(light, 0, 1.2)[..., None] * np.array((120, 95, 40), np.float32)
        if self.shot.weather == "fog":
            y = np.linspace(0.25, 0.65, self.height, dtype=np.float32)[top:top + height, None, None]
            pixels = pixels * (1 - y) + 215 * y
        pixels = pixels * 0.88 + grade * 0.12 * (pixels.mean(axis=2, keepdims=True) / 128)
        return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.SMOOTH)

    def life(self) -> None:
        """Outdoors by day, birds cross the sky and butterflies the meadow: the land is never still."""
        if self.place in (*INTERIORS, "underwater", "sky", "space") or self.shot.time == "night" or \
                self.shot.weather in ("rain", "storm", "snow"):
            return
        for i in range(2):
            self.pieces.append(Sprite("fluentui/bird", x=float(self.rng.uniform(0.1, 0.9)),
                                      ground=float(self.rng.uniform(0.12, 0.3)), height=0.05, depth=0.4,
                                      motion="flutter", speed=float((-1) ** i * self.rng.uniform(0.05, 0.09)),
                                      mirrored=i % 2 == 0, role="sky"))
        if self.setting in ("forest", "village", "lake", "mountains"):
            self.pieces.append(Sprite("fluentui/butterfly", x=float(self.rng.uniform(0.2, 0.8)), ground=0.62,
                                      height=0.05, depth=0.9, motion="flutter", speed=0.05, role="sky"))

    def weather(self) -> None:
        """Rain, storms and snow fall outdoors; fireflies dance at night by trees and water."""
        weather, outdoors = self.shot.weather, self.place not in INTERIORS and self.place != "underwater"
        if weather in ("rain", "storm", "snow") and outdoors:
            self.effects.append(Effect(weather))
        if self.shot.time in ("night", "dusk") and self.setting in ("forest", "village", "lake") and \
                self.place not in INTERIORS:
            self.effects.append(Effect("fireflies"))
