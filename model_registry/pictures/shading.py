"""Flat shapes shaded to sit among the glossy 3D Fluent art: a soft rounded body lit from above left, with
a dark rim so a one-colour figure stands out from a background of its own colour. Used for the library's
one-colour silhouettes and for the parts of a puppet (puppets.py)."""

from __future__ import annotations

import numpy as np
from PIL import Image
from scipy import ndimage

LIGHT = np.array([-0.4, -0.55, 0.73]) / np.linalg.norm([-0.4, -0.55, 0.73])  # from above, on the left


def rimmed(image: Image.Image, colour: tuple[int, int, int], scale: int | None = None) -> Image.Image:
    """The shape shaded (`rounded`) inside a dark rim of its colour, the image grown by the rim on every
    side. `scale` is the height of the figure it belongs to in pixels (its own height when it is whole):
    rim and roundness follow the figure, so a puppet's small leg is rimmed like its body. The rim is every
    pixel within its width of the shape (a round reach, its outer edge smoothed over one pixel), on the
    grown canvas: a rim grown inside the shape's own box had squared a leg's round ends."""
    rim = rim_width(scale or image.height)
    framed = Image.new("RGBA", (image.width + 2 * rim, image.height + 2 * rim), (0, 0, 0, 0))
    alpha = np.zeros((framed.height, framed.width), bool)
    alpha[rim:rim + image.height, rim:rim + image.width] = np.asarray(image.getchannel("A")) > 96
    reach = ndimage.distance_transform_edt(~alpha)
    mask = Image.fromarray((np.clip(rim + 0.5 - reach, 0, 1) * 255).astype(np.uint8))
    framed.paste(Image.new("RGBA", framed.size, tuple(int(c * 0.35) for c in colour) + (255,)), (0, 0), mask)
    framed.alpha_composite(rounded(image, scale), (rim, rim))
    return framed


def rim_width(scale: int) -> int:
    """How many pixels `rimmed` grows a shape by on each side, for a figure `scale` pixels tall."""
    return max(1, scale // 60)


def rounded(image: Image.Image, scale: int | None = None) -> Image.Image:
    """A flat shape shaded as if it were a soft rounded body lit from above left, as the 3D Fluent art is:
    its blurred mask is taken as the body's height, each pixel lit by the slope there (brighter where
    it faces the light, darker toward the edges below, a small highlight on top), and the whole a little
    lighter above than below. `scale` as in `rimmed`."""
    blur = max(2.0, (scale or image.height) / 30)
    # blurred in floats: a blur in 8-bit steps lit each step's edge, rings like wood grain on a big body
    height = ndimage.gaussian_filter(np.asarray(image.getchannel("A"), np.float32) / 255, blur, truncate=3.0)
    dy, dx = np.gradient(height * blur * 1.6)
    normal = np.dstack([-dx, -dy, np.ones_like(dx)])
    normal /= np.linalg.norm(normal, axis=2, keepdims=True)
    lit = np.clip(normal @ LIGHT, 0, 1).astype(np.float32)
    above = np.linspace(1.12, 0.86, image.height, dtype=np.float32)[:, None]
    pixels = np.asarray(image, np.float32).copy()
    pixels[..., :3] = pixels[..., :3] * (above * (0.35 + 0.65 * lit / LIGHT[2]))[..., None] + \
        (np.clip(lit - 0.93, 0, 1) * 900)[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGBA")
