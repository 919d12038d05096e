"""BigGAN-deep's generator (Brock et al., 2018), for CLIP guidance: inference only.

The modules and their names follow the hub's `biggan-deep-128/256/512` checkpoints (the PyTorch port in
`pytorch-pretrained-biggan`), so those files load here, with each spectral normalisation folded into a
plain weight once at load. That package itself is not a dependency: it is unmaintained since 2019 and
imports boto3 and requests for S3 downloads that no longer exist; the architecture is all we need.

Batch norms use fixed statistics, one row per truncation step, as the released weights carry them.
Randomly initialised networks (the tests' small ones) have none, so `calibrate` measures them on a
batch, which is what keeps a random BigGAN from saturating.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class BigGanConfig:
    """The checkpoint's config.json. `layers`: (upsample?, in, out) in multiples of `channel_width`;
    the first takes 16 and the last gives 1, and a block changing width halves it."""

    z_dim: int = 128
    channel_width: int = 128
    num_classes: int = 1000
    layers: list[tuple[bool, int, int]] = field(default_factory=lambda: [
        (False, 16, 16), (True, 16, 16), (False, 16, 16), (True, 16, 8), (False, 8, 8),
        (True, 8, 4), (False, 4, 4), (True, 4, 2), (False, 2, 2), (True, 2, 1)])
    attention_layer_position: int = 8
    eps: float = 1e-4
    n_stats: int = 51

    @classmethod
    def from_dict(cls, values: dict) -> BigGanConfig:
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        return cls(**known)


class FixedNorm(nn.Module):
    """Batch norm with stored statistics chosen by truncation; scale and offset come from the condition
    vector (conditional) or are learned (the last one)."""

    def __init__(self, channels: int, n_stats: int, eps: float, condition_dim: int | None = None):
        super().__init__()
        self.eps, self.step = eps, 1.0 / (n_stats - 1)
        self.register_buffer("running_means", torch.zeros(n_stats, channels))
        self.register_buffer("running_vars", torch.ones(n_stats, channels))
        self.calibrating = False
        if condition_dim:
            self.scale = nn.Linear(condition_dim, channels, bias=False)
            self.offset = nn.Linear(condition_dim, channels, bias=False)
        else:
            self.weight = nn.Parameter(torch.ones(channels))
            self.bias = nn.Parameter(torch.zeros(channels))

    def statistics(self, truncation: float) -> tuple[torch.Tensor, torch.Tensor]:
        # The released weights interpolate this way round; kept for fidelity.
        coef, start = math.modf(truncation / self.step)
        start = int(start)
        if coef == 0.0:
            return self.running_means[start], self.running_vars[start]
        means, variances = self.running_means, self.running_vars
        return (means[start] * coef + means[start + 1] * (1 - coef),
                variances[start] * coef + variances[start + 1] * (1 - coef))

    def forward(self, x: torch.Tensor, truncation: float, condition: torch.Tensor | None = None) -> torch.Tensor:
        if self.calibrating:
            self.running_means[:] = x.mean(dim=(0, 2, 3))
            self.running_vars[:] = x.var(dim=(0, 2, 3))
        mean, var = (s.view(1, -1, 1, 1) for s in self.statistics(truncation))
        x = (x - mean) / torch.sqrt(var + self.eps)
        if condition is None:
            return x * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)
        return x * (1 + self.scale(condition)[..., None, None]) + self.offset(condition)[..., None, None]


class SelfAttention(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.snconv1x1_theta = nn.Conv2d(channels, channels // 8, 1, bias=False)
        self.snconv1x1_phi = nn.Conv2d(channels, channels // 8, 1, bias=False)
        self.snconv1x1_g = nn.Conv2d(channels, channels // 2, 1, bias=False)
        self.snconv1x1_o_conv = nn.Conv2d(channels // 2, channels, 1, bias=False)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = x.shape
        theta = self.snconv1x1_theta(x).view(batch, channels // 8, height * width)
        phi = F.max_pool2d(self.snconv1x1_phi(x), 2).view(batch, channels // 8, -1)
        attention = torch.softmax(theta.transpose(1, 2) @ phi, dim=-1)
        g = F.max_pool2d(self.snconv1x1_g(x), 2).view(batch, channels // 2, -1)
        attended = (g @ attention.transpose(1, 2)).view(batch, channels // 2, height, width)
        return x + self.gamma * self.snconv1x1_o_conv(attended)


class GenBlock(nn.Module):
    """A bottleneck residual block: norm-relu-conv four times (1x1, 3x3, 3x3, 1x1), optionally 2x up."""

    def __init__(self, in_size: int, out_size: int, condition_dim: int, upsample: bool, config: BigGanConfig):
        super().__init__()
        middle = in_size // 4
        self.upsample, self.drop_channels = upsample, in_size != out_size
        for i, (channels, conv) in enumerate([
            (in_size, nn.Conv2d(in_size, middle, 1)),
            (middle, nn.Conv2d(middle, middle, 3, padding=1)),
            (middle, nn.Conv2d(middle, middle, 3, padding=1)),
            (middle, nn.Conv2d(middle, out_size, 1)),
        ]):
            self.add_module(f"bn_{i}", FixedNorm(channels, config.n_stats, config.eps, condition_dim))
            self.add_module(f"conv_{i}", conv)

    def forward(self, x: torch.Tensor, condition: torch.Tensor, truncation: float) -> torch.Tensor:
        shortcut = x
        for i in range(4):
            x = F.relu(getattr(self, f"bn_{i}")(x, truncation, condition))
            if i == 1 and self.upsample:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = getattr(self, f"conv_{i}")(x)
        if self.drop_channels:
            shortcut = shortcut[:, : shortcut.shape[1] // 2]
        if self.upsample:
            shortcut = F.interpolate(shortcut, scale_factor=2, mode="nearest")
        return x + shortcut


class Generator(nn.Module):
    def __init__(self, config: BigGanConfig):
        super().__init__()
        self.config, width, condition_dim = config, config.channel_width, 2 * config.z_dim
        self.gen_z = nn.Linear(condition_dim, 4 * 4 * 16 * width)
        layers: list[nn.Module] = []
        for i, (upsample, into, out) in enumerate(config.layers):
            if i == config.attention_layer_position:
                layers.append(SelfAttention(width * into))
            layers.append(GenBlock(width * into, width * out, condition_dim, upsample, config))
        self.layers = nn.ModuleList(layers)
        self.bn = FixedNorm(width, config.n_stats, config.eps)
        self.conv_to_rgb = nn.Conv2d(width, width, 3, padding=1)

    def forward(self, condition: torch.Tensor, truncation: float) -> torch.Tensor:
        # The released weights were converted from TensorFlow: the first map is laid out channels-last.
        x = self.gen_z(condition).view(-1, 4, 4, 16 * self.config.channel_width).permute(0, 3, 1, 2)
        for layer in self.layers:
            x = layer(x, condition, truncation) if isinstance(layer, GenBlock) else layer(x)
        x = self.conv_to_rgb(F.relu(self.bn(x, truncation)))
        return torch.tanh(x[:, :3])


class BigGan(nn.Module):
    """(noise z, class mix over `num_classes`, truncation) -> (N, 3, H, W) image in [-1, 1]."""

    def __init__(self, config: BigGanConfig):
        super().__init__()
        self.config = config
        self.embeddings = nn.Linear(config.num_classes, config.z_dim, bias=False)
        self.generator = Generator(config)

    def forward(self, z: torch.Tensor, classes: torch.Tensor, truncation: float) -> torch.Tensor:
        if not 0 < truncation <= 1:
            raise ValueError(f"truncation must be in (0, 1], not {truncation}")
        return self.generator(torch.cat([z, self.embeddings(classes)], dim=1), truncation)

    @torch.no_grad()
    def calibrate(self, z: torch.Tensor, classes: torch.Tensor) -> None:
        """Set every norm's statistics to what it sees on this batch (for random weights only)."""
        norms = [module for module in self.modules() if isinstance(module, FixedNorm)]
        for norm in norms:
            norm.calibrating = True
        try:
            self(z, classes, 1.0)
        finally:
            for norm in norms:
                norm.calibrating = False


def fold_spectral_norm(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A state dict saved from spectrally normalised layers (`X.weight_orig`, `X.weight_u`, `X.weight_v`)
    -> plain `X.weight` = weight_orig / sigma, with sigma from the stored power-iteration vectors, which
    is the weight those layers use at inference."""
    plain = {name: tensor for name, tensor in state.items() if not name.endswith(("_orig", "_u", "_v"))}
    for name in state:
        if not name.endswith("weight_orig") or name.replace("_orig", "") in plain:
            continue  # checkpoints from torch < 1.1 also stored the normalised weight itself: keep it
        prefix = name[: -len("_orig")]
        weight = state[name].float()
        matrix, u = weight.reshape(weight.shape[0], -1), state[prefix + "_u"].float()
        v = state.get(prefix + "_v")
        v = F.normalize(matrix.T @ u, dim=0) if v is None else v.float()
        plain[prefix] = weight / torch.dot(u, matrix @ v)
    return plain


def load(config: Path, weights: Path) -> BigGan:
    """The hub's files (`config.json`, `pytorch_model.bin`) -> the generator, spectral norms folded."""
    model = BigGan(BigGanConfig.from_dict(json.loads(config.read_text())))
    state = fold_spectral_norm(torch.load(weights, map_location="cpu", weights_only=True))
    missing = model.load_state_dict(state, strict=False).missing_keys
    if missing:
        raise ValueError(f"{weights} is not a BigGAN-deep checkpoint: {len(missing)} weights missing, "
                         f"e.g. {missing[0]}")
    return model
