"""The illustration library: openly licensed SVG art, drawn with resvg at any size.

`library/index.json` lists every asset (built by scripts/build_illustrations.py from the packs named in
it): an id ("fluentui/person-walking", "game-icons/fox"), its pack, its CLDR name and emoji when it has
one, its kind (being, large, small, sky) and, for beings, whom it shows (subject), doing what (pose),
facing which way and whether the whole body is drawn. Silhouettes (`tint`) are one colour, painted in
the colour asked for and shaded (shading.py). Every asset's pack has its licence in `library/LICENSES/`.
Beside them, the "puppet" pack: our own cut-out bodies (puppets.py) for a fox, a robot and the other
heroes the packs draw only as a face or a sitting silhouette, drawn and animated in code.
"""

from __future__ import annotations

import functools
import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from model_registry.pictures import puppets, shading

FOLDER = Path(__file__).with_name("library")


@dataclass(frozen=True)
class Asset:
    id: str
    pack: str
    name: str
    kind: str
    glyph: str | None = None
    subject: str | None = None
    role: str | None = None
    pose: str | None = None
    facing: str | None = None
    body: str | None = None
    tint: bool = False

    @property
    def path(self) -> Path:
        return FOLDER / f"{self.id}.svg"


@functools.cache
def index() -> dict:
    return json.loads((FOLDER / "index.json").read_text("utf-8"))


@functools.cache
def assets() -> tuple[Asset, ...]:
    """The packs' assets, then our own puppets (whole bodies for heroes the packs draw only as a face)."""
    return tuple(Asset(**entry) for entry in index()["assets"]) + tuple(
        Asset(f"puppet/{subject}", "puppet", subject, "being", subject=subject, pose="stand", facing="right",
              body="full") for subject in puppets.subjects())


@functools.cache
def by_id() -> dict[str, Asset]:
    return {a.id: a for a in assets()}


@functools.cache
def by_glyph() -> dict[str, Asset]:
    """The library's art for an emoji (its colour flat SVG), by the emoji, with or without its variation
    selector ("🛏️" and "🛏")."""
    found = {a.glyph: a for a in assets() if a.glyph}
    return found | {glyph.replace("\ufe0f", ""): a for glyph, a in found.items()} | \
        {glyph + "\ufe0f": a for glyph, a in found.items() if "\ufe0f" not in glyph}


def bodies(subject: str) -> list[Asset]:
    """Full-body art of a subject ("person", "fox", "cat"), colour art before silhouettes."""
    return sorted((a for a in assets() if a.subject == subject and a.body == "full"), key=lambda a: a.tint)


@functools.lru_cache(maxsize=1024)
def _rendered(asset_id: str, size: int, tint: tuple[int, int, int] | None) -> Image.Image:
    import resvg_py

    svg = (FOLDER / f"{asset_id}.svg").read_text("utf-8")
    if tint:
        svg = svg.replace("currentColor", "#{:02x}{:02x}{:02x}".format(*tint))
    png = resvg_py.svg_to_bytes(svg_string=svg, width=size, height=size)
    image = Image.open(io.BytesIO(bytes(png))).convert("RGBA")
    box = image.getbbox()
    return image.crop(box) if box else image


def draw(asset: Asset, height: int, mirrored: bool = False, tint: tuple[int, int, int] | None = None) -> Image.Image:
    """The asset as an RGBA image `height` pixels tall, trimmed to its drawn pixels; silhouettes in `tint`,
    a puppet standing in its coat (or `tint`)."""
    if asset.pack == "puppet":
        return puppets.still(asset.subject, height, mirrored, tint)
    rendered = _rendered(asset.id, max(8, height * 2), tint if asset.tint else None)
    width = max(1, round(rendered.width * height / max(1, rendered.height)))
    image = rendered.resize((width, height), Image.Resampling.LANCZOS)
    if asset.tint:
        image = shading.rimmed(image, tint or (128, 128, 128))
    return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if mirrored else image


def credits(drawn: list[str]) -> list[str]:
    """The credit lines owed for these drawn asset ids: one per pack whose licence asks for attribution."""
    packs = {asset_id.split("/")[0] for asset_id in drawn if "/" in asset_id}
    owed = {"game-icons": "Silhouettes by Lorc, Delapouite and contributors, game-icons.net (CC BY 3.0)"}
    return [line for pack, line in owed.items() if pack in packs]
