"""Rebuild model_registry/pictures/fluent3d/ (index.json, LICENSE.txt): the 3D Fluent art for the library's assets.

    python scripts/build_fluent3d.py      # needs `npm` and network to npm; packs ~750 MB, a few minutes

Run by a developer, not by users. The index is committed; a user's setup fetches the files it names, verified
(model_registry/pictures/fluent3d.py). This script is how the index was made and how it is remade (newer
packs, more of the library covered): it `npm pack`s the pinned packages, checks each against the integrity
npm publishes, and records, for every fluentui asset of the illustration library whose emoji Microsoft's 3D
set draws, the still (@lobehub/fluent-emoji-3d) and the loop (the @lobehub/fluent-emoji-anim-* pack that has
it, when its file is animated): package, path in the tarball, sha256, size, facing and body box, and for a
loop its frames, fps and length read from the WebP frame durations.

- Only Microsoft's art: an asset is kept only if the library already draws it from Microsoft's flat set, so
  the families and couples the npm packs add are left out. Skin tone default (yellow) only; the man/woman
  variants are the library's own ids (man walking, woman running...). The library's "facing right" ids have
  no 3D file: they are recorded as their left-facing twin, mirrored.
- Facing: the library's, except that people it files as "front" but the 3D art shows from the side (biking,
  swimming, climbing, wheelchairs, white cane, bouncing a ball face left, the rower right: checked by eye), and
  animals, read from the art: a silhouette about as wide on both sides is "front", else "left" (the Fluent
  convention, checked by eye). A 3D still whose silhouette matches the flat SVG's mirror image would swap it.
Licence of record: MIT, Microsoft's licence of Fluent Emoji; the lobehub packages say MIT and carry no file.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import atomic  # noqa: E402 - the repository is not installed when this runs from a checkout
from core.hashing import content_key, sha256_file  # noqa: E402
from model_registry.pictures import fluent3d  # noqa: E402

LIBRARY = ROOT / "model_registry" / "pictures" / "library"
STILLS = "@lobehub/fluent-emoji-3d@1.1.0"
LOOPS = tuple(f"@lobehub/fluent-emoji-anim-{n}@1.0.0" for n in range(1, 5))
PACKAGES = (STILLS, *LOOPS)
# People the library files as "front" whose 3D art is a side view, and the way they face (checked by eye).
SIDEWAYS = {"biking": "left", "rowing boat": "right", "swimming": "left", "climbing": "left", "wheelchair": "left",
            "white cane": "left", "bouncing ball": "left"}
# Beings that are things, with no way they face.
UNSIDED = {"coral", "empty nest", "feather", "hyacinth", "lotus", "microbe", "nest with eggs", "oyster",
           "paw prints", "potted plant", "spiral shell", "wing", "wood"}
SYMMETRIC = 0.88  # silhouette IoU with its own mirror image at and above which an animal faces the viewer

LICENCE_HEAD = """3D and animated art: Microsoft Fluent Emoji (MIT)

The 3D still and animated emoji drawn by the "3D Fluent" look are Microsoft's Fluent Emoji
(https://github.com/microsoft/fluentui-emoji and fluentui-emoji-animated), as packaged for npm by LobeHub
({packages}; licence field MIT). Only Microsoft's own emoji are used. Licence:

"""


class Packed(NamedTuple):
    """One unpacked asset: its package ("name@version"), its path in the tarball, and where it was unpacked."""

    spec: str
    member: str
    path: Path


def npm_integrity(spec: str) -> str:
    """The integrity npm publishes for a package version ("sha512-...")."""
    return subprocess.run(["npm", "view", spec, "dist.integrity"], check=True, capture_output=True,
                          text=True).stdout.strip()


def key(codepoints: list[str]) -> str:
    """Match key of an emoji: its code points in hex without variation selectors or leading zeros."""
    return "-".join(p.lstrip("0") or "0" for p in codepoints if p.lower() != "fe0f").lower()


def glyph_key(glyph: str) -> str:
    return key([f"{ord(c):x}" for c in glyph])


def unpacked(spec: str, scratch: Path, wanted: set[str]) -> dict[str, Packed]:
    """Pack one package, check it against npm's integrity and its MIT licence, and unpack the assets whose
    key is wanted, by key."""
    tarball = fluent3d.npm_pack(spec, scratch)
    published = npm_integrity(spec)
    if fluent3d.integrity(tarball) != published:
        raise SystemExit(f"{spec}: tarball does not match the published integrity {published}")
    into = scratch / spec.replace("/", "_")
    found: dict[str, Packed] = {}
    with tarfile.open(tarball) as archive:
        licence = json.load(archive.extractfile("package/package.json"))["license"]
        if licence != "MIT":
            raise SystemExit(f"{spec}: licence {licence}, not MIT")
        for member in archive:
            match = re.fullmatch(r"package/assets/([0-9a-f_-]+)\.webp", member.name)
            if not match or key(match[1].split("-")) not in wanted:
                continue
            name = key(match[1].split("-"))
            if name in found:
                raise SystemExit(f"{spec}: two files for one emoji ({member.name}, {found[name].member})")
            archive.extract(member, into, filter="data")
            found[name] = Packed(spec, member.name, into / member.name)
    tarball.unlink()
    return found


def frames_and_durations(path: Path) -> tuple[list[Image.Image], list[int]]:
    """Every frame (complete pictures: libwebp composites them) and its duration in ms."""
    frames, durations = [], []
    with Image.open(path) as image:
        for number in range(getattr(image, "n_frames", 1)):
            image.seek(number)
            frames.append(image.convert("RGBA"))
            durations.append(int(image.info.get("duration") or 0))
    return frames, durations


def form(packed: Packed, facing: str, frames: list[Image.Image], durations: list[int]) -> dict:
    """A form's index record; a loop's also frames, fps and length."""
    record = {"package": packed.spec, "path": packed.member, "sha256": sha256_file(packed.path),
              "size": packed.path.stat().st_size, "facing": facing,
              "box": list(fluent3d.measured_box(frames))}
    if len(frames) > 1:
        seconds = sum(durations) / 1000
        record |= {"frames": len(frames), "fps": round(len(frames) / seconds, 3), "seconds": round(seconds, 3)}
    return record


def alpha(image: Image.Image, size: int = 64) -> np.ndarray:
    """The drawn pixels, cropped to them and squeezed to `size` x `size`, as booleans."""
    mask = image.getchannel("A").point([0] * fluent3d.ALPHA_FLOOR + [255] * (256 - fluent3d.ALPHA_FLOOR))
    box = mask.getbbox() or (0, 0, *mask.size)
    return np.asarray(mask.crop(box).resize((size, size))) > 127


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def flat_is_mirrored(entry: dict, still: Image.Image) -> bool:
    """Whether the 3D still is the flat SVG's mirror image (then the library's facing must be swapped)."""
    import resvg_py

    svg = (LIBRARY / f"{entry['id']}.svg").read_text("utf-8")
    flat = Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=svg, width=256, height=256))))
    flat_mask, mask = alpha(flat.convert("RGBA")), alpha(still)
    return iou(flat_mask[:, ::-1], mask) > iou(flat_mask, mask) + 0.05


def facing(entry: dict, still: Image.Image) -> str:
    """Which way the 3D art faces (see the module docstring)."""
    if entry["kind"] != "being":
        return "front"
    if entry["subject"] == "person":
        found = next((way for words, way in SIDEWAYS.items() if words in entry["name"]), entry["facing"])
    elif entry["name"] in UNSIDED:
        return "front"
    else:
        mask = alpha(still)
        found = "front" if iou(mask, mask[:, ::-1]) >= SYMMETRIC else "left"
    if found != "front" and flat_is_mirrored(entry, still):
        found = {"left": "right", "right": "left"}[found]
    return found


def asset(entry: dict, still: Packed, loop: Packed | None) -> dict:
    """One library asset's record: its still, and its loop when the animated pack's file moves."""
    frames, durations = frames_and_durations(still.path)
    way = facing(entry, frames[0])
    record = {"id": entry["id"], "glyph": entry["glyph"], "kind": entry["kind"], "facing": way,
              "still": form(still, way, frames[:1], durations[:1])}
    if loop:
        frames, durations = frames_and_durations(loop.path)
        if len(frames) > 1:
            record["loop"] = form(loop, way, frames, durations)
    return record


def mirrored(twin: dict, entry: dict) -> dict:
    """A "facing right" id: its left-facing twin's files, drawn mirrored (facing and boxes as drawn)."""
    def turned(way: str) -> str:
        return {"left": "right", "right": "left"}.get(way, way)

    def flip(record: dict) -> dict:
        left, top, right, bottom = record["box"]
        return record | {"facing": turned(record["facing"]), "box": [round(1 - right, 4), top, round(1 - left, 4),
                                                                      bottom]}

    return twin | {"id": entry["id"], "glyph": entry["glyph"], "facing": turned(twin["facing"]), "mirrored": True} | \
        {name: flip(twin[name]) for name in ("still", "loop") if name in twin}


def dumps(index: dict) -> str:
    """The index as JSON with one line per asset (sorted keys): compact, and diffs read per asset."""
    head = json.dumps({k: v for k, v in index.items() if k != "assets"}, indent=1, sort_keys=True,
                      ensure_ascii=False)
    lines = ",\n".join("  " + json.dumps(a, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                       for a in index["assets"])
    return head[:-2] + ',\n "assets": [\n' + lines + "\n ]\n}\n"


def licence_text() -> str:
    body = (LIBRARY / "LICENSES" / "fluentui-emoji.txt").read_text("utf-8")
    # The flat pack's file names its npm packager; the 3D art's licensor is Microsoft (same MIT text).
    body = re.sub(r"Copyright \(c\) .*", "Copyright (c) Microsoft Corporation.", body, count=1)
    return LICENCE_HEAD.format(packages=", ".join(PACKAGES)) + body


def main() -> None:
    library = json.loads((LIBRARY / "index.json").read_text("utf-8"))["assets"]
    entries = [e for e in library if e["pack"] == "fluentui-emoji"]
    wanted = {glyph_key(e["glyph"]) for e in entries}
    with tempfile.TemporaryDirectory(prefix="digiteller-fluent3d-build-") as scratch:
        files = {spec: unpacked(spec, Path(scratch), wanted) for spec in PACKAGES}
        loops = {name: packed for spec in LOOPS for name, packed in files[spec].items()}
        records = {e["id"]: asset(e, files[STILLS][glyph_key(e["glyph"])], loops.get(glyph_key(e["glyph"])))
                   for e in entries if glyph_key(e["glyph"]) in files[STILLS]}
    for e in entries:
        twin = e["id"].removesuffix("-facing-right")
        if e["id"] not in records and twin in records:
            records[e["id"]] = mirrored(records[twin], e)
    assets = sorted(records.values(), key=lambda a: a["id"])
    used = {f["package"] for a in assets for f in (a["still"], a.get("loop")) if f}
    packages = {spec: {"integrity": npm_integrity(spec), "licence": "MIT"} for spec in PACKAGES if spec in used}
    shared = sorted({(f["path"], f["sha256"]) for a in assets for f in (a["still"], a.get("loop")) if f})
    version = "-".join(dict.fromkeys(spec.rsplit("@", 1)[1] for spec in PACKAGES))
    index = {"about": "3D Fluent art for the illustration library's assets; built by scripts/build_fluent3d.py, "
                      "fetched by model_registry/pictures/fluent3d.py",
             "kept": "emoji the library draws from Microsoft's flat set; skin tone default; man/woman variants as "
                     "the library's ids; 'facing right' ids are their twin mirrored",
             "tag": f"{version}-{content_key(shared)[:10]}", "packages": packages, "assets": assets}
    with tempfile.TemporaryDirectory(prefix="digiteller-fluent3d-index-") as scratch:
        fresh = Path(scratch) / "fluent3d"
        fresh.mkdir()
        (fresh / "index.json").write_text(dumps(index), "utf-8")
        (fresh / "LICENSE.txt").write_text(licence_text(), "utf-8")
        with atomic.replacing(fluent3d.FOLDER) as tmp:
            shutil.copytree(fresh, tmp)
    report(assets, entries)


def report(assets: list[dict], entries: list[dict]) -> None:
    own = [a for a in assets if not a.get("mirrored")]
    looped = [a for a in own if "loop" in a]
    beings = [a for a in assets if a["kind"] == "being"]
    moving = [a for a in beings if "loop" in a]
    print(f"{len(assets)} assets ({len(assets) - len(own)} mirrored twins) in {fluent3d.FOLDER}; "
          f"{len(looped)} files with a loop; {len(moving)} of {len(beings)} beings move "
          f"({len(entries)} fluentui assets in the library); "
          f"stills {sum(a['still']['size'] for a in own) / 1e6:.1f} MB, "
          f"loops {sum(a['loop']['size'] for a in looped) / 1e6:.1f} MB")
    missing = sorted({e["id"] for e in entries} - {a["id"] for a in assets})
    if missing:
        print(f"no 3D art for {len(missing)}: {', '.join(missing)}")


if __name__ == "__main__":
    main()
