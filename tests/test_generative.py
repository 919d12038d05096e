"""The generative illustrator's mechanics, with small random networks (no such weights install here):
a few optimisation steps change the picture and lower the CLIP loss."""

from __future__ import annotations

import numpy as np
import pytest

import model_registry
from model_registry.catalogue import Entry

TINY_CLIP = {"embed_dim": 32,
             "vision_cfg": {"layers": 2, "width": 64, "patch_size": 16, "image_size": 64, "head_width": 32},
             "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2}}
TINY_VQGAN = {"ddconfig": {"double_z": False, "z_channels": 16, "resolution": 64, "in_channels": 3, "out_ch": 3,
                           "ch": 32, "ch_mult": [1, 2], "num_res_blocks": 1, "attn_resolutions": [], "dropout": 0.0},
              "n_embed": 64, "embed_dim": 16}


@pytest.mark.parametrize("name, adapter, generator", [
    ("tiny-vqgan-clip", "model_registry.illustrate_clip_guided:VqganClip", TINY_VQGAN),
])
def test_clip_guidance_changes_the_picture_and_lowers_the_loss(name, adapter, generator):
    options = {"random_init": True, "clip_config": TINY_CLIP, "size": 64, "lr": 0.1, "steps": 3} | generator
    model_registry.register(Entry(stage="illustrate", name=name, adapter=adapter, options=options))
    painter = model_registry.get("illustrate", name)
    before, _ = painter.guide("a fox with a lantern", seed=0, steps=0)
    after, losses = painter.guide("a fox with a lantern", seed=0, steps=12)
    assert losses[-1] < losses[0]
    assert np.abs(np.asarray(after, np.int16) - np.asarray(before, np.int16)).mean() > 1
    picture = painter.paint(text="A fox.", bible={"style": "watercolour"}, width=80, height=45, seed=1)
    assert picture.size == (80, 45)
