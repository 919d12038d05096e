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
    and shaded as a rounded body (`_rounded`) so it sits among the 3D art less like a sticker. The rim is
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
    framed.alpha_composite(_rounded(image), (rim, rim))
    return framed


LIGHT = np.array([-0.4, -0.55, 0.73]) / np.linalg.norm([-0.4, -0.55, 0.73])  # from above, on the left


def _rounded(image: Image.Image) -> Image.Image:
    """A flat shape shaded as if it were a soft rounded body lit from above left, as the 3D Fluent art is:
    its blurred mask is taken as the body's height, each pixel lit by the slope there (brighter where
    it faces the light, darker toward the edges below, a small highlight on top), and the whole a little
    lighter above than below."""
    blur = max(2.0, image.height / 30)
    height = np.asarray(image.getchannel("A").filter(ImageFilter.GaussianBlur(blur)), np.float32) / 255
    dy, dx = np.gradient(height * blur * 1.6)
    normal = np.dstack([-dx, -dy, np.ones_like(dx)])
    normal /= np.linalg.norm(normal, axis=2, keepdims=True)
    lit = np.clip(normal @ LIGHT, 0, 1).astype(np.float32)
    above = np.linspace(1.12, 0.86, image.height, dtype=np.float32)[:, None]
    pixels = np.asarray(image, np.float32).copy()
    pixels[..., :3] = pixels[..., :3] * (above * (0.35 + 0.65 * lit / LIGHT[2]))[..., None] + \
        (np.clip(lit - 0.93, 0, 1) * 900)[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGBA")


def credits(drawn: list[str]) -> list[str]:
    """The credit lines owed for these drawn asset ids: one per pack whose licence asks for attribution."""
    packs = {asset_id.split("/")[0] for asset_id in drawn if "/" in asset_id}
    owed = {"game-icons": "Silhouettes by Lorc, Delapouite and contributors, game-icons.net (CC BY 3.0)"}
    return [line for pack, line in owed.items() if pack in packs]
