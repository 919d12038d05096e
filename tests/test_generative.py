"""The generative illustrator's mechanics, with small random networks (no such weights install here):
a few optimisation steps change the picture and lower the CLIP loss."""

from __future__ import annotations

import numpy as np
import pytest

import model_registry
from core.contracts import Bible, Look
from model_registry.catalogue import Entry

TINY_CLIP = {"embed_dim": 32,
             "vision_cfg": {"layers": 2, "width": 64, "patch_size": 16, "image_size": 64, "head_width": 32},
             "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2}}
TINY_VQGAN = {"ddconfig": {"double_z": False, "z_channels": 16, "resolution": 64, "in_channels": 3, "out_ch": 3,
                           "ch": 32, "ch_mult": [1, 2], "num_res_blocks": 1, "attn_resolutions": [], "dropout": 0.0},
              "n_embed": 64, "embed_dim": 16}
# 4x4 -> 64x64 in four up-sampling blocks, 4 channels wide at the end, attention at 16x16.
TINY_BIGGAN = {"biggan_config": {"z_dim": 16, "channel_width": 4, "num_classes": 10, "attention_layer_position": 2,
                                 "layers": [[False, 16, 16], [True, 16, 8], [True, 8, 4], [True, 4, 2], [True, 2, 1]]}}


@pytest.mark.parametrize("name, adapter, generator", [
    ("tiny-vqgan-clip", "model_registry.pictures.clip_guided:VqganClip", TINY_VQGAN),
    ("tiny-biggan-clip", "model_registry.pictures.clip_guided:BigGanClip", TINY_BIGGAN),
])
def test_clip_guidance_changes_the_picture_and_lowers_the_loss(name, adapter, generator):
    options = {"random_init": True, "clip_config": TINY_CLIP, "size": 64, "lr": 0.1, "steps": 3} | generator
    model_registry.register(Entry(stage="illustrate", name=name, adapter=adapter, options=options))
    painter = model_registry.get("illustrate", name)
    before, _ = painter.guide("a fox with a lantern", seed=0, steps=0)
    after, losses = painter.guide("a fox with a lantern", seed=0, steps=12)
    assert losses[-1] < losses[0]
    assert np.abs(np.asarray(after, np.int16) - np.asarray(before, np.int16)).mean() > 1
    pixels = np.asarray(after, np.float32)
    assert 10 < pixels.std() and (pixels == 0).mean() + (pixels == 255).mean() < 0.5  # not blank, not saturated
    bible, look = Bible("a fox", "", "a fox", "test"), Look("watercolour", ((200, 100, 50),), "forest")
    picture = painter.paint(text="A fox.", bible=bible, look=look, shot=None, size=(80, 45), seed=1).picture
    assert picture.size == (80, 45)


def test_spectral_norm_folds_into_the_weight_the_layer_uses():
    """A hub BigGAN checkpoint stores spectrally normalised layers; folded, they give the same weights."""
    import torch

    from model_registry.pictures.biggan import fold_spectral_norm

    torch.manual_seed(0)
    layer = torch.nn.utils.spectral_norm(torch.nn.Conv2d(8, 4, 3))
    for _ in range(3):
        layer(torch.randn(1, 8, 6, 6))  # power iterations, as in training
    layer.eval()
    with torch.no_grad():
        layer(torch.zeros(1, 8, 3, 3))  # an eval forward sets the weight it uses, without iterating
    expected = layer.weight
    folded = fold_spectral_norm(layer.state_dict())
    assert set(folded) == {"weight", "bias"}
    assert torch.allclose(folded["weight"], expected, atol=1e-6)
