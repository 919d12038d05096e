"""Instruct LMs in llama.cpp, from the prebuilt `xllamacpp` wheel: the GGUF file as it ships, no conversion.

Qwen2.5-Coder-1.5B Q4_K_M runs here at ~16 tokens/s on one core and ~25 on two, in under 2 GB, against
4.7 tokens/s in 11 GB through transformers (benchmarks/results.json). The wheel is built with AVX2 and
FMA, so the catalogue entry names those CPU flags; where they are missing the registry takes the entry's
`fallback` (the transformers runtime) instead of loading a library that would die of an illegal instruction.

xllamacpp's server also listens on a random 127.0.0.1 port; it gets a random API key that is never
shared, so nothing but this process can use the model. This process calls it directly, and over that
port only to save and restore its slot: the evaluated beginning a genre's stories share (the writer's
instructions and example, ~500 tokens, 10 s of prompt evaluation on 2 cores) is evaluated once and kept in
the models cache (`remember`), then restored in milliseconds for every story.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.request
import uuid
from collections.abc import Callable

from core import settings
from model_registry.catalogue import Entry
from model_registry.text.base import Messages, TextModel


class LlamaCppModel(TextModel):
    """A GGUF chat model; its chat template is the one inside the GGUF. One piece of text per token."""

    def __init__(self, entry: Entry):
        super().__init__(entry)
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = str(entry.file("model.gguf"))
        params.n_ctx = int(entry.options.get("context", 4096))
        params.n_parallel = 1
        threads = int(entry.options.get("threads", 0)) or os.cpu_count() or 1
        params.cpuparams.n_threads = params.cpuparams_batch.n_threads = threads
        params.warmup = False
        # Read the weights into memory rather than mapping the file: llama.cpp repacks them for this CPU,
        # and a mapping would keep the original pages resident beside the repacked copy (1.8 GB, not 1.2).
        params.load_mode = xllamacpp.llama_load_mode.LLAMA_LOAD_MODE_NONE
        params.verbosity = -1  # its log is llama.cpp's, not ours; errors come back as exceptions
        self.key = secrets.token_hex(16)
        params.api_keys = [self.key]
        self.slots = settings.models_dir() / "prompts"
        self.slots.mkdir(parents=True, exist_ok=True)
        params.endpoint_slots = True
        params.slot_save_path = f"{self.slots}/"  # llama.cpp wants the trailing separator
        self.server = xllamacpp.Server(params)

    def _remember(self, messages: Messages, name: str) -> None:
        """Restore the slot saved for `name`, else evaluate `messages` and save it (under a temporary name,
        renamed when complete: a crash leaves no half-written state to restore)."""
        file = f"{self.entry.identity['weights'][0][:12]}-{name}.bin"
        if (self.slots / file).is_file() and self._slot("restore", file):
            return
        self._stream(messages, seed=0, max_new_tokens=1, temperature=0.0, top_p=1.0, take=lambda piece: True)
        partial = f".{uuid.uuid4().hex}.tmp"
        if self._slot("save", partial):
            os.replace(self.slots / partial, self.slots / file)

    def _slot(self, action: str, file: str) -> bool:
        """Save or restore the one slot to or from `file` in the slot folder; whether it worked."""
        request = urllib.request.Request(f"{self.server.listening_address}/slots/0?action={action}",
                                         data=json.dumps({"filename": file}).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {self.key}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status == 200
        except OSError:
            return False

    def _stream(self, messages: Messages, *, seed: int, max_new_tokens: int, temperature: float, top_p: float,
                take: Callable[[str], bool], reuse: bool = False) -> None:
        # The prompt cache only where asked: a prefix reused from an earlier request was evaluated in other
        # batches, which changes the floats a little and so the sample. A story's first request is evaluated
        # whole; its later ones reuse it: the same requests in the same order give the same story.
        request = {"messages": messages, "max_tokens": max_new_tokens, "temperature": temperature, "top_p": top_p,
                   "repeat_penalty": 1.1, "seed": seed, "stream": True, "cache_prompt": reuse}
        self._call(request, lambda chunk: any(take(piece) for choice in chunk.get("choices", ())
                                              if (piece := (choice.get("delta") or {}).get("content"))))

    def _choose(self, messages: Messages, options: list[str], *, reuse: bool) -> str:
        """Greedy under a grammar that allows only the options, token by token as the model would write
        them (a sentence costs what writing it does: ~2 s)."""
        grammar = "root ::= " + " | ".join(json.dumps(option, ensure_ascii=False) for option in options)
        replies = []
        longest = max(map(len, options))  # characters: more than its tokens; the grammar ends it anyway
        self._call({"messages": messages, "max_tokens": longest + 8, "temperature": 0.0, "grammar": grammar,
                    "stream": False, "cache_prompt": reuse},
                   lambda chunk: replies.extend(c["message"]["content"] for c in chunk.get("choices", ())) or False)
        if not replies or replies[0] not in options:
            raise RuntimeError(f"llama.cpp chose none of the options: {replies[:1]}")
        return replies[0]

    def _call(self, request: dict, on_chunk: Callable[[dict], bool]) -> None:
        """One request to the server; `on_chunk(chunk)` gets each piece of the answer and returns True to
        cancel it. An error the server reports, or one raised inside `on_chunk`, is raised here."""
        errors, raised = [], []

        def guarded(chunk: dict) -> bool:  # True cancels the generation
            try:
                if "error" in chunk:
                    errors.append(chunk["error"])
                    return True
                return on_chunk(chunk)
            except BaseException as exc:  # noqa: BLE001 - xllamacpp would print and drop it: kept, raised below
                raised.append(exc)  # (a Ctrl-C or Prefect's SIGTERM arrives here, mid-token)
                return True

        self.server.handle_chat_completions(request, guarded)
        if raised:
            raise raised[0]
        if errors:
            raise RuntimeError(f"llama.cpp could not generate: {errors[0]}")
