"""CLIP-guided image generation, as in DigiTeller's original design: VQGAN + CLIP and BigGAN + CLIP.

For users who have the weights (no CLIP, VQGAN or BigGAN weights install offline here): a generator's
latent is optimised with Adam so that CLIP's embedding of the decoded image moves toward the embedding
of the sentence (plus the story's visual style). The loop is generator-agnostic (`ClipGuidedPainter`);
a generator subclass supplies only its latent and its decoder. Weights come from local files named in
`$DIGITELLER_HOME/models.toml` (see docs/generative-models.md); `random_init = true` builds small random
networks, which is how the tests check the mechanics here. Runs on a GPU when torch sees one; `steps` and
`size` are options.
"""

from __future__ import annotations

import sys
import threading

import torch
import torch.nn.functional as F
from PIL import Image

from core.contracts import Bible, Look, Shot
from model_registry.catalogue import Entry
from model_registry.pictures import Painting, biggan

CLIP_MEAN = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(1, 3, 1, 1)
CLIP_STD = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(1, 3, 1, 1)


class ClipGuidedPainter:
    """The shared optimisation loop; subclasses provide `initial_latent` and `decode`."""

    def __init__(self, entry: Entry):
        import open_clip

        self.entry, options = entry, entry.options
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.steps, self.lr = int(options.get("steps", 150)), float(options.get("lr", 0.05))
        self.size = int(options.get("size", 256))  # generated side in pixels, before resizing to the frame
        if options.get("random_init"):
            clip = open_clip.model.CLIP(**options["clip_config"])
        else:
            clip = open_clip.create_model(options.get("clip_arch", "ViT-B-32"), pretrained=str(entry.file("clip.bin")))
        self.clip = clip.eval().requires_grad_(False).to(self.device)
        self.tokenize = open_clip.get_tokenizer(options.get("clip_arch", "ViT-B-32"))
        self.clip_size = self.clip.visual.image_size
        self.clip_size = self.clip_size[0] if isinstance(self.clip_size, (tuple, list)) else self.clip_size
        self.generator = self.load_generator().eval().requires_grad_(False).to(self.device)
        self._lock = threading.Lock()  # one optimisation at a time: they are memory-heavy

    def load_generator(self) -> torch.nn.Module:
        raise NotImplementedError

    def initial_latent(self, rng: torch.Generator) -> list[torch.Tensor]:
        raise NotImplementedError

    def decode(self, latent: list[torch.Tensor]) -> torch.Tensor:
        """(1, 3, H, W) image in [0, 1], differentiable in the latent."""
        raise NotImplementedError

    def paint(self, *, text: str, bible: Bible, look: Look, shot: Shot, size: tuple[int, int],
              seed: int) -> Painting:
        """Generates from words alone: the shot plan is not used."""
        # The sentence first (CLIP reads 77 tokens at most), then the bible's hero, setting and style.
        prompt = ", ".join(part for part in (text, bible.hero, bible.setting, look.style) if part)
        image, _ = self.guide(prompt, seed, self.steps)
        return Painting.still(image.resize(size, Image.Resampling.LANCZOS))

    def guide(self, prompt: str, seed: int, steps: int) -> tuple[Image.Image, list[float]]:
        """Optimise the latent for `steps`; returns the image and the CLIP loss after each step."""
        with self._lock:
            rng = torch.Generator().manual_seed(seed)
            latent = [part.to(self.device).requires_grad_(True) for part in self.initial_latent(rng)]
            with torch.no_grad():
                target = F.normalize(self.clip.encode_text(self.tokenize([prompt]).to(self.device)), dim=-1)
            optimiser = torch.optim.Adam(latent, lr=self.lr)
            losses = []
            for _ in range(steps):
                loss = self.clip_loss(self.decode(latent), target)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                losses.append(loss.item())
            with torch.no_grad():
                pixels = self.decode(latent)[0].clamp(0, 1).permute(1, 2, 0).cpu()
        return Image.fromarray((pixels * 255).round().byte().numpy()), losses

    def clip_loss(self, pixels: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """1 - cosine similarity between the image's CLIP embedding and the prompt's."""
        view = F.interpolate(pixels, size=(self.clip_size, self.clip_size), mode="bilinear", align_corners=False)
        view = (view - CLIP_MEAN.to(view.device)) / CLIP_STD.to(view.device)
        return 1 - (F.normalize(self.clip.encode_image(view), dim=-1) * target).sum()


class VqganClip(ClipGuidedPainter):
    """A taming-transformers VQGAN decoder, its latent grid snapped to the codebook (straight-through)."""

    def load_generator(self) -> torch.nn.Module:
        # taming-transformers (and -rom1504) import `pytorch_lightning.utilities.distributed`, which
        # Lightning 2 removed; its only use there is `rank_zero_only`, now in `utilities.rank_zero`.
        # The alias is the whole shim, kept here so nothing else sees it.
        import pytorch_lightning.utilities.rank_zero as rank_zero

        sys.modules.setdefault("pytorch_lightning.utilities.distributed", rank_zero)
        from taming.models.vqgan import VQModel

        options = self.entry.options
        model = VQModel(ddconfig=options["ddconfig"], lossconfig={"target": "torch.nn.Identity"},
                        n_embed=options["n_embed"], embed_dim=options["embed_dim"])
        if not options.get("random_init"):
            checkpoint = torch.load(self.entry.file("vqgan.ckpt"), map_location="cpu", weights_only=True)
            model.load_state_dict(checkpoint.get("state_dict", checkpoint), strict=False)
        downsample = 2 ** (len(options["ddconfig"]["ch_mult"]) - 1)
        self.grid = max(1, self.size // downsample)
        return model

    def initial_latent(self, rng: torch.Generator) -> list[torch.Tensor]:
        codes = torch.randint(self.generator.quantize.n_e, (self.grid * self.grid,), generator=rng)
        start = self.generator.quantize.embedding.weight[codes].detach().cpu()
        return [start.T.reshape(1, -1, self.grid, self.grid).clone()]

    def decode(self, latent: list[torch.Tensor]) -> torch.Tensor:
        z = latent[0]
        flat = z.permute(0, 2, 3, 1).reshape(-1, z.shape[1])
        codebook = self.generator.quantize.embedding.weight
        nearest = codebook[torch.cdist(flat, codebook).argmin(dim=1)].view(z.shape[0], z.shape[2], z.shape[3], -1)
        snapped = z + (nearest.permute(0, 3, 1, 2) - z).detach()  # straight-through: gradients reach z
        return (self.generator.decode(snapped) + 1) / 2


class BigGanClip(ClipGuidedPainter):
    """BigGAN-deep (model_registry/biggan.py): CLIP steers its noise and its mix of ImageNet classes."""

    def load_generator(self) -> torch.nn.Module:
        options = self.entry.options
        self.truncation = float(options.get("truncation", 0.4))
        if not options.get("random_init"):
            return biggan.load(self.entry.file("config.json"), self.entry.file("pytorch_model.bin"))
        torch.manual_seed(0)
        model = biggan.BigGan(biggan.BigGanConfig.from_dict(options["biggan_config"]))
        config = model.config
        model.calibrate(torch.randn(16, config.z_dim), torch.softmax(torch.randn(16, config.num_classes), dim=1))
        return model

    def initial_latent(self, rng: torch.Generator) -> list[torch.Tensor]:
        config = self.generator.config
        noise = torch.randn(1, config.z_dim, generator=rng).clamp(-2, 2) * self.truncation
        return [noise, torch.randn(1, config.num_classes, generator=rng) * 2]  # class logits: a peaked mix

    def decode(self, latent: list[torch.Tensor]) -> torch.Tensor:
        noise, class_logits = latent
        return (self.generator(noise, torch.softmax(class_logits, dim=1), self.truncation) + 1) / 2
