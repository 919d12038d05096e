"""The illustration library: openly licensed SVG art, drawn with resvg at any size.

`library/index.json` lists every asset (built by scripts/build_illustrations.py from the packs named in
it): an id ("fluentui/person-walking", "game-icons/fox"), its pack, its CLDR name and emoji when it has
one, its kind (being, large, small, sky) and, for beings, whom it shows (subject), doing what (pose),
facing which way and whether the whole body is drawn. Silhouettes (`tint`) are one colour, painted in
the colour asked for. Every asset's pack has its licence in `library/LICENSES/`.
"""

from __future__ import annotations

import functools
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

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
    return tuple(Asset(**entry) for entry in index()["assets"])


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
    """The asset as an RGBA image `height` pixels tall, trimmed to its drawn pixels; silhouettes in `tint`."""
    rendered = _rendered(asset.id, max(8, height * 2), tint if asset.tint else None)
    width = max(1, round(rendered.width * height / max(1, rendered.height)))
    image = rendered.resize((width, height), Image.Resampling.LANCZOS)
    if asset.tint:
        image = _outlined(image, tint or (128, 128, 128))
    return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if mirrored else image


def _outlined(image: Image.Image, tint: tuple[int, int, int]) -> Image.Image:
    """A silhouette with a dark rim, so a one-colour figure stands out from a background of its colour,
    and shaded (lighter above, darker below) so it sits among rounder art less like a sticker. The rim is
    grown on a small copy of the shape and scaled back: the same at any size, and fast at a close shot's."""
    rim = max(1, image.height // 60)
    shrink = max(1, rim // 2)
    alpha = image.getchannel("A")
    small = alpha.resize((max(1, alpha.width // shrink), max(1, alpha.height // shrink)), Image.Resampling.BILINEAR)
    grown = small.filter(ImageFilter.MaxFilter(2 * max(1, round(rim / shrink)) + 1))
    framed = Image.new("RGBA", (image.width + 2 * rim, image.height + 2 * rim), (0, 0, 0, 0))
    edge = grown.resize(alpha.size, Image.Resampling.BILINEAR).point(lambda v: 255 if v > 96 else 0)
    edge = edge.filter(ImageFilter.GaussianBlur(max(0.6, rim / 6)))  # crisp at any size, not stair-stepped
    mask = Image.new("L", framed.size, 0)
    mask.paste(edge, (rim, rim))
    framed.paste(Image.new("RGBA", framed.size, tuple(int(c * 0.35) for c in tint) + (255,)), (0, 0), mask)
    pixels = np.asarray(image, np.float32).copy()
    light = np.linspace(1.18, 0.78, image.height, dtype=np.float32)[:, None, None]
    pixels[..., :3] = np.clip(pixels[..., :3] * light, 0, 255)
    framed.alpha_composite(Image.fromarray(pixels.astype(np.uint8), "RGBA"), (rim, rim))
    return framed


def credits(drawn: list[str]) -> list[str]:
    """The credit lines owed for these drawn asset ids: one per pack whose licence asks for attribution."""
    packs = {asset_id.split("/")[0] for asset_id in drawn if "/" in asset_id}
    owed = {"game-icons": "Silhouettes by Lorc, Delapouite and contributors, game-icons.net (CC BY 3.0)"}
    return [line for pack, line in owed.items() if pack in packs]
