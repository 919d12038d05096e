"""Rebuild the illustration library in model_registry/pictures/library/ from the packs it is made of.

    python scripts/build_illustrations.py      # needs `npm` (to fetch the packs) and network to npm; ~1 minute

The library is committed, so a user's setup needs neither: this script is how it was made and how it is
remade (a newer pack, more poses). It fetches the packs with `npm pack`, keeps the drawable part of each,
and writes `index.json` (id, pack, name, kind, and for beings subject, pose, facing and whether the art
shows the whole body), each pack's licence, and CREDITS.md for the packs whose licence asks for credit.

- fluentui-emoji 1.3.0 (MIT): the flat colour SVG of every emoji that depicts a thing, a being or a place
  (the same blocks the Noto pictograms use), and the people in poses (walking, running, kneeling, in bed,
  climbing, swimming, rowing, dancing; cooks, artists, astronauts, mages...), skin tone "default".
- @iconify-json/game-icons 1.2.4 (CC BY 3.0, credit required): one-colour silhouettes, tinted when drawn,
  for full-body animals and robots the emoji only show as faces (fox, wolf, bear, robot...).
GPL and share-alike packs are left out: they would bind the users' videos.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import atomic  # noqa: E402 - the repository is not installed when this runs from a checkout
from model_registry.pictures.pictograms import kind_of  # noqa: E402

LIBRARY = ROOT / "model_registry" / "pictures" / "library"
PACKS = {"fluentui-emoji": "fluentui-emoji@1.3.0", "game-icons": "@iconify-json/game-icons@1.2.4"}
LICENCES = {"fluentui-emoji": "MIT", "game-icons": "CC-BY-3.0"}
SKIN_TONES = re.compile(r"-(dark|light|medium-dark|medium-light|medium)$")
# Whom an emoji shows, read from its name: the first of these words it holds.
PEOPLE = ("person", "man", "woman", "boy", "girl", "child", "baby", "old man", "old woman", "older person",
          "prince", "princess", "mrs claus", "santa claus", "mx claus", "cook", "artist", "astronaut", "scientist",
          "technologist", "teacher", "student", "farmer", "pilot", "firefighter", "police officer", "guard",
          "detective", "judge", "mechanic", "health worker", "office worker", "factory worker", "singer", "ninja",
          "construction worker")
NOT_PEOPLE = {"artist palette", "baby chick", "baby bottle", "man s shoe", "woman s hat", "woman s boot",
              "woman s sandal", "woman s clothes"}
# What a person is doing, read from the emoji's name (first match wins); "stand" otherwise.
POSES = [("walking", "walk"), ("running", "run"), ("kneeling", "kneel"), ("in bed", "lie"), ("climbing", "climb"),
         ("swimming", "swim"), ("surfing", "swim"), ("rowing boat", "sail"), ("biking", "ride"),
         ("lotus position", "sit"), ("wheelchair", "sit"), ("dancing", "dance"), ("cartwheeling", "play"),
         ("juggling", "play"), ("bouncing ball", "play"), ("bowing", "bow"), ("raising hand", "wave"),
         ("gesturing", "talk"), ("tipping hand", "talk"), ("shrugging", "talk"), ("facepalming", "sad"),
         ("frowning", "sad"), ("pouting", "angry"), ("singer", "sing"), ("artist", "paint"), ("cook", "cook"),
         ("scientist", "make"), ("technologist", "make"), ("mechanic", "make"), ("farmer", "work"),
         ("teacher", "talk"), ("mage", "magic"), ("fairy", "fly"), ("superhero", "fly"), ("levitating", "fly"),
         ("astronaut", "float"), ("detective", "look"), ("feeding baby", "hold"), ("taking bath", "rest"),
         ("steamy room", "rest"), ("getting massage", "rest")]
# Emoji of animals that show only the face, though their names do not say so.
FACES = {"fox", "bear", "polar bear", "wolf", "lion", "frog", "unicorn", "robot", "alien", "panda", "koala",
         "hamster", "zebra", "monkey face", "cow face", "pig face", "tiger face", "cat face", "dog face",
         "horse face", "mouse face", "rabbit face", "dragon face", "moose", "donkey"}
# Silhouettes: game-icons name -> (subject, pose, the way it faces).
SILHOUETTES = {
    "fox": ("fox", "sit", "left"), "wolf-howl": ("wolf", "sing", "left"), "polar-bear": ("bear", "walk", "right"),
    "rabbit": ("rabbit", "sit", "right"), "hollow-cat": ("cat", "lie", "right"),
    "sitting-dog": ("dog", "sit", "right"), "jumping-dog": ("dog", "run", "left"),
    "sniffing-dog": ("dog", "look", "left"), "owl": ("owl", "stand", "front"),
    "seated-mouse": ("mouse", "sit", "front"), "mouse": ("mouse", "walk", "left"), "frog": ("frog", "sit", "front"),
    "turtle": ("turtle", "walk", "right"), "vintage-robot": ("robot", "stand", "front"),
    "mono-wheel-robot": ("robot", "walk", "front"), "robot-golem": ("robot", "stand", "front"),
    "tracked-robot": ("robot", "walk", "right"), "unicorn": ("unicorn", "stand", "right"),
    "lion": ("lion", "walk", "left"), "tiger": ("tiger", "walk", "right"), "elephant": ("elephant", "walk", "right"),
    "deer": ("deer", "stand", "left"), "monkey": ("monkey", "sit", "right"), "penguin": ("penguin", "stand", "front"),
    "squirrel": ("squirrel", "sit", "left"), "hedgehog": ("hedgehog", "walk", "left"),
    "badger": ("badger", "walk", "left"), "koala": ("koala", "sit", "front"), "panda": ("panda", "sit", "front"),
    "floating-ghost": ("ghost", "fly", "front"), "witch-flight": ("witch", "fly", "left"),
    "mounted-knight": ("knight", "ride", "right"), "kangaroo": ("kangaroo", "stand", "left"),
    "goat": ("goat", "stand", "left"), "sheep": ("sheep", "stand", "left"), "cow": ("cow", "stand", "left"),
    "pig": ("pig", "stand", "left"), "raven": ("raven", "stand", "left"), "swan": ("swan", "sail", "left"),
    "duck": ("duck", "walk", "left"),
}


def fetch(pack: str, into: Path) -> Path:
    """`npm pack` one package into `into` and unpack it; the package folder."""
    tarball = subprocess.run(["npm", "pack", pack, "--silent"], cwd=into, check=True, capture_output=True,
                             text=True).stdout.split()[-1]
    target = into / pack.replace("/", "_")
    with tarfile.open(into / tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def cldr_names() -> dict[str, str]:
    """CLDR name, squeezed to letters and digits ("jack-o-lantern" -> "jackolantern"), -> emoji."""
    import emoji

    return {re.sub(r"[^a-z0-9]", "", data["en"].lower()): glyph for glyph, data in emoji.EMOJI_DATA.items()}


def being(name: str) -> dict | None:
    """Subject, pose and facing of a person emoji, from its name ("woman walking facing right")."""
    subject = next((p for p in sorted(PEOPLE, key=len, reverse=True) if re.match(rf"{p}\b", name)), None)
    if subject is None:
        return None
    pose = next((pose for words, pose in POSES if words in name), "stand")
    return {"subject": "person", "role": subject, "pose": pose, "facing": "right" if "facing right" in name else
            "left" if pose in ("walk", "run", "kneel") else "front", "body": "full"}


def fluentui(package: Path, out: Path) -> list[dict]:
    emoji_of, entries = cldr_names(), []
    for svg in sorted((package / "icons" / "flat").glob("*.svg")):
        stem = svg.stem.removesuffix("-default")
        if SKIN_TONES.search(svg.stem):
            continue
        name = stem.replace("-", " ")
        glyph = emoji_of.get(re.sub(r"[^a-z0-9]", "", name))
        person = being(name) if glyph and name not in NOT_PEOPLE else None
        kind = "being" if person else kind_of(glyph, name) if glyph else None
        if kind is None:
            continue
        entry = {"id": f"fluentui/{stem}", "pack": "fluentui-emoji", "name": name, "glyph": glyph, "kind": kind}
        if person:
            entry |= person
        elif kind == "being":
            entry |= {"subject": name, "pose": "stand", "facing": "left",
                      "body": "face" if name in FACES or name.endswith(" face") else "full"}
        shutil.copyfile(svg, out / "fluentui" / f"{stem}.svg")
        entries.append(entry)
    return entries


def game_icons(package: Path, out: Path) -> list[dict]:
    icons = json.loads((package / "icons.json").read_text())
    size = icons.get("width", 512)
    entries = []
    for name, (subject, pose, facing) in SILHOUETTES.items():
        body = icons["icons"][name]["body"]
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">{body}</svg>\n'
        (out / "game-icons" / f"{name}.svg").write_text(svg)
        entries.append({"id": f"game-icons/{name}", "pack": "game-icons", "name": name.replace("-", " "),
                        "glyph": None, "kind": "being", "subject": subject, "pose": pose, "facing": facing,
                        "body": "full", "tint": True})
    return entries


CREDITS = """# Credits

The pictures are drawn with art from these packs; their licences are in LICENSES/.

- **fluentui-emoji** 1.3.0 (npm), Microsoft's Fluent UI Emoji as packaged by Mohammad Abu Mattar: MIT licence.
- **game-icons** (npm `@iconify-json/game-icons` 1.2.4), icons by Lorc, Delapouite and contributors of
  https://game-icons.net: CC BY 3.0. Used as one-colour silhouettes, tinted. Credit is required: videos
  that show them carry this line in their story.json (`credits`).
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="digiteller-packs-") as scratch:
        packages = {name: fetch(spec, Path(scratch)) for name, spec in PACKS.items()}
        fresh = Path(scratch) / "library"
        for pack in ("fluentui", "game-icons", "LICENSES"):
            (fresh / pack).mkdir(parents=True)
        entries = fluentui(packages["fluentui-emoji"], fresh) + game_icons(packages["game-icons"], fresh)
        shutil.copyfile(packages["fluentui-emoji"] / "LICENSE", fresh / "LICENSES" / "fluentui-emoji.txt")
        (fresh / "LICENSES" / "game-icons.txt").write_text(
            "game-icons.net icons by Lorc, Delapouite and contributors, licensed under Creative Commons "
            "Attribution 3.0 Unported (CC BY 3.0): https://creativecommons.org/licenses/by/3.0/\n")
        index = {"packs": {name: {"npm": PACKS[name], "licence": LICENCES[name]} for name in PACKS},
                 "assets": entries}
        (fresh / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n")
        (fresh / "CREDITS.md").write_text(CREDITS)
        with atomic.replacing(LIBRARY) as tmp:
            shutil.copytree(fresh, tmp)
    print(f"{len(entries)} assets in {LIBRARY}")


if __name__ == "__main__":
    main()
