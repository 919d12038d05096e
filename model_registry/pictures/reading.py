"""What a sentence names, read for its picture: where it happens (indoors or out), the time of day and the
weather, what the hero does and feels, groups ("the crew"), and the concrete things it names.

Words are matched in English (whole words, plurals and -ed/-ing allowed) and Russian (stems, any short
ending), with ё read as е. Things are the colour emoji named by CLDR (English and Russian names, through
`pictograms`); an English word with no exact name is matched by MiniLM sentence embeddings over its
phrase (the word with the two before it: "drank some water", not "water"), and skipped when nothing is
close: a picture without an odd stand-in is better than a beer mug for "water".
"""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass

import numpy as np

import model_registry
from core import atomic, settings
from core.contracts import Bible
from core.hashing import content_key
from model_registry.pictures.pictograms import PREFERRED, Pictogram, vocabulary

# Places: name -> (indoors, landscape painted behind or around it, words). A landscape is one the
# painter knows (forest, sea, lake, desert, mountains, city, village, space, snow, sky); an interior is a
# room; under the sea and in the sky are places of their own.
PLACES: dict[str, tuple[bool, str, tuple[str, ...]]] = {
    "station": (True, "space", ("space station", "space base", "spaceship", "starship", "station", "planetarium",
                                "colony", "cockpit", "cabin", "lab", "laboratory", "звездолет", "станци", "планетари",
                                "колони", "кабин", "лаборатори", "корабл")),
    "kitchen": (True, "village", ("kitchen", "bakery", "oven", "кухн", "пекарн", "печ")),
    "classroom": (True, "city", ("classroom", "class", "school", "lesson", "класс", "школ", "урок")),
    "gallery": (True, "city", ("gallery", "museum", "studio", "exhibition", "галере", "музе", "мастерск",
                               "выставк")),
    "library": (True, "city", ("library", "bookshop", "библиотек")),
    "shop": (True, "city", ("shop", "store", "market", "bazaar", "магазин", "лавк", "рын", "базар")),
    "hall": (True, "village", ("hall", "palace", "throne", "ballroom", "church", "cathedral", "chapel", "temple",
                               "зал", "дворц", "дворец", "трон", "церк", "храм", "собор", "часовн")),
    "cave": (True, "mountains", ("cave", "cavern", "tunnel", "mine", "пещер", "тоннел", "шахт", "грот")),
    "room": (True, "village", ("room", "bedroom", "house", "home", "cottage", "hut", "attic", "cellar", "went inside",
                               "came inside", "ran inside", "stepped inside", "indoors",
                               "комнат", "спальн", "дом", "изб", "избушк", "хижин", "чердак", "подвал", "внутри")),
    "underwater": (False, "sea", ("underwater", "seabed", "sea floor", "ocean floor", "reef", "coral",
                                  "under the sea", "under the water", "под водой", "подводн", "риф", "корал")),
    "sky": (False, "sky", ("above the clouds", "through the clouds", "in the clouds", "among the clouds",
                           "high in the sky", "across the sky", "into the sky", "над облаками", "в облаках",
                           "в небе", "по небу", "в небо")),
    "deck": (False, "sea", ("deck", "boat", "ship", "sail", "sailed", "raft", "палуб", "лодк", "плот", "парус")),
    "castle": (False, "village", ("castle", "fortress", "tower", "kingdom", "замок", "замк", "крепост", "башн",
                                  "королевств")),
    "space": (False, "space", ("space", "planet", "galaxy", "orbit", "asteroid", "comet", "moon's", "космос",
                               "планет", "галакт", "орбит", "астероид", "комет")),
    "sea": (False, "sea", ("sea", "ocean", "shore", "beach", "harbor", "harbour", "wave", "island", "coast",
                           "lighthouse", "мор", "океан", "берег", "пляж", "гаван", "волн", "остров", "маяк")),
    "lake": (False, "lake", ("lake", "river", "pond", "stream", "a well", "the well", "wishing well", "озер", "рек",
                             "пруд", "руч", "колодц", "колодец")),  # not "how well"
    "desert": (False, "desert", ("desert", "sand", "dune", "пустын", "песо", "песк", "дюн")),
    "mountains": (False, "mountains", ("mountain", "peak", "cliff", "summit", "volcano", "гор", "скал", "вершин",
                                       "вулкан")),
    "snow": (False, "snow", ("snowfield", "glacier", "tundra", "ледник", "тундр")),
    "forest": (False, "forest", ("forest", "wood", "woods", "jungle", "grove", "лес", "рощ", "чащ", "джунгл")),
    "city": (False, "city", ("city", "town", "street", "square", "alley", "город", "улиц", "площад", "переул")),
    "village": (False, "village", ("village", "farm", "garden", "park", "playground", "meadow", "field", "hill",
                                   "деревн", "сад", "парк", "сквер", "луг", "пол", "ферм", "холм")),
}
PLACE_WORDS = {name: words for name, (_, _, words) in PLACES.items()}
TIMES = {
    "night": ("night", "moon", "moonlight", "moonlit", "star", "starry", "starlight", "dark", "darkness", "midnight",
              "ночь", "ночн", "луна", "луны",
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
# What the hero does, from the verb (first match wins, so the more telling actions come first).
ACTIONS = {
    "sleep": ("sleep", "slept", "asleep", "dream", "dreamed", "dreamt", "yawn", "nap", "bed", "спал", "спит",
              "усну", "засну", "засып", "спат", "сон", "дрем"),
    "paint": ("paint", "painted", "painting", "draw", "drew", "drawing", "sketch", "рисова", "рисует", "нарисова",
              "крас"),
    "cook": ("cook", "cooked", "bake", "baked", "baking", "stir", "готови", "готовил", "пек", "печет", "испек",
             "свари"),
    "build": ("build", "built", "building", "repair", "repaired", "fix", "fixed", "mend", "hammer", "строи",
              "постро", "чини", "почини", "мастер"),
    "write": ("write", "wrote", "written", "writing", "read", "letter", "писал", "пишет", "написа", "читал",
              "прочита"),
    "sew": ("sew", "sewed", "sewn", "stitch", "weave", "knit", "шил", "шьет", "сши", "вяза"),
    "eat": ("eat", "ate", "eaten", "feast", "dinner", "breakfast", "lunch", "ел", "ела", "съел", "обед", "ужин",
            "завтрак"),
    "drink": ("drink", "drank", "sip", "sipped", "пил", "пила", "выпил", "попил"),
    "sail": ("sail", "sailed", "row", "rowed", "float", "floated", "плыл", "плыва", "поплы", "греб"),
    "fly": ("fly", "flew", "flying", "soar", "soared", "glide", "летел", "лета", "полет", "взлет"),
    "run": ("run", "ran", "rush", "rushed", "hurry", "hurried", "chase", "chased", "race", "raced", "бежал",
            "бега", "побежа", "мчал", "помчал"),
    "climb": ("climb", "climbed", "climbing", "лез", "забра", "карабка"),
    "swim": ("swim", "swam", "dive", "dived", "плава", "нырн"),
    "sit": ("sit", "sat", "sitting", "rest", "rested", "wait", "waited", "сидел", "сел", "сиде", "отдыха", "ждал",
            "ждет"),
    "give": ("give", "gave", "given", "share", "shared", "gift", "present", "дал", "отдал", "подари", "подарил",
             "угости"),
    "find": ("find", "found", "discover", "discovered", "pick", "picked", "hold", "held", "carry", "carried",
             "kneel", "knelt", "kneeled", "нашел", "нашла", "наход", "найти", "держ", "нес", "несл", "подня"),
    "sing": ("sing", "sang", "song", "hum", "hummed", "пел", "поет", "спел", "песн"),
    "talk": ("said", "say", "says", "told", "tell", "ask", "asked", "talk", "talked", "call", "called", "shout",
             "shouted", "whisper", "whispered", "сказал", "говори", "спроси", "позва", "крикну", "шепну", "ответил"),
    "glow": ("glow", "glowed", "glowing", "shine", "shone", "sparkle", "sparkled", "light", "lit", "shimmer",
             "свети", "сия", "сверка", "мерца", "загорел"),
    "walk": ("walk", "walked", "went", "go", "goes", "wander", "wandered", "stroll", "journey", "travel",
             "traveled", "travelled", "set", "came", "come", "left", "arrive", "arrived", "explore", "explored",
             "шел", "шла", "пошел", "пошла", "иде", "гуля", "отправи", "пришел", "пришла", "брел", "путешеств"),
}
FEELINGS = {
    "joy": ("happy", "joy", "joyful", "glad", "laugh", "laughed", "smile", "smiled", "delight", "celebrate",
            "excited", "thrilled", "proud", "amazed", "delighted",
            "celebrated", "cheer", "cheered", "рад", "радова", "обрадова", "радост", "счаст", "смея", "засмея",
            "улыб", "весел"),
    "fear": ("afraid", "scared", "fear", "frightened", "tremble", "trembled", "terrified", "worried", "боял",
             "испуг", "испуга", "страх", "страш", "дрож", "тревож"),
    "sadness": ("sad", "cry", "cried", "tears", "wept", "lonely", "sorrow", "miss", "missed", "груст", "плак",
                "слез", "печал", "тоск", "одинок"),
}
# Groups drawn as several figures: the word and who they are (a person's role, or "kin": a family,
# people around a person, animals of its kind around an animal).
GROUPS = {"crew": "person", "villagers": "person", "people": "person", "friends": "person", "children": "child",
          "kids": "child", "family": "kin", "team": "person", "sailors": "person", "soldiers": "person",
          "guests": "person", "students": "student", "scientists": "scientist", "astronauts": "astronaut",
          "экипаж": "person", "жител": "person", "люд": "person", "друз": "person", "дет": "child",
          "семь": "kin", "команд": "person", "матрос": "person", "гост": "person", "ученик": "student",
          "ученых": "scientist", "космонавт": "astronaut"}
# Terrain is painted, not placed as a pictogram: these place words are not things.
TERRAIN = {word for _, _, words in PLACES.values() for word in words if re.match("[a-z]", word)}
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
MATCH_THRESHOLD = 0.62  # cosine similarity of a phrase to a pictogram's name to stand for it
FALLBACK_HERO = "🧑"


def _pattern(stem: str) -> str:
    if re.match("[а-я]", stem):
        return rf"\b{stem}[а-я]{{0,5}}\b"
    return rf"\b{re.escape(stem)}(?:s|es|ed|ing)?\b"


def mentions(text: str, stems: tuple[str, ...]) -> bool:
    return any(re.search(_pattern(stem), text) for stem in stems)


def first_of(text: str, table: dict[str, tuple[str, ...]], default: str | None = None) -> str | None:
    """The first entry of `table` whose words `text` holds."""
    lower = text.lower().replace("ё", "е")
    return next((name for name, words in table.items() if mentions(lower, words)), default)


def named_first(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The entry of `table` whose word comes first in `text` (a tie goes to the earlier entry): a story's
    setting names its place before what is near it ("a park near her house" is a park)."""
    lower = text.lower().replace("ё", "е")
    found = [(match.start(), order, name) for order, (name, words) in enumerate(table.items()) for stem in words
             if (match := re.search(_pattern(stem), lower))]
    return min(found)[2] if found else None


@dataclass(frozen=True)
class Reading:
    """What one sentence says for its picture (None where it does not say)."""

    place: str | None
    time: str
    weather: str | None
    action: str | None
    feeling: str | None
    group: str | None  # who a group in it is ("person", "child", ...)
    things: tuple[Pictogram, ...]


class Reader:
    """Reads sentences; holds the pictogram names and their embeddings (loaded once per process)."""

    def __init__(self):
        self.pictograms = vocabulary()
        self.by_word: dict[str, Pictogram] = {}
        for pictogram in self.pictograms:  # exact names first; earlier (shorter) names win
            for name in pictogram.names:
                self.by_word.setdefault(name, pictogram)
        self.by_glyph = {p.glyph: p for p in self.pictograms}
        self.names = [(name, p) for p in self.pictograms for name in p.names]
        self.embedder = model_registry.get("embed")
        self.name_vectors = name_vectors([name for name, _ in self.names], self.embedder)

    def read(self, text: str, hero_names: frozenset[str] = frozenset()) -> Reading:
        lower = text.lower().replace("ё", "е")
        group = next((who for word, who in GROUPS.items() if re.search(_pattern(word), lower)), None)
        return Reading(place=first_of(text, PLACE_WORDS), time=first_of(text, TIMES, "day"),
                       weather=first_of(text, WEATHER), action=first_of(text, ACTIONS),
                       feeling=first_of(text, FEELINGS), group=group,
                       things=tuple(self.things_named(text, hero_names)))

    def things_named(self, text: str, names: frozenset[str] = frozenset(),
                     first_is_name: bool = False) -> list[Pictogram]:
        """Pictograms for the concrete things a text names, in order of mention, without repeats.
        Capitalised words inside a sentence are proper names, and so are capitalised `names` (the
        hero's) and, with `first_is_name`, a capitalised first word."""
        backdrop = "|".join(_pattern(stem) for stems in (*WEATHER.values(), TIMES["dusk"], TIMES["dawn"])
                            for stem in stems)
        tokens = list(re.finditer(r"[A-Za-zА-Яа-яЁё']+", text.replace("ё", "е").replace("Ё", "Е")))
        words, context = [], []  # context: the words before, for a phrase ("drank some" + "water")
        for index, match in enumerate(tokens):
            word = match.group().lower().strip("'")
            if match.group()[0].isupper() and (index > 0 or first_is_name or word in names):
                continue  # a proper name: "Flipper" the fox is not CLDR's flipper, the dolphin
            if len(word) > 2 and word not in STOPWORDS and word.rstrip("s") not in TERRAIN \
                    and not re.fullmatch(backdrop, word):
                words.append((index, word, " ".join([*context[-2:], word])))
            context.append(word)
        found: list[tuple[int, Pictogram]] = []
        unknown: list[tuple[int, str]] = []
        for position, word, phrase in words:
            if re.match(r"[а-яё]", word):
                match = self._russian(word)
            else:
                forms = (word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word)
                match = next((self.by_glyph[PREFERRED[f]] for f in forms if f in PREFERRED), None) or \
                    next((self.by_word[f] for f in forms if f in self.by_word), None)
            if match:
                found.append((position, match))
            elif not re.match(r"[а-яё]", word):
                unknown.append((position, phrase))
        if unknown:
            similarity = self.embedder.encode([phrase for _, phrase in unknown]) @ self.name_vectors.T
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

    def hero_of(self, bible: Bible) -> Pictogram:
        """The first being of the bible's hero line ("Flipper, a small red fox": the fox; its capitalised
        words are names), else of the prompt."""
        for line, first_is_name in ((bible.hero, True), (bible.prompt, False)):
            beings = [p for p in self.things_named(line, first_is_name=first_is_name) if p.kind == "being"]
            if beings:
                return beings[0]
        return self.by_glyph[FALLBACK_HERO]


def name_vectors(names: list[str], embedder) -> np.ndarray:
    """The embeddings of the pictograms' names: computed once per vocabulary and embedder and kept in the
    models cache, not in every process that plans shots (821 names, 1.5 s of CPU in a cold story). A file
    that does not load as one unit-length row per name is computed again."""
    key = content_key(names, embedder.entry.identity)[:16]
    path = settings.models_dir() / "embed" / f"pictogram-names-{key}.npy"
    try:
        vectors = np.load(path, allow_pickle=False)
        if vectors.dtype == np.float32 and vectors.ndim == 2 and len(vectors) == len(names) and \
                np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3):
            return vectors
    except (OSError, ValueError):
        pass  # missing or unreadable: computed again below
    vectors = embedder.encode(names)
    kept = io.BytesIO()
    np.save(kept, vectors)
    atomic.write_bytes(path, kept.getvalue())
    return vectors


@functools.cache
def reader() -> Reader:
    return Reader()
