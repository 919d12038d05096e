"""Drawable things: the colour emoji of Noto Color Emoji (apt `fonts-noto-color-emoji`, OFL), named by
their CLDR short names and aliases (the `emoji` package, English and Russian).

Only single-codepoint emoji from blocks that depict things (animals, people and creatures, plants,
food, buildings, vehicles, objects, sky and weather) are used; smileys, hands, symbols and flags are not
drawable scenery. Each thing has a kind that says where a scene puts it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
GLYPH_SIZE = 109  # the font's only bitmap strike

# Code point ranges and the kind of thing they hold (checked in order, first match wins).
KINDS: list[tuple[str, list[tuple[int, int]]]] = [
    ("sky", [(0x1F311, 0x1F320), (0x2600, 0x2601), (0x2604, 0x2604), (0x26C5, 0x26C8), (0x1F324, 0x1F32C),
             (0x1F680, 0x1F680), (0x1F6F0, 0x1F6F0), (0x1F6F8, 0x1F6F8), (0x1FA90, 0x1FA90), (0x1F308, 0x1F308)]),
    ("being", [(0x1F400, 0x1F43E), (0x1F980, 0x1F9AE), (0x1F466, 0x1F487), (0x1F9D1, 0x1F9DF), (0x1F934, 0x1F936),
               (0x1F385, 0x1F385), (0x1F575, 0x1F575), (0x1F47B, 0x1F47D), (0x1F916, 0x1F916), (0x1F977, 0x1F977),
               (0x1F9B8, 0x1F9B9), (0x1FAB0, 0x1FAB3),
               (0x1FABC, 0x1FABC), (0x1FABF, 0x1FABF), (0x1F40C, 0x1F40C), (0x26C4, 0x26C4), (0x2603, 0x2603)]),
    ("large", [(0x1F3D4, 0x1F3DF), (0x1F3E0, 0x1F3ED), (0x1F3EF, 0x1F3F0), (0x26EA, 0x26FA), (0x1F5FB, 0x1F5FF),
               (0x1F681, 0x1F6C5),
               (0x1F6E9, 0x1F6EF), (0x1F332, 0x1F335), (0x1F30B, 0x1F30B), (0x26F0, 0x26F0), (0x1F3A0, 0x1F3A2),
               (0x2708, 0x2708), (0x26F5, 0x26F5), (0x1FAA8, 0x1FAA8), (0x1F3D5, 0x1F3D5), (0x1FABE, 0x1FABE)]),
    ("small", [(0x1F330, 0x1F331), (0x1F336, 0x1F37F), (0x1F380, 0x1F393), (0x1F3A9, 0x1F3BA), (0x1F451, 0x1F462),
               (0x1F48D, 0x1F48E), (0x1F4A1, 0x1F4A1), (0x1F4B0, 0x1F4B0), (0x1F4D5, 0x1F4DC), (0x1F4E6, 0x1F4E6),
               (0x1F50B, 0x1F52E), (0x1F56F, 0x1F570), (0x1F5DD, 0x1F5DD), (0x1F5E1, 0x1F5E1), (0x1F5FA, 0x1F5FA),
               (0x1F6E1, 0x1F6E1), (0x1F9E9, 0x1F9FF), (0x1FA80, 0x1FA86), (0x1FA94, 0x1FA9F), (0x2693, 0x2694),
               (0x2696, 0x2699), (0x231B, 0x231B), (0x23F0, 0x23F3), (0x1F9ED, 0x1F9ED), (0x1F3F9, 0x1F3FA),
               (0x1F525, 0x1F525), (0x1F4A3, 0x1F4A3), (0x1F950, 0x1F96F), (0x1F9C0, 0x1F9CB), (0x1F4A7, 0x1F4A7),
               (0x1F3A8, 0x1F3A8), (0x1F58C, 0x1F58D), (0x1F5BC, 0x1F5BC), (0x1F4BB, 0x1F4BC), (0x2709, 0x2709),
               (0x1FAA1, 0x1FAA1), (0x1F9E5, 0x1F9E5), (0x1F3EE, 0x1F3EE), (0x1F6CB, 0x1F6D2), (0x1FA91, 0x1FA93),
               (0x270F, 0x270F), (0x1F5A5, 0x1F5A5), (0x1FAD0, 0x1FADB), (0x2728, 0x2728), (0x1F4A4, 0x1F4A4),
               (0x1F4AC, 0x1F4AC), (0x1F30D, 0x1F30F), (0x1FAB4, 0x1FABB)]),
]
# Emoji in those blocks that are signs, labels or body care rather than things in a scene.
NOT_SCENERY = re.compile(r"\b(sign|button|arrow|input|symbol|mark|keycap|no|wc|toilet|restroom|passport|customs|"
                         r"baggage|luggage|litter|potable|crossing|construction|traffic|atm|lipstick|nail|haircut|"
                         r"massage|tipping|smoking|cigarette|shower|bath|bathtub|badge|link|lock|locked|unlocked|"
                         r"bellhop|pedestrians|bicycles|mobile|women|men|baby symbol|bell with slash|prohibited)\b")
# Story nouns whose best picture the names alone would not pick (CLDR has "christmas tree" before
# "deciduous tree", and no "knight"), in English and Russian (stems, with ё written as е).
PREFERRED = {
    "tree": "🌳", "oak": "🌳", "house": "🏠", "home": "🏠", "man": "👨", "woman": "👩", "girl": "👧", "boy": "👦",
    "child": "🧒", "children": "🧒", "kid": "🧒", "king": "🤴", "queen": "👸", "princess": "👸", "prince": "🤴",
    "wizard": "🧙", "witch": "🧙", "knight": "🛡️", "star": "🌟", "stars": "🌟", "ship": "🚢", "boat": "⛵", "car": "🚗",
    "book": "📖", "sword": "🗡️", "robot": "🤖", "detective": "🕵️", "door": "🚪", "window": "🪟", "lamp": "🪔",
    "flower": "🌸", "bird": "🐦", "cat": "🐈", "dog": "🐕", "mouse": "🐁", "owl": "🦉", "rabbit": "🐇", "bunny": "🐇",
    "bear": "🐻", "wolf": "🐺", "fish": "🐟", "treasure": "💰", "gold": "🪙", "map": "🗺️", "clue": "🔍", "moon": "🌙",
    "cloud": "☁️", "rocket": "🚀", "spaceship": "🚀", "alien": "👽", "ghost": "👻", "lantern": "🏮", "candle": "🕯️",
    "key": "🗝️", "crown": "👑", "horse": "🐎", "dragon": "🐉", "fairy": "🧚", "mermaid": "🧜", "unicorn": "🦄",
    "castle": "🏰", "tower": "🗼", "mountain": "⛰️", "volcano": "🌋", "tent": "⛺", "train": "🚂", "planet": "🪐",
    "captain": "🧑", "sailor": "🧑", "keeper": "🧑", "explorer": "🧗", "teddy": "🧸", "toy": "🧸",
    "water": "💧", "milk": "🥛", "tea": "🍵", "juice": "🧃", "soup": "🍲", "paint": "🎨", "paints": "🎨",
    "palette": "🎨", "brush": "🖌️", "paintbrush": "🖌️", "picture": "🖼️", "painting": "🖼️", "portrait": "🖼️",
    "seed": "🌱", "sprout": "🌱", "satellite": "🛰️", "computer": "💻", "letter": "✉️", "needle": "🪡",
    "thread": "🧵", "coat": "🧥", "bread": "🍞", "cake": "🍰", "bell": "🔔", "telescope": "🔭",
    "вод": "💧", "молок": "🥛", "чай": "🍵", "краск": "🎨", "кист": "🖌️", "картин": "🖼️", "портрет": "🖼️",
    "семечк": "🌱", "семен": "🌱", "росток": "🌱", "спутник": "🛰️", "компьютер": "💻", "письм": "✉️",
    "игл": "🪡", "нитк": "🧵", "пальт": "🧥", "хлеб": "🍞", "торт": "🍰", "пирог": "🥧", "колокол": "🔔",
    "телескоп": "🔭",
    "лиса": "🦊", "лис": "🦊", "фонар": "🏮", "дерев": "🌳", "дуб": "🌳", "дракон": "🐉", "замок": "🏰", "замк": "🏰",
    "кот": "🐈", "кошк": "🐈", "собак": "🐕", "пес": "🐕", "принцесс": "👸", "корол": "🤴", "звезд": "🌟",
    "лун": "🌙", "корабл": "🚢", "лодк": "⛵", "дом": "🏠", "книг": "📖", "ключ": "🗝️", "меч": "🗡️", "робот": "🤖",
    "сыщик": "🕵️", "детектив": "🕵️", "ракет": "🚀", "волк": "🐺", "медвед": "🐻", "заяц": "🐇", "зайц": "🐇",
    "сова": "🦉", "сов": "🦉", "птиц": "🐦", "рыб": "🐟", "цвет": "🌸", "клад": "💰", "карт": "🗺️", "улик": "🔍",
    "девочк": "👧", "мальчик": "👦", "девушк": "👩", "старик": "👴", "бабушк": "👵", "дедушк": "👴", "фея": "🧚",
    "фе": "🧚", "единорог": "🦄", "свеч": "🕯️", "корон": "👑", "конь": "🐎", "кон": "🐎", "лошад": "🐎",
    "маяк": "🗼", "башн": "🗼", "гор": "⛰️", "планет": "🪐", "инопланет": "👽", "призрак": "👻", "мыш": "🐁",
    "капитан": "🧑", "мишк": "🧸", "игрушк": "🧸",
}
GLOWING = {"🏮", "🕯", "💡", "🔥", "🔦", "⭐", "🌟", "🌙", "☀", "🌞", "🌕", "🪔", "🔮", "💎", "⚡", "🌠"}


@dataclass(frozen=True)
class Pictogram:
    glyph: str
    kind: str  # being | large | small | sky
    names: tuple[str, ...]  # English words, e.g. ("fox", "fox face")
    names_ru: tuple[str, ...]

    @property
    def glows(self) -> bool:
        return self.glyph in GLOWING


def _kind(codepoint: int) -> str | None:
    for kind, ranges in KINDS:
        if any(low <= codepoint <= high for low, high in ranges):
            return kind
    return None


def kind_of(glyph: str, name: str = "") -> str | None:
    """Where a scene puts this emoji (being, large, small, sky), or None if it is not scenery."""
    base = glyph.replace("\ufe0f", "")
    if len(base) != 1 or (name and NOT_SCENERY.search(name)):
        return None
    return _kind(ord(base))


def _words(short_name: str) -> str:
    return re.sub(r"[_:]+", " ", short_name).strip().lower()


@functools.cache
def vocabulary() -> tuple[Pictogram, ...]:
    import emoji

    emoji.config.load_language("ru")
    found = []
    for glyph, data in emoji.EMOJI_DATA.items():
        base = glyph.replace("\ufe0f", "")
        if len(base) != 1 or data.get("status") != emoji.STATUS["fully_qualified"]:
            continue
        kind = _kind(ord(base))
        names = (_words(data["en"]), *(_words(a) for a in data.get("alias", [])))
        if kind is None or any(NOT_SCENERY.search(name) for name in names) or ord(base) not in _drawable():
            continue
        found.append(Pictogram(glyph, kind, tuple(dict.fromkeys(names)), (_words(data.get("ru", "")),)))
    return tuple(found)


@functools.cache
def _drawable() -> frozenset[int]:
    """The code points the emoji font has a picture for: the `emoji` package knows newer emoji than the
    apt font draws (a leafless tree, Unicode 16, had failed a story's picture), and the 3D and flat art
    are older still."""
    from fontTools.ttLib import TTFont

    with TTFont(str(EMOJI_FONT), lazy=True) as font:
        return frozenset(font.getBestCmap())


@functools.cache
def _font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(EMOJI_FONT), GLYPH_SIZE)


@functools.lru_cache(maxsize=512)
def glyph_image(glyph: str, size: int, mirrored: bool = False) -> Image.Image:
    """The emoji as an RGBA image `size` pixels tall (trimmed to its drawn pixels)."""
    canvas = Image.new("RGBA", (GLYPH_SIZE * 2, GLYPH_SIZE * 2), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((GLYPH_SIZE // 2, GLYPH_SIZE // 2), glyph, font=_font(), embedded_color=True)
    box = canvas.getbbox()
    if box is None:
        raise ValueError(f"the emoji font has no picture for {glyph!r}")
    image = canvas.crop(box)
    image = image.resize((max(1, round(image.width * size / image.height)), size), Image.Resampling.LANCZOS)
    return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if mirrored else image
