"""Sharper 3D art for big figures: a loop (or still) upscaled once per asset by the story's upscaler.

The 3D Fluent art is 256 px; a close shot draws its hero 1.75 frames tall (1,260 px at 720p), a medium one
450 px. Blown up by resampling alone, a figure that size is a blur beside the crisp upscaled plate. So the
upscale stage sends each figure drawn at more than ENLARGE times its own pixels through the story's
upscaler (Real-ESRGAN by default: ~0.5 s a frame on one core), frame by frame, and keeps the result in the
models cache, shared by every later story (`<models dir>/fluent3d-sharp/<name>/`: numbered PNGs and a
manifest with their sha256, published by one rename, verified on every load). The render draws from it
and only scales down. The upscaler sees colour only: the transparent pixels around the figure take the
colours of the drawn ones beside them first (no dark fringe), and the alpha is resampled.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import shutil
import threading
import uuid
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from core import settings
from core.contracts import Layers, Sprite
from core.hashing import content_key, sha256_file
from model_registry.pictures import fluent3d, motion

ENLARGE = 1.4  # drawn taller than this many times its own pixels, a figure is worth its upscaled copy
MANIFEST = "manifest.json"
log = logging.getLogger("digiteller.progress")
_making: dict[str, threading.Lock] = {}
_making_lock = threading.Lock()


def form_of(sprite: Sprite, height: int) -> tuple[str, int] | None:
    """Which of its 3D art a sprite `height` pixels tall is drawn from: ("loop", every how many frames) or
    ("still", 1); None if it has no 3D art (a library drawing or an emoji)."""
    art = fluent3d.arts().get(sprite.asset)
    if art is None:
        return None
    if art.loop is not None and sprite.motion in motion.LOOPED:
        return "loop", 2 if height > 420 else 1  # big loops at half rate: half the memory, still smooth
    return ("still", 1) if art.still is not None else None


def wanted(sprite: Sprite, height: int) -> bool:
    """Whether a sprite drawn `height` pixels tall would be blown up past ENLARGE from its 3D art."""
    form = form_of(sprite, height)
    return form is not None and height > ENLARGE * fluent3d.drawn_height(sprite.asset, form[0])


def sharpened(layers: Layers, frame_height: int, upscaler) -> Layers:
    """`layers` with every sprite that a `frame_height` pixels tall frame draws past ENLARGE times its 3D
    art's pixels pointing at its upscaled art (made now unless the models cache has it)."""
    if not upscaler.adds_detail:
        return layers
    return dataclasses.replace(layers, sprites=tuple(
        dataclasses.replace(sprite, art=sharpen(sprite, height, upscaler)) if wanted(sprite, height) else sprite
        for sprite in layers.sprites for height in [round(sprite.height * frame_height)]))


def sharpen(sprite: Sprite, height: int, upscaler) -> str:
    """The name of the sprite's art upscaled by `upscaler` (made now unless the models cache has it)."""
    kind, step = form_of(sprite, height)
    name = "-".join([sprite.asset.replace("/", "_"), kind, str(step),
                     content_key(fluent3d.source_sha256(sprite.asset, kind), upscaler.entry.identity)[:16]])
    with _making_lock:
        lock = _making.setdefault(name, threading.Lock())
    with lock:  # two shots of one story share a hero: it is upscaled once
        if _problem(name) is None:
            return name
        log.info("upscale: sharpening the 3D %s of %s once for big shots", kind, sprite.asset)
        _publish(name, [_upscaled(frame, upscaler) for frame in fluent3d.crops(sprite.asset, kind, step)])
    return name


def store() -> Path:
    """Where the upscaled sets live: beside the 3D art in the models cache."""
    return settings.models_dir() / "fluent3d-sharp"


def folder(name: str) -> Path:
    return store() / name


def frames(name: str, height: int, mirrored: bool) -> tuple[Image.Image, ...] | None:
    """The upscaled frames `height` pixels tall, mirrored if asked; None when the models cache no longer
    has them whole (cleaned or damaged: the render then draws from the 256 px art)."""
    if _problem(name) is not None:
        return None
    return _loaded(name, height, mirrored)


@functools.lru_cache(maxsize=8)
def _loaded(name: str, height: int, mirrored: bool) -> tuple[Image.Image, ...]:
    manifest = json.loads((folder(name) / MANIFEST).read_text("utf-8"))
    scaled = []
    for entry in manifest["frames"]:
        with Image.open(folder(name) / entry["file"]) as image:
            scaled.append(fluent3d.fit(image.convert("RGBA"), height, mirrored))
    return tuple(scaled)


def _upscaled(frame: Image.Image, upscaler) -> Image.Image:
    alpha = frame.getchannel("A")
    colour = upscaler.upscale(_bled(frame))
    return Image.merge("RGBA", (*colour.split(), alpha.resize(colour.size, Image.Resampling.LANCZOS)))


def _bled(frame: Image.Image, radius: int = 6) -> Image.Image:
    """The frame's colours over itself, blurred: every see-through pixel takes the colour of the drawn
    pixels near it, so the upscaler (which sees no alpha) draws no dark or grey edge around the figure."""
    rgba = np.asarray(frame, np.float32) / 255.0
    alpha = rgba[..., 3:]
    premultiplied = Image.fromarray((rgba[..., :3] * alpha * 255).astype(np.uint8))
    spread = np.asarray(premultiplied.filter(ImageFilter.GaussianBlur(radius)), np.float32) / 255.0
    coverage = np.asarray(frame.getchannel("A").filter(ImageFilter.GaussianBlur(radius)), np.float32)[..., None] / 255
    around = spread / np.maximum(coverage, 1e-3)
    colour = rgba[..., :3] * alpha + np.clip(around, 0, 1) * (1 - alpha)
    return Image.fromarray((colour * 255).round().astype(np.uint8))


def _publish(name: str, images: list[Image.Image]) -> None:
    """Write the frames and their manifest into a new folder, then rename it into place (a crash leaves
    no half-written set; a set published meanwhile by another process wins)."""
    target = folder(name)
    staging = target.with_name(f".{name}.{uuid.uuid4().hex}.tmp")
    staging.mkdir(parents=True)
    entries = []
    for number, image in enumerate(images):
        path = staging / f"{number:03d}.png"
        image.save(path, compress_level=1)
        entries.append({"file": path.name, "sha256": sha256_file(path)})
    (staging / MANIFEST).write_text(json.dumps({"frames": entries}), "utf-8")
    if target.exists():
        shutil.rmtree(target)  # damaged (it failed its check): replaced whole
    try:
        os.rename(staging, target)
    except OSError:  # another process published it first
        shutil.rmtree(staging, ignore_errors=True)
    _loaded.cache_clear()


def _problem(name: str) -> str | None:
    """What is wrong with a published set (missing, a file missing or changed), or None."""
    manifest = folder(name) / MANIFEST
    if not manifest.is_file():
        return "missing"
    try:
        entries = json.loads(manifest.read_text("utf-8"))["frames"]
    except (ValueError, KeyError):
        return "unreadable manifest"
    for entry in entries:  # each file hashed once per process while its size and mtime stay, as the 3D art
        if fluent3d.file_problem(folder(name) / entry["file"], entry["sha256"]):
            return f"{entry['file']} missing or changed"
    return None
