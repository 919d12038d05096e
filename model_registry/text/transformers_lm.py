"""Causal LMs through transformers: hub and local models, and the fallback runtime for GGUF files on CPUs the
prebuilt llama.cpp cannot run on (no AVX2).

transformers dequantises GGUF to full precision on every load (Qwen-1.5B: ~70 s, 9 GB peak), so the
first load saves a bf16 safetensors copy in the models cache; later loads read that in seconds.
A model can instead come from a local folder or a hub id (`options.path` / `hub_id` in the catalogue).
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, StoppingCriteria, TextStreamer
from transformers.utils import logging as transformers_logging

from core import atomic, settings
from model_registry.catalogue import Entry
from model_registry.text.base import Messages, TextModel


class _Pieces(TextStreamer, StoppingCriteria):
    """Hands each finalised piece of text to `take` and stops generating once `take` says so."""

    def __init__(self, tokenizer, take: Callable[[str], bool]):
        TextStreamer.__init__(self, tokenizer, skip_prompt=True, skip_special_tokens=True)
        self._take, self.done = take, False

    def on_finalized_text(self, text: str, stream_end: bool = False) -> None:
        if text and not self.done:
            self.done = self._take(text)

    def __call__(self, input_ids, scores, **kwargs) -> torch.BoolTensor:
        return torch.full((input_ids.shape[0],), self.done, dtype=torch.bool)


class LanguageModel(TextModel):
    """A transformers causal LM; a chat template when it has one, plain paragraphs when not."""

    def __init__(self, entry: Entry):
        super().__init__(entry)
        transformers_logging.disable_progress_bar()  # progress is ours to report, on our logger
        torch.set_num_threads(int(entry.options.get("threads", 1)))
        source = self._source()
        self.tokenizer = AutoTokenizer.from_pretrained(source)
        self.model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32).eval()

    def _source(self) -> str:
        if self.entry.hub_id:
            return self.entry.hub_id
        if "path" in self.entry.options:
            return os.path.expanduser(self.entry.options["path"])
        converted = settings.models_dir() / f"{self.entry.name}-{self.entry.identity['weights'][0][:12]}"
        if not (converted / "config.json").is_file():
            logging.getLogger("digiteller.progress").info(
                "%s: converting the GGUF weights once (about a minute for 1.5B parameters)", self.entry.name)
            _convert_gguf(self.entry.file("model.gguf"), converted)
        return str(converted)

    def prompt(self, messages: Messages) -> str:
        """The model's chat template; a base model without one (GPT-2, ruGPT-3) reads the turns as plain
        paragraphs and continues after them."""
        if self.tokenizer.chat_template:
            return self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return "\n\n".join(message["content"] for message in messages) + "\n\n"

    def _stream(self, messages: Messages, *, seed: int, max_new_tokens: int, temperature: float, top_p: float,
                take: Callable[[str], bool], reuse: bool = False) -> None:
        inputs = self.tokenizer(self.prompt(messages), return_tensors="pt")
        pieces = _Pieces(self.tokenizer, take)
        with torch.inference_mode():
            torch.manual_seed(seed)  # global RNG: the base class's lock keeps generations (and so seeds) apart
            self.model.generate(**inputs, do_sample=True, temperature=temperature, top_p=top_p,
                                repetition_penalty=1.1, max_new_tokens=max_new_tokens, streamer=pieces,
                                stopping_criteria=[pieces], pad_token_id=self.tokenizer.eos_token_id)

    def _choose(self, messages: Messages, options: list[str], *, reuse: bool) -> str:
        """The option of the highest total log-probability after the prompt: the prompt is evaluated once,
        each option from a copy of its cache."""
        prompt = self.tokenizer(self.prompt(messages), return_tensors="pt").input_ids
        with torch.inference_mode():
            evaluated = self.model(prompt, use_cache=True)

            def likelihood(option: str) -> float:
                ids = self.tokenizer(option, add_special_tokens=False, return_tensors="pt").input_ids
                after = self.model(ids, cache=copy.deepcopy(evaluated.cache), use_cache=True)
                logits = torch.cat([evaluated.logits[:, -1:], after.logits[:, :-1]], dim=1)
                return logits.log_softmax(-1).gather(-1, ids.unsqueeze(-1)).sum().item()

            return max(options, key=likelihood)


def _convert_gguf(gguf: Path, target: Path) -> None:
    """Dequantise once and keep a bf16 copy (written to a temp folder, then renamed into place)."""
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.bfloat16)
    # The GGUF loader marks the model as quantised; the saved copy is plain bf16.
    model.hf_quantizer = None
    model.config.quantization_config = None
    if hasattr(model.config, "__dict__"):
        model.config.__dict__.pop("quantization_config", None)
    with atomic.replacing(target) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
