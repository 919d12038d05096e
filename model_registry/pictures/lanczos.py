"""Classical Lanczos resampling: the fast, weight-free upscaler (Real-ESRGAN plugs in beside it)."""

from __future__ import annotations

from PIL import Image

from model_registry.catalogue import Entry
from model_registry.pictures import upscale_factor


class LanczosUpscaler:
    adds_detail = False  # resampled twice is no sharper than resampled once: big figures keep their own art

    def __init__(self, entry: Entry):
        self.entry = entry
        self.scale = upscale_factor(entry)

    def upscale(self, image: Image.Image) -> Image.Image:
        return image.resize((image.width * self.scale, image.height * self.scale), Image.Resampling.LANCZOS)
