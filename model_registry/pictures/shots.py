"""Shot planning: a story -> one `Shot` per sentence (core/contracts.py), which the scene painter paints.

A shot says where the picture is (a room, a kitchen, a cave, a ship's deck, a station, or a landscape),
the time of day and the weather, what the hero does (its pose), how close the camera is, where the hero
stands and which way it faces, who else is there, and the things the sentence names. It is made from the
sentence, its neighbours and the story bible:
- a sentence that names no place stays where the story is (the last place named, else the bible's
  setting, else the genre's scenery);
- the first and last shots are wide; between them a journey is wide, making or holding something medium,
  talk and feelings close, never the same framing three times running;
- the hero moves between the thirds of the frame, faces what it meets, and is drawn full-body in the
  pose its action asks for wherever the library has one (the same figure and colours throughout);
- a group ("the crew", "жители") is several figures; making something puts the tool in hand and the
  thing being made beside it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from core.contracts import RGB, Bible, Figure, Group, Look, Shot, Thing
from model_registry.pictures import library, reading
from model_registry.pictures.pictograms import Pictogram

FRAMING = {"walk": "wide", "run": "wide", "sail": "wide", "fly": "wide", "swim": "wide", "climb": "wide",
           "talk": "close", "sing": "close"}  # anything else is a medium shot; a feeling is close
POSES = {"walk": "walk", "run": "run", "sail": "sail", "fly": "fly", "swim": "swim", "climb": "climb",
         "sleep": "lie", "sit": "sit", "eat": "sit", "drink": "sit", "paint": "paint", "cook": "cook",
         "build": "make", "write": "make", "sew": "make", "find": "kneel", "give": "hold", "talk": "talk",
         "sing": "sing", "glow": "magic"}
FEELING_POSES = {"joy": "dance", "sadness": "sad", "fear": "kneel"}
GOING_OUT = {"walk", "run", "fly", "swim", "climb", "sail"}  # what takes the hero out of a room into the land named
# The tool in hand and the thing being made, for each kind of making; what a meal or a drink shows.
PROPS = {"paint": ("🖌️", "🖼️", "🎨"), "cook": ("🍳", "🥘"), "build": ("🔨", "🪵"), "write": ("✏️", "📜"),
         "sew": ("🪡", "🧵", "🧥"), "eat": ("🍞",), "drink": ("🍵",), "sing": ("🎶",), "glow": ("✨",),
         "sleep": ("💤",)}
# What furnishes a room, by place (emoji, drawn from the library where it has them).
FURNITURE = {"room": ("🛏️", "🪴", "🛋️"), "kitchen": ("🍞", "🥐", "🫖", "🍳"), "hall": ("🕯️", "🏺", "🕯️"),
             "classroom": ("🪑", "🌍", "📚", "🍎"), "cave": ("🪨", "💎", "🪨"), "station": ("🖥️", "🔭", "🛰️"),
             "library": ("📚", "🪑", "🕯️"), "gallery": ("🏺", "🪑"), "shop": ("🧺", "🛒", "🍎")}
LANDMARKS = {"castle": "🏰"}  # a place that is a building: drawn on the horizon
HERE = {"deck": ("🚢", "⛵", "🛶"), "station": ("🚀", "🛸", "🚢", "⛵"), "hall": ("⛪", "🏰", "🕌", "🏛️"),
        "kitchen": ("🏠",), "room": ("🏠", "🏡")}  # where the picture is: not drawn in it
SLOTS = (0.28, 0.72, 0.5)  # where the hero stands, as a share of the frame's width
PEOPLE_LINES = {"woman": ("girl", "woman", "princess", "queen", "lady", "she", "her", "mother", "grandmother",
                          "девочк", "девушк", "женщин", "принцесс", "королев", "бабушк", "мам"),
                "man": ("boy", "man", "prince", "king", "he", "his", "father", "grandfather", "knight",
                        "мальчик", "мужчин", "принц", "корол", "дедушк", "пап", "рыцар")}
COLOURS = {"red": (200, 60, 45), "orange": (220, 120, 40), "ginger": (215, 110, 40), "brown": (140, 90, 55),
           "grey": (130, 130, 140), "gray": (130, 130, 140), "silver": (175, 180, 190), "white": (235, 235, 230),
           "black": (40, 40, 48), "golden": (215, 170, 60), "gold": (215, 170, 60), "blue": (60, 100, 200),
           "green": (60, 150, 80), "purple": (120, 70, 160), "pink": (230, 130, 170),
           "рыж": (215, 110, 40), "красн": (200, 60, 45), "бур": (140, 90, 55), "коричнев": (140, 90, 55),
           "сер": (130, 130, 140), "бел": (235, 235, 230), "черн": (40, 40, 48), "золот": (215, 170, 60),
           "син": (60, 100, 200), "зелен": (60, 150, 80)}
DEFAULT_TINT = {"fox": (215, 110, 40), "wolf": (120, 120, 130), "bear": (140, 95, 60), "robot": (185, 200, 225),
                "owl": (150, 110, 70), "frog": (70, 150, 70), "mouse": (150, 145, 150), "rabbit": (190, 160, 130),
                "cat": (150, 120, 90), "dog": (170, 120, 70), "unicorn": (235, 225, 240), "ghost": (225, 230, 240)}


@dataclass(frozen=True)
class Hero:
    """Who the hero is in every picture: the emoji standing for it, the subject the library draws (a
    person, an animal, a robot), its line (a person's "woman"/"man"/"person"), its role and its colour."""

    glyph: str
    subject: str
    line: str
    role: str
    tint: RGB


def hero_figure(bible: Bible) -> Hero:
    """The story's hero as the library draws it, from the bible's hero line (else the prompt)."""
    hero = reading.reader().hero_of(bible)
    line = f"{bible.hero} {bible.prompt}".lower().replace("ё", "е")
    subject = _subject(hero)
    gender = next((g for g, words in PEOPLE_LINES.items() if reading.mentions(line, words)), "person")
    tint = next((rgb for word, rgb in COLOURS.items() if reading.mentions(line, (word,))),
                DEFAULT_TINT.get(subject, (150, 120, 90)))
    return Hero(hero.glyph, subject, gender if subject == "person" else subject, hero.names[0], tint)


def _subject(hero: Pictogram) -> str:
    """The library's subject for a hero emoji: "person" for people, else its animal ("fox face" -> "fox")."""
    asset = library.by_glyph().get(hero.glyph)
    if asset and asset.subject:
        return asset.subject
    name = re.sub(r"\s+face$", "", hero.names[0])
    return name if library.bodies(name) else "person" if asset is None or asset.role else name


# The poses the 3D set draws people in head to foot (its cooks, mages, astronauts and detectives are busts):
# a person in any other pose stands, with what it holds beside it.
BODY_POSES = {"walk": "walking", "run": "running", "kneel": "kneeling", "lie": "in bed", "climb": "climbing",
              "swim": "swimming", "sail": "rowing boat", "sit": "lotus position", "dance": "dancing",
              "fly": "fairy", "stand": "standing"}


def figure(hero: Hero, pose: str) -> library.Asset:
    """The hero's art for a pose. A person: its line's (woman, man, person) full-body art in that pose,
    else standing. An animal or a robot: always the same full-body art (colour before silhouette), else its
    emoji's face, which the painter bends into the pose."""
    bodies = library.bodies(hero.subject)
    if hero.subject == "person":
        words = BODY_POSES.get(pose, BODY_POSES["stand"])
        whole = [a for a in bodies if a.name.endswith(words) or f"{words} facing" in a.name]
        line = [a for a in whole if a.name.startswith(f"{hero.line} ")] or \
            [a for a in whole if a.name.startswith("person ")] or whole
        if line:
            return sorted(line, key=lambda a: ("facing" in a.name, len(a.name)))[0]
        return figure(hero, "stand") if pose != "stand" else bodies[0]
    return bodies[0] if bodies else library.by_glyph()[hero.glyph]  # one figure; the painter poses it


def plan(sentences: tuple[str, ...], bible: Bible, look: Look) -> tuple[Shot, ...]:
    """The story's shots, in order (see the module's docstring)."""
    read = reading.reader()
    hero = hero_figure(bible)
    names = frozenset(word.lower().replace("ё", "е") for word in re.findall(r"\b[A-ZА-ЯЁ][a-zа-яё]+", bible.hero))
    place = next((found for line in (bible.setting, bible.prompt, look.scenery)
                  if (found := reading.named_first(line, reading.PLACE_WORDS))), "village")
    shots: list[Shot] = []
    for index, sentence in enumerate(sentences):
        said = read.read(sentence, names)
        place = _where(place, said)
        if place == "deck" and look.scenery == "space":
            place = "station"  # in science fiction a ship is a spaceship
        indoors, landscape, _ = reading.PLACES[place]
        action = said.action or ("walk" if index == 0 else "stand")
        framing = _framing(index, len(sentences), action, said.feeling, [s.framing for s in shots])
        # a feeling shows in the pose when the hero does nothing in particular; the opening walk stays a walk
        pose = FEELING_POSES.get(said.feeling) if said.feeling and not said.action and action != "walk" \
            else POSES.get(action, "stand")
        if place in ("deck", "underwater") and pose in ("sail", "swim"):
            pose = "stand"  # on board, or under the water: not the emoji's boat or its strip of sea
        body = figure(hero, pose)
        x = _slot(index, shots)
        things = [p for p in said.things if p.glyph != hero.glyph]
        others = [p for p in things if p.kind == "being" and not _stand_in(p, action, said.group)][:2]
        objects = [p for p in things if p.kind != "being"][:4]
        landmark = [_emoji(LANDMARKS[place], "large")] if place in LANDMARKS and not indoors else []
        group = None
        if said.group == "kin" and hero.subject != "person":  # a fox's family are foxes
            group = Group(figure(hero, "stand").id, 3)
        elif said.group:
            crowd = Hero(hero.glyph, "person", "person", "person" if said.group == "kin" else said.group, hero.tint)
            group = Group(figure(crowd, "stand").id, 3)
        shots.append(_unlike(shots, Shot(
            index=index, place=place, indoors=indoors, landscape=landscape, time=said.time,
            weather=said.weather, action=action, feeling=said.feeling, framing=framing,
            hero=Figure(asset=body.id, pose=pose, x=x, facing="right" if x < 0.5 else "left", tint=hero.tint,
                        glyph=hero.glyph),
            group=group,
            others=tuple(_drawn(p) for p in others),
            things=tuple(landmark + [_drawn(p) for p in objects
                                     if p.glyph not in (LANDMARKS.get(place), *HERE.get(place, ()))]),
            props=tuple(_emoji(glyph) for glyph in PROPS.get(action, ())),
            furniture=tuple(_emoji(glyph) for glyph in FURNITURE.get(place, ())) if indoors else (),
        )))
    return tuple(shots)


def _where(place: str, said: reading.Reading) -> str:
    """Where a sentence is: the place it names, else where the story is. A sentence in a room that names
    only the land around it (the galaxy around a station, the village around a kitchen) is still in the
    room unless the hero goes out: "a mural of the galaxy", "bread for the village"; "flew into space" is
    out there."""
    if said.place is None:
        return place
    indoors, around, _ = reading.PLACES[place]
    named_indoors, named_land, _ = reading.PLACES[said.place]
    if indoors and not named_indoors and named_land == around and said.action not in GOING_OUT:
        return place
    return said.place


def _unlike(before: list[Shot], shot: Shot) -> Shot:
    """`shot`, changed until no earlier shot of the story looks like it: the same place at the same time
    seen as close, with the hero in the same third, is the same picture whatever small thing differs. So
    another third of the frame, else another framing: every shot of a story is a picture of its own."""
    def same(a: Shot, b: Shot) -> bool:
        return (a.place, a.time, a.weather, a.framing, a.hero.x) == (b.place, b.time, b.weather, b.framing, b.hero.x)

    for framing in (shot.framing, *(f for f in ("medium", "wide", "close") if f != shot.framing)):
        for x in (shot.hero.x, *(x for x in SLOTS if x != shot.hero.x and x != (before[-1].hero.x if before
                                                                                    else None))):
            hero = dataclasses.replace(shot.hero, x=x, facing="right" if x < 0.5 else "left")
            candidate = dataclasses.replace(shot, framing=framing, hero=hero)
            if not any(same(candidate, earlier) for earlier in before):
                return candidate
    return shot


def _stand_in(pictogram: Pictogram, action: str, group: str | None) -> bool:
    """Whether a being the sentence's words matched stands in for someone the shot already draws: a person
    doing the sentence's action ("Max climbed up the tree" -> "person climbing": the hero climbs, and a
    stranger climbing beside it would tell another story), or people without whole-body art where a group
    is drawn ("her friends and family" -> the family emoji's faces beside the group's standing figures)."""
    asset = library.by_glyph().get(pictogram.glyph)
    if asset is not None:
        return asset.subject == "person" and asset.pose == action
    return group is not None and any(word in pictogram.names[0] for word in reading.GROUPS)


def _drawn(pictogram: Pictogram) -> Thing:
    """A thing as the painter draws it: the library's art for its emoji, else the emoji itself. A person
    the sentence names is drawn whole, standing (the emoji of people are busts), an animal whole."""
    asset = library.by_glyph().get(pictogram.glyph)
    if asset is not None and asset.subject == "person" and not asset.name.endswith(tuple(BODY_POSES.values())):
        line = next((g for g, words in PEOPLE_LINES.items() if reading.mentions(asset.name, words)), "person")
        asset = figure(Hero(pictogram.glyph, "person", line, asset.name, (150, 120, 90)), "stand")
    elif asset is not None and asset.body == "face" and (bodies := library.bodies(_subject(pictogram))):
        asset = bodies[0]  # a whole animal (a silhouette where the art has only its face)
    return Thing(pictogram.glyph, pictogram.kind, pictogram.names[0], asset.id if asset else None)


def _emoji(glyph: str, kind: str = "small") -> Thing:
    """A prop or a piece of furniture the plan adds (not read from the sentence), drawn the same way."""
    asset = library.by_glyph().get(glyph)
    return Thing(glyph, kind, asset.name if asset else glyph, asset.id if asset else None)


def _framing(index: int, count: int, action: str, feeling: str | None, before: list[str]) -> str:
    if index == 0 or index == count - 1:
        return "wide"  # establish the place; close on the whole scene
    framing = "close" if feeling else FRAMING.get(action, "medium")
    if before[-2:] == [framing, framing]:
        framing = {"wide": "medium", "medium": "close", "close": "medium"}[framing]
    return framing


def _slot(index: int, shots: list[Shot]) -> float:
    """The hero's place across the frame: another third than the last picture's."""
    last = shots[-1].hero.x if shots else None
    return next(x for x in SLOTS[index % 3:] + SLOTS[: index % 3] if x != last)
