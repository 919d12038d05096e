"""A small Music Transformer (Huang et al. 2018): a decoder-only transformer over MIDI events whose
attention adds a learned bias for each relative distance between query and key.

Relative attention is computed with the paper's "skew" trick in training (O(T·D) memory instead of
O(T²·D)). Because the model has no absolute positions, the KV cache used for sampling can simply drop
its oldest entry when it is full: generation runs for any length with a sliding window and one step of
work per token.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from model_registry.music.events import VOCAB_SIZE


@dataclass
class MusicConfig:
    vocab_size: int = VOCAB_SIZE
    block_size: int = 256  # longest attention span, in events
    n_layer: int = 4
    n_head: int = 8
    n_embd: int = 256
    dropout: float = 0.1

    def to_dict(self) -> dict:
        return asdict(self)


def skew(rel_logits: torch.Tensor) -> torch.Tensor:
    """(…, T, T) logits against distances T-1..0 -> (…, T, T) logits against key positions.

    Row i, column j of the result is the logit for distance i - j (valid for j <= i; the rest is
    masked by causality anyway).
    """
    *batch, t, _ = rel_logits.shape
    padded = F.pad(rel_logits, (1, 0))  # (…, T, T+1)
    return padded.reshape(*batch, t + 1, t)[..., 1:, :]


class RelativeSelfAttention(nn.Module):
    def __init__(self, config: MusicConfig):
        super().__init__()
        self.n_head, self.head_dim = config.n_head, config.n_embd // config.n_head
        self.qkv = nn.Linear(config.n_embd, 3 * config.n_embd, bias=False)
        self.proj = nn.Linear(config.n_embd, config.n_embd, bias=False)
        # distance_embedding[d] is the key-side embedding of "d events back", shared by the heads.
        self.distance_embedding = nn.Parameter(torch.randn(config.block_size, self.head_dim) * 0.02)
        self.dropout = config.dropout

    def _heads(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b, t, _ = x.shape
        q, k, v = self.qkv(x).split(self.n_head * self.head_dim, dim=2)
        return tuple(z.view(b, t, self.n_head, self.head_dim).transpose(1, 2) for z in (q, k, v))

    def _out(self, y: torch.Tensor) -> torch.Tensor:
        b, _, t, _ = y.shape
        return self.proj(y.transpose(1, 2).reshape(b, t, -1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = x.shape[1]
        q, k, v = self._heads(x)
        by_distance = q @ self.distance_embedding[:t].flip(0).T  # columns: distance T-1 .. 0
        bias = skew(by_distance) / math.sqrt(self.head_dim)
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        bias = bias.masked_fill(~causal, float("-inf"))
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=bias,
                                           dropout_p=self.dropout if self.training else 0.0)
        return self._out(y)

    def step(self, x: torch.Tensor, cache: dict) -> torch.Tensor:
        """One new event per sequence with a sliding KV cache (`cache` holds this layer's k and v)."""
        q, k, v = self._heads(x)
        if "k" in cache:
            k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
        keep = self.distance_embedding.shape[0]
        cache["k"], cache["v"] = k[:, :, -keep:], v[:, :, -keep:]
        k, v = cache["k"], cache["v"]
        span = k.shape[2]
        bias = (q @ self.distance_embedding[:span].flip(0).T) / math.sqrt(self.head_dim)  # key j: distance span-1-j
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        return self._out(y)


class Block(nn.Module):
    def __init__(self, config: MusicConfig):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(config.n_embd), nn.LayerNorm(config.n_embd)
        self.attn = RelativeSelfAttention(config)
        self.mlp = nn.Sequential(nn.Linear(config.n_embd, 4 * config.n_embd), nn.GELU(),
                                 nn.Linear(4 * config.n_embd, config.n_embd), nn.Dropout(config.dropout))

    def forward(self, x: torch.Tensor, cache: dict | None = None) -> torch.Tensor:
        h = self.ln1(x)
        x = x + (self.attn(h) if cache is None else self.attn.step(h, cache))
        return x + self.mlp(self.ln2(x))


class MusicTransformer(nn.Module):
    def __init__(self, config: MusicConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.head.weight = self.embed.weight  # weight tying, as in nanoGPT
        self.apply(self._init)

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, tokens: torch.Tensor, targets: torch.Tensor | None = None):
        x = self.drop(self.embed(tokens))
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.ln_f(x))
        loss = None if targets is None else F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))
        return logits, loss

    @torch.no_grad()
    def step(self, tokens: torch.Tensor, caches: list[dict]) -> torch.Tensor:
        """Logits for the next event after feeding `tokens` (B, 1); `caches` holds one dict per layer."""
        x = self.embed(tokens)
        for block, cache in zip(self.blocks, caches):
            x = block(x, cache)
        return self.head(self.ln_f(x))[:, -1]

    @torch.no_grad()
    def sample(self, prime: list[int], max_steps: int, *, temperature: float = 1.0, top_p: float = 0.95,
               generator: torch.Generator | None = None, constrain=None, done=None,
               check_every: int = 128) -> list[int]:
        """Continue `prime` by up to `max_steps` events with nucleus sampling and a KV cache.

        `constrain(logits, history)` may edit the logits in place before sampling (e.g. mask note-ons
        outside a key); `done(history)`, checked every `check_every` events, ends sampling early.
        Both see the full token history so far.
        """
        self.eval()
        caches = [{} for _ in self.blocks]
        history = list(prime)
        for token in history[-self.config.block_size:-1]:
            self.step(torch.tensor([[token]]), caches)
        for step in range(1, max_steps + 1):
            logits = self.step(torch.tensor([[history[-1]]]), caches)[0].float() / max(temperature, 1e-4)
            if constrain is not None:
                constrain(logits, history)
            probs = torch.softmax(logits, -1)
            ordered, index = probs.sort(descending=True)
            ordered[ordered.cumsum(0) - ordered > top_p] = 0
            history.append(int(index[torch.multinomial(ordered / ordered.sum(), 1, generator=generator)]))
            if done is not None and step % check_every == 0 and done(history):
                break
        return history[len(prime):]
