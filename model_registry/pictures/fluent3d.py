"""3D Fluent art: Microsoft's glossy 3D Fluent Emoji, still and animated, for the painter's "3D Fluent" look.

    python -m model_registry.pictures.fluent3d fetch    # once, from setup.sh: needs npm and network (~1 minute)
    python -m model_registry.pictures.fluent3d verify   # hash every fetched file against the index

Why fetched, not committed: the loops are ~150 MB of animated WebP, too big for the repository. What is
committed is `fluent3d/index.json` (built by scripts/build_fluent3d.py): for each illustration-library asset
that has 3D art, which file of which pinned npm package stands for it, with its sha256, size, facing and body
box, and for a loop its frame count, fps and length; plus `fluent3d/LICENSE.txt` (Microsoft's MIT licence).
`fetch()` packs the pinned packages, checks each tarball against npm's published integrity, keeps only the
indexed files and publishes them, each verified, as one folder `<models dir>/fluent3d-<tag>/`; the tag names
the index's content, so a rebuilt index never reads an older set.

The art is only what Microsoft's set has and the library already draws from Microsoft's flat set (the npm
packs' extra families and couples are left out), in the default (yellow) skin tone. Fluent's people and
animals in motion face left; the library's "facing right" ids are the same art mirrored (`Art.mirrored`).
Every file is hashed once per process before its first use (`check()` hashes the whole set), never per frame.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from core import atomic, settings
from core.hashing import sha256_file
from model_registry.catalogue import ModelUnavailable

FOLDER = Path(__file__).with_name("fluent3d")
FIX = "run `bash scripts/setup.sh` (or `python -m model_registry.pictures.fluent3d fetch`)"
# Lossy WebP alpha leaves faint specks (alpha < 16, invisible) around the figure: they do not count as drawn.
ALPHA_FLOOR = 16
CANVAS = 256  # every file of the set is 256 x 256 pixels

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Form:
    """One published file: a still (fluent-emoji-3d) or a loop (an animated pack)."""

    package: str  # "name@version"
    path: str  # inside the npm tarball: "package/assets/1f6b6.webp"
    sha256: str
    size: int
    facing: str  # "left", "right" or "front", as drawn (after `Art.mirrored`)
    box: Box  # the drawn pixels (union over all frames), fractions of the canvas: left, top, right, bottom
    frames: int = 1
    fps: float = 0.0
    seconds: float = 0.0

    @property
    def file(self) -> str:
        """Its name in the fetched folder: "1f6b6.webp" for a still, "1f6b6_loop.webp" for a loop."""
        stem = Path(self.path).stem
        return f"{stem}_loop.webp" if self.frames > 1 else f"{stem}.webp"

    @property
    def location(self) -> Path:
        return folder() / self.file


@dataclass(frozen=True)
class Art:
    """The 3D art standing for one library asset ("fluentui/person-walking")."""

    library_id: str
    glyph: str
    kind: str  # the library's kind: being, large, small, sky
    facing: str
    still: Form | None
    loop: Form | None
    mirrored: bool = False  # drawn from the other-facing file, flipped (the library's "facing right" ids)

    @property
    def box(self) -> Box:
        """The body box of the still, else of the loop (fractions of the 256 px canvas)."""
        return (self.still or self.loop).box


@functools.cache
def index() -> dict:
    return json.loads((FOLDER / "index.json").read_text("utf-8"))


def folder() -> Path:
    """Where the fetched set lives; read at call time, so `$DIGITELLER_MODELS` can move it."""
    return settings.models_dir() / f"fluent3d-{index()['tag']}"


def _form(entry: dict | None) -> Form | None:
    return Form(**(entry | {"box": tuple(entry["box"])})) if entry else None


@functools.cache
def arts() -> dict[str, Art]:
    """Every asset with 3D art, by library id."""
    return {entry["id"]: Art(library_id=entry["id"], glyph=entry["glyph"], kind=entry["kind"],
                             facing=entry["facing"], still=_form(entry.get("still")), loop=_form(entry.get("loop")),
                             mirrored=entry.get("mirrored", False)) for entry in index()["assets"]}


@functools.cache
def by_glyph() -> dict[str, Art]:
    """The 3D art for an emoji, with or without its variation selector ("🛏️" and "🛏"), as library.by_glyph."""
    found = {art.glyph: art for art in arts().values()}
    return found | {glyph.replace("\ufe0f", ""): art for glyph, art in found.items()} | \
        {glyph + "\ufe0f": art for glyph, art in found.items() if "\ufe0f" not in glyph}


@functools.cache
def forms() -> dict[str, Form]:
    """Every distinct fetched file by its name in the folder (mirrored ids share their twin's files)."""
    found: dict[str, Form] = {}
    for art in arts().values():
        for form in (art.still, art.loop):
            if form and not art.mirrored:
                found[form.file] = form
    return found


# --- verification: once per process per file (a verdict is kept while the file's size and mtime stay) ---

_verdicts: dict[tuple[str, int, int], bool] = {}
_verdicts_lock = threading.Lock()


def file_problem(path: Path, sha256: str) -> str | None:
    """None when the file is there and hashes right, else what is wrong with it."""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    stamp = (str(path), stat.st_size, stat.st_mtime_ns)
    with _verdicts_lock:
        if stamp not in _verdicts:
            _verdicts[stamp] = sha256_file(path) == sha256
        return None if _verdicts[stamp] else "corrupt (fails its sha256 check)"


def _verified(form: Form) -> Path:
    path = form.location
    problem = file_problem(path, form.sha256)
    if problem:
        raise ModelUnavailable(f"3D art {problem} ({path}); {FIX}")
    return path


def check() -> None:
    """Raise ModelUnavailable (one line, naming the fix) unless the whole fetched set is there and intact."""
    if not folder().is_dir():
        raise ModelUnavailable(f"3D art missing ({folder()}); {FIX}")
    for form in forms().values():
        _verified(form)


# --- drawing ---

def _art(library_id: str, form: str) -> tuple[Art, Form]:
    art = arts()[library_id]
    chosen = getattr(art, form)
    if chosen is None:
        raise LookupError(f"{library_id} has no 3D {form}")
    return art, chosen


def _pixel_box(box: Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    width, height = size
    return (round(box[0] * width), round(box[1] * height), round(box[2] * width), round(box[3] * height))


def fit(image: Image.Image, height: int, flip: bool) -> Image.Image:
    """Scale to `height` (Lanczos, on premultiplied alpha: Pillow's RGBA resize), flip."""
    width = max(1, round(image.width * height / max(1, image.height)))
    scaled = image.resize((width, height), Image.Resampling.LANCZOS)
    return scaled.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if flip else scaled


def _unmirrored(form: Form, mirrored_art: bool) -> Box:
    """The box in the file's own orientation (the index keeps a mirrored id's box as drawn)."""
    left, top, right, bottom = form.box
    return (1 - right, top, 1 - left, bottom) if mirrored_art else form.box


def crops(library_id: str, kind: str, step: int = 1) -> list[Image.Image]:
    """The asset's still (`kind` "still") or every `step`-th frame of its loop ("loop") at the file's own
    pixels, RGBA, facing as the library id faces, all cropped with the one drawn box: a walk cycle keeps
    its place."""
    art, form = _art(library_id, kind)
    if kind == "loop":
        frames = decode(_verified(form), step)
    else:
        with Image.open(_verified(form)) as image:
            frames = [image.convert("RGBA")]
    box = _pixel_box(_unmirrored(form, art.mirrored), frames[0].size)
    cropped = [frame.crop(box) for frame in frames]
    return [frame.transpose(Image.Transpose.FLIP_LEFT_RIGHT) for frame in cropped] if art.mirrored else cropped


def drawn_height(library_id: str, kind: str) -> int:
    """How many pixels tall the asset's drawn box is in its file (the most it shows without resampling)."""
    box = _art(library_id, kind)[1].box
    return max(1, round((box[3] - box[1]) * CANVAS))


def source_sha256(library_id: str, kind: str) -> str:
    """The sha256 of the file the asset's still or loop is drawn from (what a copy made of it follows)."""
    return _art(library_id, kind)[1].sha256


@functools.lru_cache(maxsize=512)
def _still(library_id: str, height: int, flip: bool) -> Image.Image:
    return fit(crops(library_id, "still")[0], height, flip)


def still(library_id: str, height: int, mirrored: bool = False) -> Image.Image:
    """The asset's 3D still, RGBA, `height` pixels tall, trimmed to its drawn pixels. Cached and shared:
    copy it before drawing on it."""
    return _still(library_id, height, mirrored)


def decode(path: Path, step: int = 1) -> list[Image.Image]:
    """Every `step`-th frame of an animated WebP, each a complete RGBA picture.

    Pillow decodes through libwebp's animation decoder, which composites each frame onto the canvas
    (disposal and alpha blending applied), so a frame is the whole picture, never a delta.
    """
    frames = []
    with Image.open(path) as image:
        for number in range(0, getattr(image, "n_frames", 1), step):
            image.seek(number)
            frames.append(image.convert("RGBA"))
    return frames


@functools.lru_cache(maxsize=16)
def _decoded(library_id: str, height: int, step: int) -> tuple[Image.Image, ...]:
    """The loop's frames at `height`."""
    return tuple(fit(frame, height, False) for frame in crops(library_id, "loop", step))


@functools.lru_cache(maxsize=16)
def _flipped(library_id: str, height: int, step: int) -> tuple[Image.Image, ...]:
    return tuple(frame.transpose(Image.Transpose.FLIP_LEFT_RIGHT) for frame in _decoded(library_id, height, step))


def loop(library_id: str, height: int, mirrored: bool = False, step: int = 1) -> tuple[Image.Image, ...]:
    """The asset's animated loop: every `step`-th frame, RGBA, all the same size, `height` pixels tall.

    Decoded once per (id, height, step) and cached (a 72-frame loop at 450 px is ~30 MB); the frames are
    shared, copy one before drawing on it. Play them at `fps(library_id, step)`.
    """
    return _flipped(library_id, height, step) if mirrored else _decoded(library_id, height, step)


def fps(library_id: str, step: int = 1) -> float:
    """Frames per second of the loop as `loop(..., step=step)` returns it (its length stays the same)."""
    return _art(library_id, "loop")[1].fps / step


def measured_box(frames: list[Image.Image]) -> Box:
    """The drawn pixels' box (alpha >= ALPHA_FLOOR), union over `frames`, as fractions of the canvas."""
    width, height = frames[0].size
    drawn = [0] * ALPHA_FLOOR + [255] * (256 - ALPHA_FLOOR)
    boxes = [b for b in (frame.getchannel("A").point(drawn).getbbox() for frame in frames) if b]
    if not boxes:
        return (0.0, 0.0, 1.0, 1.0)
    union = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return (round(union[0] / width, 4), round(union[1] / height, 4), round(union[2] / width, 4),
            round(union[3] / height, 4))


# --- fetching ---

def npm_pack(spec: str, into: Path, cache: Path | None = None) -> Path:
    """`npm pack name@version` into `into`; the tarball. `cache` keeps npm's download cache out of ~/.npm."""
    if not shutil.which("npm"):
        raise ModelUnavailable(f"fetching the 3D art needs npm once (apt install npm), then {FIX}")
    command = ["npm", "pack", spec, "--silent"] + (["--cache", str(cache)] if cache else [])
    done = subprocess.run(command, cwd=into, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelUnavailable(f"npm pack {spec} failed ({detail}); check the network, then {FIX}")
    return into / done.stdout.split()[-1]


def integrity(tarball: Path) -> str:
    """npm's Subresource Integrity string of a tarball: "sha512-<base64 digest>"."""
    digest = hashlib.sha512()
    with open(tarball, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def _by_package() -> dict[str, list[Form]]:
    """The files to fetch, by package, in the index's order of packages."""
    found: dict[str, list[Form]] = {spec: [] for spec in index()["packages"]}
    for form in forms().values():
        found[form.package].append(form)
    return {spec: wanted for spec, wanted in found.items() if wanted}


def _link(source: Path, target: Path) -> None:
    """Hard-link a verified file into the new folder (a copy across filesystems)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _extract(tarball: Path, wanted: dict[str, Form], into: Path) -> None:
    """Write the indexed members of `tarball` into `into`, each checked against its sha256."""
    left = dict(wanted)
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            form = left.pop(member.name, None)
            if form is None:
                continue
            data = archive.extractfile(member).read()
            if hashlib.sha256(data).hexdigest() != form.sha256:
                raise ModelUnavailable(f"3D art corrupt ({form.package}/{form.path} fails its sha256 check); {FIX}")
            (into / form.file).write_bytes(data)
    if left:
        raise ModelUnavailable(f"3D art missing ({next(iter(left.values())).package} lacks {next(iter(left))}); "
                               f"{FIX}")


def _fetch_package(spec: str, wanted: list[Form], into: Path, scratch: Path) -> None:
    tarball = npm_pack(spec, scratch, cache=scratch / "npm-cache")
    expected = index()["packages"][spec]["integrity"]
    if integrity(tarball) != expected:
        raise ModelUnavailable(f"npm tarball {spec} does not match its published integrity; {FIX}")
    _extract(tarball, {form.path: form for form in wanted}, into)
    tarball.unlink()


def fetch(progress: Callable[[str], None] = print) -> Path:
    """Fetch the 3D art once into `folder()`: idempotent, packs only packages with files missing or damaged.

    The new set is assembled in a temporary folder beside the target (files already there and verified are
    linked in) and renamed into place only when every file has passed its check, so a reader never sees half.
    """
    target, packages = folder(), _by_package()
    good = {name for name, form in forms().items() if file_problem(target / name, form.sha256) is None}
    if len(good) == len(forms()):
        for spec, wanted in packages.items():
            progress(f"fluent3d: {spec}: {len(wanted)} files present and verified")
        return target
    with atomic.replacing(target) as fresh, tempfile.TemporaryDirectory(prefix="digiteller-fluent3d-") as scratch:
        fresh.mkdir()
        for spec, wanted in packages.items():
            for form in wanted:
                if form.file in good:
                    _link(target / form.file, fresh / form.file)
            missing = [form for form in wanted if form.file not in good]
            if missing:
                _fetch_package(spec, missing, fresh, Path(scratch))
            megabytes = sum(form.size for form in wanted) / 1e6
            done = f"{len(missing)} fetched and verified" if missing else "present and verified"
            progress(f"fluent3d: {spec}: {len(wanted)} files ({megabytes:.1f} MB), {done}")
    for form in forms().values():
        _verified(form)
    return target


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    try:
        if command == "fetch":
            print(f"fluent3d: 3D art in {fetch()}")
        elif command == "verify":
            check()
            print(f"fluent3d: {len(forms())} files verified in {folder()}")
        else:
            print("usage: python -m model_registry.pictures.fluent3d fetch|verify", file=sys.stderr)
            return 2
    except ModelUnavailable as exc:
        print(f"fluent3d: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
