"""The scene painter: a sentence becomes a layered picture of the things it names.

No text-to-image weights install offline, so the picture is composed, not generated:
  1. read the sentence: setting, time of day and weather (word lists, English and Russian), and the
     concrete things it names, matched to colour emoji by their CLDR names; English words with no exact
     match go through sentence embeddings (all-MiniLM-L6-v2), so "puppy" finds the dog and "fortress"
     the castle;
  2. paint the setting in layers (sky, sun or moon, far and near terrain, water) in the genre palette,
     with atmospheric perspective;
  3. place the things by kind: large ones on the horizon, other beings in the middle ground, the hero
     large in the foreground with small objects beside it, sky things above; each with a shadow;
  4. light it: night and dusk tints, glows around lamps and stars, rain, snow, fog or a storm.
The hero is the first living thing the story bible's hero line names (else the prompt's), so every
picture of a story shows the same character at the same size; a sentence that names no place is set
where the bible says. Deterministic per (sentence, bible, seed).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFilter

import model_registry
from model_registry.catalogue import Entry
from model_registry.pictures.pictograms import PREFERRED, Pictogram, glyph_image, vocabulary

# Word lists per setting, time of day and weather. English entries are words (plurals and a few
# endings allowed); Russian entries are stems (any short ending allowed). Text is matched with ё as е.
SETTINGS = {
    "space": ("space", "planet", "galaxy", "orbit", "starship", "spaceship", "asteroid", "космос", "планет",
              "галакт", "орбит", "звездолет", "астероид"),
    "indoors": ("room", "house", "hall", "library", "kitchen", "cave", "tunnel", "attic", "cellar", "tower",
                "комнат", "дом", "зал", "библиотек", "кухн", "пещер", "тоннел", "чердак", "подвал", "башн"),
    "sea": ("sea", "ocean", "shore", "beach", "harbor", "harbour", "wave", "island", "coast", "ship", "boat",
            "lighthouse", "мор", "океан", "берег", "пляж", "гаван", "волн", "остров", "корабл", "лодк", "маяк"),
    "lake": ("lake", "river", "pond", "stream", "озер", "рек", "пруд", "руч"),
    "desert": ("desert", "sand", "dune", "пустын", "песо", "песк", "дюн"),
    "mountains": ("mountain", "peak", "cliff", "summit", "гор", "скал", "вершин"),
    "forest": ("forest", "wood", "tree", "jungle", "лес", "рощ", "чащ", "джунгл", "дерев"),
    "city": ("city", "town", "street", "station", "market", "alley", "город", "улиц", "вокзал", "рын", "переул"),
    "village": ("village", "cottage", "farm", "garden", "meadow", "field", "hill", "деревн", "сад", "луг",
                "пол", "ферм", "холм"),
}
TIMES = {
    "night": ("night", "moon", "star", "starry", "dark", "darkness", "midnight", "ночь", "ночн", "луна", "луны",
              "звезд", "темн", "полноч"),
    "dusk": ("evening", "sunset", "dusk", "twilight", "вечер", "закат", "сумерк"),
    "dawn": ("dawn", "sunrise", "morning", "рассвет", "утр", "восход"),
}
WEATHER = {
    "storm": ("storm", "stormy", "thunder", "lightning", "гроз", "гром", "молни", "бур"),
    "rain": ("rain", "rainy", "drizzle", "shower", "дожд", "ливен", "ливн"),
    "snow": ("snow", "snowy", "snowflake", "blizzard", "frost", "winter", "снег", "снеж", "метел", "мороз", "зим"),
    "fog": ("fog", "foggy", "mist", "misty", "haze", "туман", "дымк", "мгл"),
}
# Terrain is painted, not placed as a pictogram: these setting words are not things.
TERRAIN = {"forest", "wood", "jungle", "mountain", "peak", "cliff", "summit", "sea", "ocean", "shore", "beach",
           "wave", "coast", "lake", "river", "pond", "stream", "desert", "sand", "dune", "city", "town", "street",
           "alley", "village", "farm", "garden", "meadow", "field", "hill", "space", "galaxy", "orbit", "room",
           "hall", "cave", "tunnel"}
STOPWORDS = set("""a an the and or but of to in on at by for with from into onto over under up down out off as is
was were be been being it its he she they them his her their this that these those there here then than
who whom which what when where why how all any some no not very just so too can could would should will
one two three once upon time day old young little small big large great tiny huge kind brave wise
happy sad dark bright lost new long tall deep soft warm cold quiet loud found find finds carried
walked looked saw said went came began smiled ran flew flying fly red green blue purple yellow orange
golden silver white black pink brown grey gray
ear ears eye eyes nose paw paws tail tails fur whiskers""".split())  # the hero's own parts: "ears" is not corn
RUSSIAN_NOT_THINGS = ("стар", "маленьк", "больш", "молод", "добр", "нов", "темн", "светл", "красн", "зелен",
                      "син", "желт", "бел", "черн", "золот", "серебр")  # adjective stems; ё is matched as е
MATCH_THRESHOLD = 0.62  # cosine similarity for a word to stand for a pictogram's name
FALLBACK_HERO = "🧑"


def _mentions(text: str, stems: tuple[str, ...]) -> bool:
    return any(re.search(_pattern(stem), text) for stem in stems)


def _pattern(stem: str) -> str:
    if re.match("[а-я]", stem):
        return rf"\b{stem}[а-я]{{0,4}}\b"
    return rf"\b{stem}(?:s|es|ed|ing)?\b"


def _first(text: str, table: dict[str, tuple[str, ...]], default: str | None) -> str | None:
    return next((name for name, stems in table.items() if _mentions(text, stems)), default)


@dataclass
class ScenePlan:
    setting: str
    time: str  # day | dawn | dusk | night
    weather: str | None
    hero: Pictogram
    things: list[Pictogram] = field(default_factory=list)


class ScenePainter:
    def __init__(self, entry: Entry):
        self.entry = entry
        self.pictograms = vocabulary()
        self.by_word: dict[str, Pictogram] = {}
        for pictogram in self.pictograms:  # exact names first; earlier (shorter) names win
            for name in pictogram.names:
                self.by_word.setdefault(name, pictogram)
        self.by_glyph = {p.glyph: p for p in self.pictograms}
        self.names = [(name, p) for p in self.pictograms for name in p.names]
        self.embedder = model_registry.get("embed", entry.options.get("embedder"))
        self.name_vectors = self.embedder.encode([name for name, _ in self.names])

    # --- reading ---------------------------------------------------------------------------------
    def things_named(self, text: str, names: frozenset[str] = frozenset(),
                     first_is_name: bool = False) -> list[Pictogram]:
        """Pictograms for the concrete things a text names, in order of mention, without repeats.
        Capitalised words inside a sentence are proper names, and so are capitalised `names` (the
        hero's) and, with `first_is_name`, a capitalised first word."""
        backdrop = "|".join(_pattern(stem) for stems in (*WEATHER.values(), TIMES["dusk"], TIMES["dawn"])
                            for stem in stems)
        words = []
        for index, match in enumerate(re.finditer(r"[A-Za-zА-Яа-яЁё]+", text.replace("ё", "е").replace("Ё", "Е"))):
            word = match.group().lower()
            if match.group()[0].isupper() and (index > 0 or first_is_name or word in names):
                continue  # a proper name: "Flipper" the fox is not CLDR's flipper, the dolphin
            if len(word) > 2 and word not in STOPWORDS and word.rstrip("s") not in TERRAIN \
                    and not re.fullmatch(backdrop, word):
                words.append(word)
        found: list[Pictogram] = []
        unknown: list[tuple[int, str]] = []
        for position, word in enumerate(words):
            if re.match(r"[а-яё]", word):
                match = self._russian(word)
            else:
                forms = (word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word)
                match = next((self.by_glyph[PREFERRED[f]] for f in forms if f in PREFERRED), None) or \
                    next((self.by_word[f] for f in forms if f in self.by_word), None)
            if match:
                found.append((position, match))
            elif not re.match(r"[а-яё]", word):
                unknown.append((position, word))
        if unknown:
            similarity = self.embedder.encode([w for _, w in unknown]) @ self.name_vectors.T
            for (position, _), row in zip(unknown, similarity):
                if row.max() >= MATCH_THRESHOLD:
                    found.append((position, self.names[int(row.argmax())][1]))
        ordered = [p for _, p in sorted(found, key=lambda item: item[0])]
        return list(dict.fromkeys(ordered))

    def _russian(self, word: str) -> Pictogram | None:
        """Curated stems first (longest that starts the word), then CLDR names sharing a 5-letter stem."""
        stems = [stem for stem in PREFERRED if re.match(r"[а-яё]", stem) and word.startswith(stem)
                 and len(word) - len(stem) <= 3]
        if stems:
            return self.by_glyph[PREFERRED[max(stems, key=len)]]
        stem = word[: len(word) - 2]
        if len(stem) < 5 or word.startswith(RUSSIAN_NOT_THINGS):
            return None
        for pictogram in self.pictograms:
            if any(token.startswith(stem) for name in pictogram.names_ru for token in name.split()):
                return pictogram
        return None

    def hero_of(self, bible: dict[str, str]) -> Pictogram:
        """The first being of the bible's hero line ("Flipper, a small red fox": the fox; its capitalised
        words are names), else of the prompt."""
        for line, first_is_name in ((bible.get("hero", ""), True), (bible.get("prompt", ""), False)):
            beings = [p for p in self.things_named(line, first_is_name=first_is_name) if p.kind == "being"]
            if beings:
                return beings[0]
        return next(p for p in self.pictograms if p.glyph == FALLBACK_HERO)

    def plan(self, text: str, bible: dict[str, str]) -> ScenePlan:
        lower = text.lower().replace("ё", "е")
        hero = self.hero_of(bible)
        names = frozenset(name.lower().replace("ё", "е")
                          for name in re.findall(r"\b[A-ZА-ЯЁ][a-zа-яё]+", bible.get("hero", "")))
        setting = next((found for line in (text, bible.get("setting", ""), bible.get("prompt", ""))
                        if (found := _first(line.lower().replace("ё", "е"), SETTINGS, None))),
                       bible.get("scenery") or "village")
        things = [p for p in self.things_named(text, names) if p != hero][:4]
        return ScenePlan(setting, _first(lower, TIMES, "day"), _first(lower, WEATHER, None), hero, things)

    # --- painting --------------------------------------------------------------------------------
    def paint(self, *, text: str, bible: dict[str, str], width: int, height: int, seed: int) -> Image.Image:
        plan = self.plan(text, bible)
        digest = hashlib.sha256(f"{seed}|{text}|{plan.hero.glyph}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        palette = [np.array(ImageColor.getrgb(c), np.float32) for c in bible["palette"].split(",")]
        canvas = Canvas(width, height, plan, palette, rng)
        canvas.sky()
        canvas.terrain()
        canvas.place(plan)
        canvas.light()
        return canvas.finish(palette)


class Canvas:
    """One picture being painted; methods run back to front."""

    def __init__(self, width: int, height: int, plan: ScenePlan, palette: list[np.ndarray], rng):
        self.width, self.height, self.plan, self.palette, self.rng = width, height, plan, palette, rng
        self.horizon = int(height * (0.62 if plan.setting in ("sea", "lake", "desert") else 0.58))
        self.image = Image.new("RGB", (width, height))
        self.glows: list[tuple[float, float, float]] = []

    def _rgb(self, colour: np.ndarray) -> tuple[int, int, int]:
        return tuple(int(c) for c in np.clip(colour, 0, 255))

    def sky(self) -> None:
        time, setting = self.plan.time, self.plan.setting
        tops = {"night": (10, 14, 40), "dusk": (70, 50, 110), "dawn": (110, 140, 200), "day": (70, 130, 215)}
        bottoms = {"night": (35, 45, 90), "dusk": (250, 150, 90), "dawn": (250, 200, 170), "day": (215, 232, 250)}
        top, bottom = np.array(tops[time], np.float32), np.array(bottoms[time], np.float32)
        if setting == "space":
            top, bottom = np.array((3, 3, 12.0)), np.array((20, 14, 45.0))
        elif setting == "indoors":
            top, bottom = self.palette[-1] * 0.35, self.palette[-2 % len(self.palette)] * 0.55
        top = top * 0.8 + self.palette[0] * 0.2
        y = np.linspace(0, 1, self.height, dtype=np.float32)[:, None, None]
        gradient = top * (1 - y) + bottom * y
        self.sky_colour = bottom
        self.image = Image.fromarray(np.broadcast_to(gradient, (self.height, self.width, 3)).astype(np.uint8))
        draw = ImageDraw.Draw(self.image)
        if setting == "space" or (time == "night" and setting != "indoors"):
            for _ in range(self.width * self.height // 300):
                x, yy = self.rng.integers(self.width), self.rng.integers(self.horizon)
                shade = int(self.rng.integers(150, 256))
                draw.point((int(x), int(yy)), fill=(shade, shade, min(255, shade + 20)))
        named_sky = any(p.kind == "sky" for p in self.plan.things)
        if setting not in ("indoors",) and not named_sky:
            x = self.rng.uniform(0.15, 0.85) * self.width
            yy = self.rng.uniform(0.12, 0.3) * self.height
            r = self.height * (0.06 if time == "night" else 0.08)
            colour = ((245, 245, 215) if time == "night" else (255, 215, 120) if time in ("dusk", "dawn")
                      else (255, 245, 200))
            if setting == "space":
                r, colour = self.height * 0.22, self._rgb(self.palette[1 % len(self.palette)])
            draw.ellipse((x - r, yy - r, x + r, yy + r), fill=colour)
            if setting != "space":
                self.glows.append((x, yy, r * 1.8))

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
        setting, palette, h = self.plan.setting, self.palette, self.height
        green, earth = palette[1 % len(palette)], palette[2 % len(palette)]
        draw = ImageDraw.Draw(self.image)
        if setting == "indoors":
            draw.rectangle((0, self.horizon, self.width, h), fill=self._rgb(earth * 0.6))
            x0 = self.rng.uniform(0.1, 0.6) * self.width
            window = (x0, h * 0.15, x0 + self.width * 0.22, h * 0.45)
            night = self.plan.time == "night"
            draw.rectangle(window, fill=(30, 40, 90) if night else (170, 205, 240), outline=self._rgb(earth * 0.4),
                           width=3)
            return
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
                        lit = self.rng.random() < (0.5 if self.plan.time == "night" else 0.1)
                        fill = (255, 220, 130) if lit else self._rgb(palette[0] * 0.35)
                        draw.rectangle((wx, wy, wx + 2, wy + 3), fill=fill)
                x += w + 1
        if setting in ("sea", "lake"):
            water = palette[-1] * 0.35 + np.array((40, 100, 170.0)) * 0.65
            if self.plan.time == "night":
                water *= 0.5
            draw.rectangle((0, self.horizon, self.width, h), fill=self._rgb(water))
            for _ in range(self.width // 8):
                x, y = self.rng.uniform(0, self.width), self.rng.uniform(self.horizon + 3, h)
                draw.line((x, y, x + self.rng.uniform(4, 12), y), fill=self._rgb(water * 1.25), width=1)
            shore = self.horizon + h * (0.25 if setting == "sea" else 0.2)
            self._layer(self._ridge(shore, 0.015, False), earth, 0.0)
            return
        if setting == "desert":
            sand = np.array((225, 190, 120.0)) * 0.7 + earth * 0.3
            self._layer(self._ridge(self.horizon, 0.03, False), sand * 0.95, 0.25)
            self._layer(self._ridge(self.horizon + h * 0.15, 0.04, False), sand, 0.0)
            return
        if setting == "forest":
            tree = next(p for p in vocabulary() if p.glyph == "🌲")
            for row, (size, y) in enumerate(((0.12, self.horizon + 2), (0.18, self.horizon + h * 0.08))):
                x = -10.0
                while x < self.width:
                    self._paste(tree, x, y, int(h * size * self.rng.uniform(0.8, 1.1)), 0.45 - 0.2 * row, shadow=False)
                    x += h * size * self.rng.uniform(0.35, 0.6)
        self._layer(self._ridge(self.horizon + h * 0.06, 0.03, setting == "mountains"), green * 0.75, 0.15)
        self._layer(self._ridge(self.horizon + h * 0.2, 0.02, False), earth * 0.9 + green * 0.1, 0.0)

    def _paste(self, pictogram: Pictogram, x: float, ground: float, size: int, distance: float = 0.0,
               mirrored: bool = False, shadow: bool = True) -> None:
        """Put a pictogram standing at (x, ground) — its bottom centre — `size` pixels tall."""
        glyph = glyph_image(pictogram.glyph, max(4, size), mirrored)
        if distance:
            rgb = np.asarray(glyph, np.float32)
            rgb[..., :3] = rgb[..., :3] * (1 - distance) + self.sky_colour * distance
            glyph = Image.fromarray(rgb.astype(np.uint8), "RGBA")
        left, top = int(x - glyph.width / 2), int(ground - glyph.height)
        if shadow:
            shade = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
            ImageDraw.Draw(shade).ellipse((left + glyph.width * 0.1, ground - size * 0.06, left + glyph.width * 0.9,
                                           ground + size * 0.06), fill=(0, 0, 0, 90))
            self.image = Image.alpha_composite(self.image.convert("RGBA"), shade).convert("RGB")
        self.image.paste(glyph, (left, top), glyph)
        if pictogram.glows:
            self.glows.append((x, ground - glyph.height / 2, size * 1.6))

    def place(self, plan: ScenePlan) -> None:
        h, w = self.height, self.width
        sky = [p for p in plan.things if p.kind == "sky"]
        large = [p for p in plan.things if p.kind == "large"]
        beings = [p for p in plan.things if p.kind == "being"]
        small = [p for p in plan.things if p.kind == "small"]
        hero_left = self.rng.random() < 0.5
        hero_x = w * (0.3 if hero_left else 0.7)
        for i, thing in enumerate(sky):
            self._paste(thing, w * (0.2 + 0.6 * self.rng.random()), h * (0.32 + 0.05 * i), int(h * 0.2), shadow=False)
        mid_slots = [w * (0.72 if hero_left else 0.28), w * (0.5), w * (0.9 if hero_left else 0.1)]
        for i, thing in enumerate(large):
            self._paste(thing, mid_slots[i % 3], self.horizon + h * 0.08, int(h * 0.34), distance=0.15)
        for i, thing in enumerate(beings):
            self._paste(thing, mid_slots[(i + len(large)) % 3], self.horizon + h * 0.2, int(h * 0.24),
                        mirrored=not hero_left)
        ground = h * 0.93
        self._paste(plan.hero, hero_x, ground, int(h * 0.4), mirrored=hero_left)
        for i, thing in enumerate(small):
            side = 1 if hero_left else -1
            self._paste(thing, hero_x + side * w * (0.14 + 0.1 * i), ground, int(h * 0.17))

    def light(self) -> None:
        time, weather = self.plan.time, self.plan.weather
        pixels = np.asarray(self.image, np.float32)
        tint = {"night": (0.5, 0.55, 0.85), "dusk": (1.0, 0.82, 0.7), "dawn": (1.0, 0.93, 0.88)}.get(time)
        if self.plan.setting == "indoors" and time != "night":
            tint = (0.85, 0.8, 0.72)
        if tint:
            pixels = pixels * np.array(tint, np.float32)
        if weather == "storm":
            pixels *= 0.65
        if self.glows and (time in ("night", "dusk") or self.plan.setting in ("indoors", "space")):
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
        if weather in ("rain", "storm"):
            for _ in range(self.width * self.height // 250):
                x, y = self.rng.uniform(-10, self.width), self.rng.uniform(0, self.height)
                draw.line((x, y, x + 2, y + 7), fill=(170, 185, 210), width=1)
        if weather == "storm":
            x, y = self.rng.uniform(0.2, 0.8) * self.width, 0.0
            points = [(x, y)]
            while y < self.horizon:
                x, y = x + self.rng.uniform(-8, 8), y + self.rng.uniform(6, 14)
                points.append((x, y))
            draw.line(points, fill=(255, 255, 225), width=2)
        if weather == "snow":
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
