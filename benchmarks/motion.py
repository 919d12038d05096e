"""How much moves inside a story's shots, measured on the video as a viewer sees it, and from its layers.

    motion(folder)          # per narrated shot: the share of the picture that still differs between two
                            # frames 0.5 s apart mid-sentence once the camera's move is taken out (one
                            # affine warp found by ECC alignment), the subtitle band left out
    hero_travel(folder)     # per shot whose hero walks or runs: how far its box travels across the frame
                            # during the sentence (a share of the frame's width), from the layer positions
    distinct(folder)        # whether any two shots of the story are the same picture (plan and key)

A still with a slow zoom scores 0 %: the warp takes the zoom out and nothing is left.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

CHANGED = 12  # grey levels (0-255) a pixel must differ by to count as moved
CAPTION_BAND = 0.27  # the bottom of the frame where subtitles are: left out


def _report(folder: Path) -> dict:
    return json.loads((Path(folder) / "story.json").read_text("utf-8"))


def moved_share(before: np.ndarray, after: np.ndarray) -> float:
    """The share of pixels of two grey frames that differ once `after` is aligned onto `before` with the
    affine warp ECC finds (camera pans, zooms and small turns taken out)."""
    import cv2

    a, b = before.astype(np.float32) / 255, after.astype(np.float32) / 255
    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 60, 1e-5)
    try:
        _, warp = cv2.findTransformECC(a, b, warp, cv2.MOTION_AFFINE, criteria, None, 5)
    except cv2.error:
        pass  # no alignment found: compare as they are
    aligned = cv2.warpAffine(b, warp, (a.shape[1], a.shape[0]), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                             borderMode=cv2.BORDER_REPLICATE)
    margin = 8  # edges the warp filled in
    difference = np.abs(a - aligned)[margin:-margin, margin:-margin] * 255
    return float((difference > CHANGED).mean())


def motion(folder: Path) -> list[float]:
    """Per narrated shot, the share of the picture that moved between two frames 0.5 s apart around the
    middle of its sentence (see moved_share), subtitles left out."""
    from tasks.rendering.media import frame_at

    report = _report(folder)
    width, height = report["size"]
    keep = int(height * (1 - CAPTION_BAND))
    shares = []
    for sentence in report["sentences"]:
        middle = (sentence["voice_start"] + sentence["voice_end"]) / 2
        grey = [frame_at(Path(folder) / "story.mp4", t, (width, height))[:keep].mean(axis=2)
                for t in (middle - 0.25, middle + 0.25)]
        shares.append(round(moved_share(*grey), 4))
    return shares


def hero_travel(folder: Path, home: Path) -> list[float]:
    """For each shot whose hero walks or runs: how far (shares of the frame's width) the hero's box moves
    on screen from the sentence's voice start to its end, from the upscaled layers as render plays them."""
    from PIL import Image

    from core.contracts import Layers, from_json
    from model_registry.pictures.player import ShotPlayer

    report = _report(folder)
    width, height = report["size"]
    travels = []
    for sentence, upscaled in zip(report["sentences"], report["artifacts"]["upscale"]):
        store = Path(home) / "cache" / "artifacts" / "upscale" / upscaled["key"]
        layers = from_json(Layers, json.loads((store / "layers.json").read_text("utf-8")))
        if layers.hero is None or layers.sprites[layers.hero].motion not in ("walk", "run"):
            continue
        near = Image.open(store / "near.png") if (store / "near.png").exists() else None
        player = ShotPlayer(layers, Image.open(store / "plate.png"), near, (width, height),
                            sentence["end"] - sentence["start"])
        begin, end = (player.box(layers.hero, sentence[edge] - sentence["start"]) for edge in ("voice_start",
                                                                                                 "voice_end"))
        travels.append(round(abs((end[0] + end[2]) - (begin[0] + begin[2])) / 2 / width, 3))
    return travels


def distinct(folder: Path) -> dict:
    """Whether two shots of the story share a plan (apart from their number) or an illustrate key."""
    report = _report(folder)
    plans = [json.dumps({k: v for k, v in shot.items() if k not in ("index", "drawn")}, sort_keys=True)
             for shot in report["shots"]]
    keys = [item["key"] for item in report["artifacts"]["illustrate"]]
    return {"repeated_plans": len(plans) - len(set(plans)), "repeated_pictures": len(keys) - len(set(keys))}
