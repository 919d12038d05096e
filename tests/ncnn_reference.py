"""A small numpy interpreter of ncnn graphs: an independent reference for the Real-ESRGAN conversion.

It executes the .param graph itself (layer by layer, by blob name), so it shares nothing with the
PyTorch architectures the converted weights are loaded into except the weights.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from model_registry.pictures.ncnn_weights import Layer


def convolution(x: np.ndarray, layer: Layer) -> np.ndarray:
    weight = layer.weights["weight"]
    pad = int(layer.params.get(4, 0))
    padded = np.pad(x, ((0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(padded, weight.shape[2:], axis=(1, 2))  # c, h, w, kh, kw
    out = np.einsum("chwij,ocij->ohw", windows, weight, optimize=True)
    if "bias" in layer.weights:
        out += layer.weights["bias"][:, None, None]
    activation = int(layer.params.get(9, 0))
    if activation == 1:
        out = np.maximum(out, 0)
    elif activation == 2:
        slope = float(layer.params[-23310].split(",")[1])
        out = np.where(out > 0, out, out * slope)
    return out


def run(layers: list[Layer], image: np.ndarray) -> np.ndarray:
    """(3, h, w) float32 in [0, 1] -> the graph's output."""
    blobs: dict[str, np.ndarray] = {}
    for layer in layers:
        inputs = [blobs[name] for name in layer.inputs]
        if layer.kind == "Input":
            result = [image]
        elif layer.kind == "Split":
            result = inputs * len(layer.outputs)
        elif layer.kind == "Convolution":
            result = [convolution(inputs[0], layer)]
        elif layer.kind == "PReLU":
            x, slope = inputs[0], layer.weights["weight"][:, None, None]
            result = [np.where(x > 0, x, x * slope)]
        elif layer.kind == "Concat":
            result = [np.concatenate(inputs, axis=0)]
        elif layer.kind == "Eltwise":  # 0=1: weighted sum with -23301 coefficients
            coefficients = [float(c) for c in layer.params.get(-23301, "0").split(",")[1:]] or [1.0] * len(inputs)
            result = [sum(c * x for c, x in zip(coefficients, inputs))]
        elif layer.kind == "BinaryOp":  # 0=0: add
            result = [inputs[0] + inputs[1]]
        elif layer.kind == "Interp":  # 0=1: nearest neighbour by integer factors
            factor = int(float(layer.params[1]))
            result = [inputs[0].repeat(factor, axis=1).repeat(factor, axis=2)]
        elif layer.kind == "PixelShuffle":
            r = int(layer.params[0])
            c, h, w = inputs[0].shape
            result = [inputs[0].reshape(c // (r * r), r, r, h, w).transpose(0, 3, 1, 4, 2)
                      .reshape(c // (r * r), h * r, w * r)]
        else:
            raise NotImplementedError(layer.kind)
        blobs.update(zip(layer.outputs, result))
    return blobs[layers[-1].outputs[0]]
