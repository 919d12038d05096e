"""One story-model runtime measured in a process of its own, so its peak memory is its own.

    python -m benchmarks.text_runtime qwen2.5-coder-1.5b --threads 2     # prints one JSON line

Load seconds, generation speed (200 tokens of a story, sampled as the writer samples) and the process's
peak RSS. With an empty `$DIGITELLER_MODELS` the load includes the first run's preparation (joining the
GGUF parts, or converting them for transformers).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import time

from core import settings

TOKENS = 200


def measure(name: str, threads: int) -> dict:
    settings.configure_environment()
    import model_registry
    from tasks.request import load_genre
    from tasks.writing.prompts import plan_messages

    entry = model_registry.entry("text", name)
    model_registry.register(dataclasses.replace(entry, name=f"{name}@{threads}",
                                                options=entry.options | {"threads": threads}))
    started = time.perf_counter()
    lm = model_registry.get("text", f"{name}@{threads}")
    load = time.perf_counter() - started
    messages = plan_messages("a fox who finds a lost lantern", load_genre("fairy-tale"), "en")
    pieces: list[tuple[float, str]] = []
    started = time.perf_counter()
    text = lm.generate(messages, seed=0, max_new_tokens=TOKENS,
                       on_text=lambda piece: pieces.append((time.perf_counter(), piece)))
    ended = time.perf_counter()
    # Speed is the writing after the first piece (the prompt's evaluation before it is the time to first
    # token). llama.cpp streams a piece per token; transformers streams words, so its tokens are counted.
    def count(text: str) -> int:
        return len(lm.tokenizer(text)["input_ids"]) if hasattr(lm, "tokenizer") else 0

    tokens = count(text) or len(pieces)
    first = pieces[0][0]
    written = count("".join(piece for _, piece in pieces[1:])) or len(pieces) - 1
    return {"model": name, "runtime": entry.adapter.split(":")[0].rsplit(".", 1)[-1], "threads": threads,
            "load_seconds": round(load, 2), "tokens": tokens, "first_token_seconds": round(first - started, 2),
            "tokens_per_second": round(written / (ended - first), 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(measure(args.model, args.threads)))


if __name__ == "__main__":
    main()
