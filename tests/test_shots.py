"""Shot plans: what each picture must show, read from the sentence, its neighbours and the bible, and the
painter drawing exactly what the plan says."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import model_registry
from core.contracts import Bible, Shot
from model_registry.pictures import fluent3d, reading
from model_registry.pictures.puppets import BUILDS
from model_registry.pictures.shots import plan
from tasks.request import load_genre

GENRE = load_genre("fairy-tale")
BIBLE = Bible(hero="Flipper, a small red fox with a white-tipped tail", setting="a quiet forest",
              prompt="a fox who finds a lost lantern", written_by="test")
OPENING = {"en": "Once there was a fox in the forest.", "ru": "Жила-была лиса в лесу."}
CLOSING = {"en": "And all was well at last.", "ru": "И всё закончилось хорошо."}


def story(sentences: list[str], language: str = "en", bible: Bible | None = None) -> tuple[Shot, ...]:
    """The shots of a fairy tale told in these sentences."""
    return plan(tuple(sentences), bible or BIBLE, GENRE.look)


def shot_of(sentence: str, language: str) -> Shot:
    """The plan of a sentence in the middle of a story (an opening before it, a closing after)."""
    return story([OPENING[language], sentence, CLOSING[language]], language)[1]


# sentence, language, place, action, framing, emoji that must be drawn (things or props), group
TABLE = [
    ("The fox walked into the kitchen.", "en", "kitchen", "walk", "wide", set(), None),
    ("The fox painted a picture in the gallery.", "en", "gallery", "paint", "medium", {"🖌️", "🖼️"}, None),
    ("The fox slept in a warm bed.", "en", "forest", "sleep", "medium", {"💤"}, None),
    ("The crew gathered on the deck of the ship.", "en", "deck", None, "medium", set(), "person"),
    ("The fox drank some water by the river.", "en", "lake", "drink", "medium", {"💧"}, None),
    ("The villagers cheered in the town square.", "en", "city", None, "close", set(), "person"),
    ("The fox found a lantern in the cave.", "en", "cave", "find", "medium", {"🏮"}, None),
    ("The fox cooked soup in the kitchen.", "en", "kitchen", "cook", "medium", {"🍲"}, None),
    ("The fox sailed across the sea.", "en", "deck", "sail", "wide", set(), None),
    ("The fox walked along the beach.", "en", "sea", "walk", "wide", set(), None),
    ("The fox ran through the dark forest at night.", "en", "forest", "run", "wide", set(), None),
    ("The fox was afraid of the storm.", "en", "forest", None, "close", set(), None),
    ("The fox cried alone by the lake.", "en", "lake", None, "close", set(), None),
    ("The fox said hello to an owl.", "en", "forest", "talk", "close", {"🦉"}, None),
    ("The fox sang a song in the meadow.", "en", "village", "sing", "close", {"🎶"}, None),
    ("The lantern glowed in the hall of the palace.", "en", "hall", "glow", "medium", {"🏮", "✨"}, None),
    ("The fox sat in the classroom with a book.", "en", "classroom", "sit", "medium", {"📖"}, None),
    ("The fox climbed the tall mountain.", "en", "mountains", "climb", "wide", set(), None),
    ("The fox built a new house.", "en", "room", "build", "medium", {"🔨"}, None),
    ("The fox wrote a letter in the library.", "en", "library", "write", "medium", {"✏️"}, None),
    ("The fox ate bread at the market.", "en", "shop", "eat", "medium", {"🍞"}, None),
    ("The fox gave the key to a girl.", "en", "forest", "give", "medium", {"🗝️"}, None),
    ("The children laughed in the garden.", "en", "village", None, "close", set(), "child"),
    ("The fox flew over the castle with a dragon.", "en", "castle", "fly", "wide", {"🏰", "🐉"}, None),
    ("The astronauts explored the space station.", "en", "station", "walk", "wide", set(), "astronaut"),
    ("Лиса пошла на кухню.", "ru", "kitchen", "walk", "wide", set(), None),
    ("Лиса нарисовала картину в мастерской.", "ru", "gallery", "paint", "medium", {"🖼️"}, None),
    ("Лиса крепко спала.", "ru", "forest", "sleep", "medium", {"💤"}, None),
    ("Экипаж собрался на палубе.", "ru", "deck", None, "medium", set(), "person"),
    ("Лиса пила воду у реки.", "ru", "lake", "drink", "medium", {"💧"}, None),
    ("Жители радовались на площади.", "ru", "city", None, "close", set(), "person"),
    ("Лиса нашла фонарь в пещере.", "ru", "cave", "find", "medium", {"🏮"}, None),
    ("Лиса испекла хлеб на кухне.", "ru", "kitchen", "cook", "medium", {"🍞"}, None),
    ("Лиса плыла по морю на лодке.", "ru", "deck", "sail", "wide", set(), None),
    ("Лиса бежала по тёмному лесу ночью.", "ru", "forest", "run", "wide", set(), None),
    ("Лиса испугалась грозы.", "ru", "forest", None, "close", set(), None),
    ("Лиса плакала у озера.", "ru", "lake", None, "close", set(), None),
    ("Лиса сказала сове привет.", "ru", "forest", "talk", "close", {"🦉"}, None),
    ("Лиса пела песню на лугу.", "ru", "village", "sing", "close", {"🎶"}, None),
    ("Фонарь светил в зале дворца.", "ru", "hall", "glow", "medium", {"🏮"}, None),
    ("Лиса сидела в классе с книгой.", "ru", "classroom", "sit", "medium", {"📖"}, None),
    ("Лиса забралась на высокую гору.", "ru", "mountains", "climb", "wide", set(), None),
    ("Лиса читала письмо в библиотеке.", "ru", "library", "write", "medium", {"✏️"}, None),
    ("Дети смеялись в саду.", "ru", "village", None, "close", set(), "child"),
    ("Лиса летела над замком с драконом.", "ru", "castle", "fly", "wide", {"🏰", "🐉"}, None),
]


@pytest.mark.parametrize("sentence, language, place, action, framing, drawn, group", TABLE,
                         ids=[row[0][:40] for row in TABLE])
def test_each_sentence_gets_the_place_action_framing_and_things_it_needs(sentence, language, place, action,
                                                                         framing, drawn, group):
    shot = shot_of(sentence, language)
    assert (shot.place, shot.framing) == (place, framing)
    if action:
        assert shot.action == action
    assert drawn <= {t.glyph for t in shot.things + shot.others + shot.props}
    assert (shot.group is not None) == (group is not None)


def test_the_table_covers_both_languages_and_every_kind_of_place_and_action():
    assert len(TABLE) >= 40 and {row[1] for row in TABLE} == {"en", "ru"}
    assert {row[2] for row in TABLE} >= {"room", "hall", "castle", "cave", "shop", "classroom", "gallery",
                                         "kitchen", "deck", "station", "forest", "sea"}
    assert {row[3] for row in TABLE} >= {"walk", "run", "sail", "fly", "sleep", "sit", "paint", "build", "cook",
                                         "write", "eat", "drink", "find", "give", "talk", "sing", "glow"}


def test_a_sentence_without_a_place_stays_where_the_story_is():
    shots = story(["The fox went into the cave.", "It was very quiet.", "The fox sat down."])
    assert [s.place for s in shots] == ["cave", "cave", "cave"]
    opening = story(["It was a bright morning."], bible=dataclasses.replace(BIBLE, setting="a busy harbour town"))
    assert opening[0].place == "sea"  # the bible's setting


def test_the_story_is_where_its_setting_names_first_and_a_heart_is_not_a_room():
    park = dataclasses.replace(BIBLE, setting="a park near her house with a fountain")
    shots = story(["Lily walked through the park.", "She knew magic lives inside our hearts."], bible=park)
    assert [s.place for s in shots] == ["village", "village"]
    assert story(["It was late."], bible=dataclasses.replace(BIBLE, setting="a cottage at the edge of the forest"))[
        0].place == "room"


def test_a_room_stays_the_room_when_a_sentence_names_the_land_around_it_until_the_hero_goes_out():
    """Qwen's station painter, 2026-12-07: "a space station where Robo works on a mural of the galaxy" was
    painted on the moon (the galaxy, and "space" before "station"), and "how well the mural turned out" at
    a lake."""
    station = dataclasses.replace(BIBLE, setting="a space station where Robo works on a mural of the galaxy")
    shots = story(["Robo was working on a mural of the galaxy.", "His crew were amazed by how well it turned out.",
                   "Robo flew out into space.", "Robo saw a planet."], bible=station)
    assert [s.place for s in shots] == ["station", "station", "space", "space"]
    kitchen = story(["Anna baked bread in the kitchen.", "She baked it for the whole village.",
                     "Then she walked to the village."])
    assert [s.place for s in kitchen] == ["kitchen", "kitchen", "village"]
    assert story(["Anna looked into the well."])[0].place == "lake"


def test_framing_opens_wide_varies_and_the_hero_moves_and_faces_what_it_meets():
    sentences = ["The fox lived in the forest.", "The fox said hello.", "The fox talked to an owl.",
                 "The fox asked a question.", "The fox walked home.", "The fox slept."]
    shots = story(sentences)
    framings = [s.framing for s in shots]
    assert framings[0] == "wide" and framings[-1] == "wide"
    assert not any(framings[i] == framings[i + 1] == framings[i + 2] for i in range(len(framings) - 2))
    xs = [s.hero.x for s in shots]
    assert all(a != b for a, b in zip(xs, xs[1:]))  # never twice in the same place
    assert all(s.hero.facing == ("right" if s.hero.x < 0.5 else "left") for s in shots)


def test_the_hero_is_one_figure_in_a_body_that_takes_the_pose_of_its_action():
    shots = story(["The fox walked to the lake.", "The fox slept by the water.", "The fox sat down."])
    assert {s.hero.asset for s in shots} == {"puppet/fox"}  # a whole fox on four legs
    assert len({tuple(s.hero.tint) for s in shots}) == 1 and shots[0].hero.tint == (200, 60, 45)
    girl = dataclasses.replace(BIBLE, hero="Mia, a brave girl in a yellow coat", prompt="a girl who climbs a mountain")
    poses = {s.hero.pose: s.hero.asset for s in story(
        ["Mia walked up the hill.", "Mia ran to the top.", "Mia slept in her bed.", "Mia kneeled by a flower."],
        bible=girl)}
    assert set(poses) == {"walk", "run", "lie", "kneel"}
    assert all(asset.startswith("fluentui/") for asset in poses.values())


def test_the_hero_does_its_action_alone_and_a_family_is_drawn_as_whole_figures():
    climb = shot_of("Flipper carefully climbed up the tree to reach the lantern.", "en")
    assert climb.action == "climb" and not climb.others  # no stranger climbing in the fox's place
    assert "🏮" in {t.glyph for t in climb.things}
    family = shot_of("Her friends and family gathered around the table.", "en")
    assert family.group is not None and family.group.asset.startswith("fluentui/")
    assert not family.others  # the family emoji's faces are not drawn beside the group
    meeting = shot_of("Flipper met a girl who was climbing a tree.", "en")
    assert [o.name for o in meeting.others] == ["girl"]  # someone the sentence names stays


@pytest.fixture(scope="module")
def painter():
    return model_registry.get("illustrate", "scene-painter")


def test_the_painter_draws_what_the_plan_says(painter):
    sentences = ["The fox painted a picture in the gallery.", "The crew gathered on the deck of the ship.",
                 "The fox drank some water by the river.", "Лиса нашла фонарь в пещере."]
    for sentence in sentences:
        language = "ru" if sentence.startswith("Лиса") else "en"
        shot = story([sentence], language)[0]
        painting = painter.paint(text=sentence, bible=BIBLE, look=GENRE.look, shot=shot, size=(320, 180), seed=1)
        drawn = set(painting.assets)
        planned = {shot.hero.asset} | {t.asset or t.glyph for t in shot.things + shot.others + shot.props
                                      + shot.furniture}
        if shot.group:
            planned.add(shot.group.asset)
        assert planned <= drawn, sentence
        assert painting.picture.size == (320, 180) and np.asarray(painting.picture).std() > 20


def test_a_fearful_opening_still_walks_and_a_swimmer_is_never_blown_up_to_a_close_shot(painter):
    """Seen in a real story: the opening's default walk drawn kneeling (fear's pose) stood still, and a
    swimmer framed close filled the frame with one blurred arm."""
    bible = Bible(hero="Lily, a girl", setting="the sea", prompt="a girl who walks to the sea", written_by="test")
    opening = plan(("Lily was worried about her brother.", "She looked at the sea."), bible, GENRE.look)[0]
    assert (opening.action, opening.hero.pose) == ("walk", "walk")
    swim = plan(("Lily was at the lake.", "Lily swam across the lake.", "All was well."), bible, GENRE.look)[1]
    swim = dataclasses.replace(swim, framing="close")
    assert swim.hero.pose == "swim" and swim.hero.asset.endswith("swimming"), swim.hero
    size = (320, 180)
    close = painter.paint(text="", bible=bible, look=GENRE.look, shot=swim, size=size, seed=1)
    medium = painter.paint(text="", bible=bible, look=GENRE.look, shot=dataclasses.replace(swim, framing="medium"),
                           size=size, seed=1)
    height = lambda painting: painting.hero_box[3] - painting.hero_box[1]  # noqa: E731
    assert height(close) <= height(medium) < size[1]


def test_every_committed_asset_has_a_licence_and_none_binds_the_videos():
    from model_registry.pictures import library

    folder = library.FOLDER
    files = {p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.svg")}
    entries = {a.id: a for a in library.assets() if a.pack != "puppet"}
    assert files == set(entries) and len(files) > 700
    puppets = [a for a in library.assets() if a.pack == "puppet"]  # drawn in code, their heads Microsoft's (MIT)
    assert puppets and all(fluent3d.arts()[BUILDS[a.subject].head].still for a in puppets)
    packs = library.index()["packs"]
    for asset in entries.values():
        licence = packs[asset.pack]["licence"]
        assert (folder / "LICENSES" / f"{asset.pack}.txt").is_file(), asset.id
        assert not any(word in licence for word in ("GPL", "SA")), (asset.id, licence)  # no copyleft art
    credits = (folder / "CREDITS.md").read_text()
    assert all(pack in credits for pack, info in packs.items() if "BY" in info["licence"])
    assert library.credits(["game-icons/fox", "fluentui/bed"]) == [
        "Silhouettes by Lorc, Delapouite and contributors, game-icons.net (CC BY 3.0)"]


# Mean absolute difference of grey 64x36 thumbnails, 0-255. The same shot with one prop more differs by
# about 0.25 (the place looks the same in every picture set there); measured over the 50 sample stories,
# any two pictures of a story differ by 2.8 or more (the camera sees another side of the place, the hero
# stands elsewhere or is framed closer), two in a row by 4.0 or more. Below 2 a picture would show nothing new.
NEAR_IDENTICAL = 2.0


@pytest.mark.slow
def test_along_all_fifty_sample_stories_no_two_pictures_look_alike_and_the_hero_moves(painter):
    """The 50 sample prompts' stories as the default story model wrote them, bibles included (tests/data,
    from scripts/sample_stories.py): no two shots of a story share a plan, no two of its pictures look
    alike (any two, not only neighbours), and from one picture to the next the hero moves or changes pose."""
    import json
    from itertools import combinations
    from pathlib import Path

    stories = json.loads((Path(__file__).with_name("data") / "sample-stories.json").read_text("utf-8"))["stories"]
    assert len(stories) == 50 and {s["genre"] for s in stories} == {"adventure", "bedtime", "fairy-tale",
                                                                   "mystery", "sci-fi"}
    differences, moved, repeated = [], [], []
    for told in stories:
        bible = Bible(**{name: told["bible"][name] for name in ("hero", "setting", "prompt", "written_by")})
        look = load_genre(told["genre"]).look
        shots = plan(tuple(told["sentences"]), bible, look)
        plans = [dataclasses.replace(shot, index=0) for shot in shots]
        repeated += [(told["prompt"], a.place) for a, b in combinations(plans, 2) if a == b]
        pictures = [painter.paint(text=s, bible=bible, look=look, shot=shot, size=(320, 180), seed=0)
                    for s, shot in zip(told["sentences"], shots)]
        thumbs = [np.asarray(p.picture.convert("L").resize((64, 36)), np.float32) for p in pictures]
        differences += [float(np.abs(a - b).mean()) for a, b in combinations(thumbs, 2)]
        moved += [a.hero_box != b.hero_box or sa.hero.pose != sb.hero.pose
                  for a, b, sa, sb in zip(pictures, pictures[1:], shots, shots[1:])]
    assert repeated == []
    assert min(differences) > NEAR_IDENTICAL, sorted(differences)[:5]
    assert sum(moved) >= 0.9 * len(moved)


def test_the_names_embeddings_are_computed_once_kept_in_the_models_cache_and_recomputed_when_corrupt(
        tmp_path, monkeypatch):
    class Counting:  # the real embedder's entry and vectors, with its encodings counted
        def __init__(self, real):
            self.real, self.entry, self.calls = real, real.entry, 0

        def encode(self, texts):
            self.calls += 1
            return self.real.encode(texts)

    embedder, names = Counting(model_registry.get("embed")), ["fox", "lantern", "tree"]
    monkeypatch.setenv("DIGITELLER_MODELS", str(tmp_path))  # an empty models cache
    first = reading.name_vectors(names, embedder)
    again = reading.name_vectors(names, embedder)
    assert embedder.calls == 1 and np.array_equal(first, again) and first.shape == (3, 384)
    (kept,) = (tmp_path / "embed").glob("pictogram-names-*.npy")
    kept.write_bytes(kept.read_bytes()[:100])  # a torn file
    assert np.array_equal(reading.name_vectors(names, embedder), first) and embedder.calls == 2
    reading.name_vectors([*names, "owl"], embedder)  # another vocabulary: another file
    assert embedder.calls == 3 and len(list((tmp_path / "embed").glob("*.npy"))) == 2


def test_a_flat_figure_framed_close_stays_whole_across_the_frame(painter):
    """Seen in a real story (fox, seed 77): the close shot's game-icons fox stood at 0.28 of the frame,
    its ear and tail on the left edge, read as cut off. The same holds for its puppet."""
    close = dataclasses.replace(shot_of("The fox was afraid of the storm.", "en"), framing="close")
    close = dataclasses.replace(close, hero=dataclasses.replace(close.hero, x=0.28))
    assert close.hero.asset == "puppet/fox"
    size = (320, 180)
    box = painter.paint(text="", bible=BIBLE, look=GENRE.look, shot=close, size=size, seed=1).hero_box
    assert box[0] >= 0.025 * size[0] and box[2] <= 0.975 * size[0], box  # 2 px from the edge before


def test_an_animals_family_is_animals_of_its_kind_and_a_persons_family_people():
    """Seen in a real story (a fox in a snowy forest): "snuggled up with his family" stood three people
    beside the fox."""
    fox = shot_of("He climbed into the nest and snuggled up with his family.", "en")
    assert fox.group is not None and fox.group.asset == "puppet/fox"
    girl = dataclasses.replace(BIBLE, hero="Mia, a brave girl", prompt="a girl who climbs a mountain")
    assert story(["Mia hugged her family."], bible=girl)[0].group.asset.startswith("fluentui/")
